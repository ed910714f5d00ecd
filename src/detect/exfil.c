/* Exfiltration: much more data leaving for one external destination than
 * coming back.
 *
 *  "upload to new destination": one flow sending at least exfil_upload_bytes
 *     with orig_bytes >= exfil_ratio * resp_bytes, within 24 h of the first
 *     connection of its (source, destination) pair in this run. "New" can
 *     only mean new to this run: there is no history before it.
 *  "large daily upload": a pair sending at least exfil_pair_bytes in one
 *     UTC day with sent >= exfil_ratio * received that day -- catches slow
 *     exfiltration in many small uploads. The largest such day is reported.
 *     Rows for a day earlier than the pair's current one count toward the
 *     current day.
 *  "large HTTP upload": one POST/PUT body of at least exfil_http_body_bytes.
 *  "large mail to external server": one SMTP message of at least exfil_smtp_bytes.
 *
 * Events of one reason between one pair are aggregated into one finding
 * (count, total bytes). Each is reported once per run.
 *
 * score = 0.5 + 0.5 * min(1, bytes / (4 * the reason's byte threshold)).
 * ATT&CK T1048, or T1041 when the same pair was also reported as a beacon
 * (exfiltration over the C2 channel). */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/behavior_internal.h"
#include "util/hash.h"

#define UPLOAD_SEED 0x75706c6f61647321ULL

/* ------------------------------------------------------------- the table */

struct upload_key {
    uint8_t reason;
    const struct ip_addr *src, *dst;
};

static uint32_t upload_hash(const struct upload_key *k)
{
    uint8_t buf[33];
    buf[0] = k->reason;
    memcpy(buf + 1, k->src->b, 16);
    memcpy(buf + 17, k->dst->b, 16);
    return (uint32_t)hash_keyed(buf, sizeof buf, UPLOAD_SEED);
}

static bool upload_eq(const void *ctx, uint32_t id, const void *key)
{
    const struct upload_agg *u = &((const struct upload_table *)ctx)->e[id];
    const struct upload_key *k = key;
    return u->reason == k->reason && memcmp(u->src.b, k->src->b, 16) == 0 && memcmp(u->dst.b, k->dst->b, 16) == 0;
}

static uint64_t upload_evidence(const void *ctx, uint32_t id)
{
    const struct upload_agg *u = &((const struct behavior *)ctx)->uploads.e[id];
    return u->done ? UINT64_MAX : u->bytes;
}

static void upload_evict(void *ctx, uint32_t id)
{
    struct behavior *b = ctx;
    struct upload_agg *u = &b->uploads.e[id];
    hindex_remove(&b->uploads.t.index, u->hash32, id);
    strpool_unref(&b->pool, u->name_id);
    memset(u, 0, sizeof *u);
    u->name_id = STRPOOL_NONE;
}

bool uploads_init(struct behavior *b)
{
    b->uploads.e = table_entries_new(&b->uploads.t, b->cfg.max_pairs, sizeof *b->uploads.e);
    return b->uploads.e != NULL;
}

void uploads_free(struct behavior *b)
{
    if (b->uploads.e != NULL)
        for (uint32_t i = 0; i < b->uploads.t.ids.next_fresh; i++)
            if (b->uploads.e[i].reason != 0)
                strpool_unref(&b->pool, b->uploads.e[i].name_id);
    free(b->uploads.e);
    b->uploads.e = NULL;
    table_free(&b->uploads.t);
}

struct upload_event {
    uint8_t reason;
    const struct ip_addr *src, *dst;
    uint16_t port;
    uint8_t proto;
    uint32_t name_id;       /* borrowed */
    uint64_t bytes, bytes_in;
    int64_t ts_us;
    const char *uid;
};

static void upload_add(struct behavior *b, const struct upload_event *ev)
{
    struct upload_key k = {ev->reason, ev->src, ev->dst};
    uint32_t h = upload_hash(&k);
    uint32_t id = hindex_find(&b->uploads.t.index, h, upload_eq, &b->uploads, &k);
    struct upload_agg *u;
    if (id == HINDEX_NONE) {
        id = table_claim(&b->uploads.t, h, upload_evidence, upload_evict, b, &b->stats.evicted);
        if (id == HINDEX_NONE)
            return;
        u = &b->uploads.e[id];
        memset(u, 0, sizeof *u);
        u->reason = ev->reason;
        u->src = *ev->src;
        u->dst = *ev->dst;
        u->hash32 = h;
        u->port = ev->port;
        u->proto = ev->proto;
        u->first_us = u->last_us = ev->ts_us;
        strpool_ref(&b->pool, ev->name_id);
        u->name_id = ev->name_id;
    } else {
        u = &b->uploads.e[id];
        if (u->done)
            return;
        if (u->port != ev->port)
            u->multi_port = true;
        if (ev->ts_us < u->first_us)
            u->first_us = ev->ts_us;
    }
    if (ev->ts_us >= u->last_us) {
        u->last_us = ev->ts_us;
        copy_uid(u->uid, ev->uid);
    }
    u->count++;
    u->bytes = add_sat_u64(u->bytes, ev->bytes);
    u->bytes_in = add_sat_u64(u->bytes_in, ev->bytes_in);
}

/* -------------------------------------------------------------- observing */

static bool lopsided(const struct behavior *b, uint64_t out, uint64_t in)
{
    return (double)out >= b->cfg.exfil_ratio * (double)in;
}

static void count_day(struct behavior *b, struct pair *p, const struct obs_conn *c)
{
    struct exfil_day *e = &p->exfil;
    int32_t day = (int32_t)floor_div(c->ts_us, US_PER_DAY); /* |day| < 2^27 for any int64 time */
    if (!(p->flags & PF_EXFIL_SEEN)) {
        p->flags |= PF_EXFIL_SEEN;
        e->first_us = c->ts_us;
        e->day = day;
        e->day_first_us = e->day_last_us = c->ts_us;
    } else if (day > e->day) {
        e->day = day;
        e->out = e->in = e->conns = 0;
        e->day_first_us = e->day_last_us = c->ts_us;
    }
    if (c->ts_us < e->first_us)
        e->first_us = c->ts_us;
    if (c->ts_us < e->day_first_us)
        e->day_first_us = c->ts_us;
    e->out = add_sat_u64(e->out, c->orig_bytes);
    e->in = add_sat_u64(e->in, c->resp_bytes);
    e->conns++;
    if (c->ts_us >= e->day_last_us)
        e->day_last_us = c->ts_us;
    if (e->out < b->cfg.exfil_pair_bytes || !lopsided(b, e->out, e->in) || (p->flags & PF_DAILY_DONE))
        return;
    if (!(p->flags & PF_DAILY_HIT) || e->out >= e->hit_out) {
        p->flags |= PF_DAILY_HIT;
        e->hit_out = e->out;
        e->hit_in = e->in;
        e->hit_conns = e->conns;
        e->hit_first_us = e->day_first_us;
        e->hit_last_us = e->day_last_us;
        copy_uid(e->hit_uid, c->uid);
    }
}

void exfil_observe_conn(struct behavior *b, struct pair *p, const struct obs_conn *c, uint32_t name_id)
{
    count_day(b, p, c);
    if (c->orig_bytes < b->cfg.exfil_upload_bytes || !lopsided(b, c->orig_bytes, c->resp_bytes))
        return;
    if (time_sub(c->ts_us, p->exfil.first_us) > 24 * US_PER_HOUR)
        return;
    struct upload_event ev = {
        .reason = UPLOAD_NEW_DEST, .src = &c->orig_h, .dst = &c->resp_h, .port = c->resp_p, .proto = c->proto,
        .name_id = name_id, .bytes = c->orig_bytes, .bytes_in = c->resp_bytes, .ts_us = c->ts_us, .uid = c->uid,
    };
    upload_add(b, &ev);
}

void exfil_observe_upload(struct behavior *b, const struct obs_upload *u)
{
    uint8_t reason;
    if (u->kind == UPLOAD_HTTP) {
        if (u->method == NULL || (strcasecmp(u->method, "POST") != 0 && strcasecmp(u->method, "PUT") != 0))
            return;
        if (u->bytes < b->cfg.exfil_http_body_bytes)
            return;
        reason = UPLOAD_HTTP_BODY;
    } else if (u->kind == UPLOAD_SMTP) {
        if (u->bytes < b->cfg.exfil_smtp_bytes)
            return;
        reason = UPLOAD_SMTP_MSG;
    } else {
        return;
    }
    char name[NAME_MAX_LEN + 1];
    size_t len = behavior_normalize_name(u->name, u->kind == UPLOAD_HTTP, name);
    uint32_t name_id = len ? strpool_intern(&b->pool, name, len) : STRPOOL_NONE;
    struct upload_event ev = {
        .reason = reason, .src = &u->orig_h, .dst = &u->resp_h, .port = u->resp_p, .proto = IPPROTO_TCP,
        .name_id = name_id, .bytes = u->bytes, .ts_us = u->ts_us, .uid = u->uid,
    };
    upload_add(b, &ev);
    strpool_unref(&b->pool, name_id);
}

/* ---------------------------------------------------------------- report */

static double exfil_score(uint64_t bytes, uint64_t threshold)
{
    double t = threshold ? (double)threshold : 1.0;
    return 0.5 + 0.5 * clamp01((double)bytes / (4.0 * t));
}

static const char *attack_for(struct behavior *b, const struct ip_addr *src, const struct ip_addr *dst)
{
    const struct pair *p = pairs_find_addr(b, src, dst);
    return p != NULL && (p->flags & PF_BEACON_REPORTED) ? "T1041" : "T1048";
}

static void collect_daily(struct behavior *b, struct finding_list *out)
{
    for (uint32_t id = 0; id < b->pairs.t.ids.next_fresh; id++) {
        struct pair *p = &b->pairs.e[id];
        if (p->kind != PAIR_ADDR || !(p->flags & PF_DAILY_HIT) || (p->flags & PF_DAILY_DONE))
            continue;
        const struct exfil_day *e = &p->exfil;
        struct finding f = {
            .kind = FINDING_EXFIL,
            .reason = "large daily upload",
            .attack = (p->flags & PF_BEACON_REPORTED) ? "T1041" : "T1048",
            .score = exfil_score(e->hit_out, b->cfg.exfil_pair_bytes),
            .first_us = e->hit_first_us,
            .last_us = e->hit_last_us,
            .src = p->src,
            .has_dst = true,
            .dst = p->dst,
            .name = (p->flags & PF_MULTI_NAME) ? NULL : strpool_str(&b->pool, p->name_id),
            .uid = e->hit_uid,
            .count = e->hit_conns,
            .bytes_out = e->hit_out,
            .bytes_in = e->hit_in,
        };
        if (!behavior_allowed(b, &f) && !finding_list_push(out, &f))
            continue;
        p->flags |= PF_DAILY_DONE;
    }
}

static void collect_uploads(struct behavior *b, struct finding_list *out)
{
    for (uint32_t id = 0; id < b->uploads.t.ids.next_fresh; id++) {
        struct upload_agg *u = &b->uploads.e[id];
        if (u->reason == 0 || u->done)
            continue;
        const char *reason = "upload to new destination";
        uint64_t threshold = b->cfg.exfil_upload_bytes;
        if (u->reason == UPLOAD_HTTP_BODY) {
            reason = "large HTTP upload";
            threshold = b->cfg.exfil_http_body_bytes;
        } else if (u->reason == UPLOAD_SMTP_MSG) {
            reason = "large mail to external server";
            threshold = b->cfg.exfil_smtp_bytes;
        }
        struct finding f = {
            .kind = FINDING_EXFIL,
            .reason = reason,
            .attack = attack_for(b, &u->src, &u->dst),
            .score = exfil_score(u->bytes, threshold),
            .first_us = u->first_us,
            .last_us = u->last_us,
            .src = u->src,
            .has_dst = true,
            .dst = u->dst,
            .dst_port = u->multi_port ? 0 : u->port,
            .proto = u->proto,
            .name = strpool_str(&b->pool, u->name_id),
            .uid = u->uid,
            .count = u->count,
            .bytes_out = u->bytes,
            .bytes_in = u->bytes_in,
        };
        if (!behavior_allowed(b, &f) && !finding_list_push(out, &f))
            continue;
        u->done = true;
    }
}

void exfil_collect(struct behavior *b, struct finding_list *out)
{
    collect_daily(b, out);
    collect_uploads(b, out);
}
