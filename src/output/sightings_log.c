#include "output/sightings_log.h"

#include <stddef.h>
#include <string.h>

#include "output/intel_log.h"
#include "output/zeek_log.h"

static const struct zeek_field sightings_fields[] = {
    {"ts", ZEEK_TIME},
    {"last_seen", ZEEK_TIME},
    {"indicator", ZEEK_STRING},
    {"indicator_type", ZEEK_ENUM},
    {"seen.indicator", ZEEK_STRING},
    {"seen.where", ZEEK_ENUM},
    {"count", ZEEK_COUNT},
    {"hosts", ZEEK_SET_ADDR},
    {"uids", ZEEK_SET_STRING},
    {"sources", ZEEK_SET_STRING},
    {"desc", ZEEK_STRING},
    {"actor", ZEEK_STRING},
    {"threat_level", ZEEK_STRING},
    {"validity", ZEEK_SET_STRING},
};
static const struct zeek_schema sightings_schema = ZEEK_SCHEMA("sightings", sightings_fields);

void output_sighting(struct output_worker *w, const struct sighting_summary *s)
{
    struct zrow *r = zrow_begin(w, &sightings_schema);
    if (r == NULL)
        return;
    const struct intel_entry *e = s->entry;
    zrow_time(r, s->first_us);
    zrow_time(r, s->last_us);
    zrow_cstr(r, e->indicator);
    zrow_enum(r, intel_type_zeek_name(e->type));
    zrow_cstr(r, s->seen);
    zrow_enum(r, s->where);
    zrow_count(r, s->count);
    zrow_addrs(r, s->hosts, s->n_hosts);
    zrow_texts(r, (const char *)s->uids, sizeof s->uids[0], s->n_uids);
    zrow_list_begin(r);
    const char *first_desc = NULL, *first_actor = NULL;
    for (uint32_t i = 0; i < e->n_meta; i++) {
        const struct intel_meta *m = e->meta[i];
        bool dup = false;
        for (uint32_t k = 0; k < i && !dup; k++)
            dup = e->meta[k]->source && m->source && strcmp(e->meta[k]->source, m->source) == 0;
        if (m->source && !dup)
            zrow_item_cstr(r, m->source);
        if (!first_desc)
            first_desc = m->desc;
        if (!first_actor)
            first_actor = m->actor;
    }
    zrow_list_end(r);
    zrow_cstr(r, first_desc);
    zrow_cstr(r, first_actor);
    zrow_cstr(r, intel_threat_level_name(intel_entry_threat_level(e)));
    zrow_list_begin(r);
    for (int v = 0; v < INTEL_VALIDITY_COUNT; v++)
        if (s->by_validity[v])
            zrow_item_cstr(r, intel_validity_name((enum intel_validity)v));
    zrow_list_end(r);
    zrow_end(r);
}
