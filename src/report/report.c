#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "incident/block.h"
#include "incident/correlate.h"
#include "report/ingest.h"
#include "incident/report_html.h"
#include "incident/summary.h"
#include "output/incident_log.h"
#include "output/output.h"

static struct killchain_map *load_map(const char *path, char *err, size_t errlen)
{
    char found[4096];
    if (path == NULL) {
        if (!killchain_default_path(found, sizeof found)) {
            snprintf(err, errlen, "cannot find data/incident/killchain.map (set VIGIL_DATA_DIR to the folder holding data/, or use --killchain FILE)");
            return NULL;
        }
        path = found;
    }
    return killchain_load(path, err, errlen);
}

/* One pass over every input, only the logs the pass wants. */
static int read_pass(const struct report_options *o, struct ingest *in, enum ingest_pass p,
                     struct report_stats *st, char *err, size_t errlen)
{
    struct logread *r = logread_open(o->paths, o->n_paths, err, errlen);
    if (r == NULL)
        return -1;
    logread_filter(r, ingest_pass_logs(p));
    struct log_row row;
    int rc;
    while ((rc = logread_next(r, &row, err, errlen)) == 1)
        ingest_row(in, p, &row);
    const char *w;
    while ((w = logread_warning(r)) != NULL)
        if (p == INGEST_CONTEXT)
            fprintf(stderr, "vigil: report: %s\n", w);
    struct logread_stats ls;
    logread_get_stats(r, &ls);
    logread_close(r);
    /* A row or a damaged line is counted by the pass that wanted its log,
     * in its first round. */
    if (in->from == INGEST_FROM_ZEEK) {
        st->rows += ls.rows;
        st->bad_lines += ls.bad_lines;
    }
    if (p == INGEST_CONTEXT) {
        st->files = ls.files;
        st->bad_files = ls.bad_files;
    }
    return rc < 0 ? -1 : 0;
}

static int write_outputs(const struct report_options *o, const struct correlator *c, struct report_stats *st,
                         char *err, size_t errlen)
{
    struct output *out = output_open(o->out_dir, o->formats, err, errlen);
    if (out == NULL)
        return -1;
    struct output_worker *w = output_worker_new(out);
    for (size_t i = 0; w && i < correlator_incident_count(c); i++)
        output_incident(w, correlator_incident_by_id(c, (unsigned)i + 1));
    output_worker_free(w);
    if (output_close(out, err, errlen) != 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/report.html", o->out_dir);
    struct report_meta meta = {.inputs = o->paths, .n_inputs = o->n_paths};
    if (report_html_write(c, &meta, path, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/block", o->out_dir);
    struct block_options bo = {.dir = path, .allow = o->allow, .force = o->force_block};
    struct block_stats bs;
    if (block_write(c, &bo, &bs, err, errlen) != 0)
        return -1;
    st->block_addresses = bs.addresses;
    st->block_domains = bs.domains;
    st->block_hashes = bs.hashes;
    st->block_excluded = bs.excluded;
    return 0;
}

int report_run(const struct report_options *o, struct report_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    struct killchain_map *map = load_map(o->killchain_path, err, errlen);
    if (map == NULL)
        return -1;
    struct correlator_config cfg;
    correlator_config_defaults(&cfg);
    cfg.map = map;
    cfg.local_nets = o->local_nets;
    cfg.n_local_nets = o->n_local_nets;
    if (o->popular_hosts)
        cfg.popular_hosts = o->popular_hosts;
    struct correlator *c = correlator_new(&cfg, err, errlen);
    if (c == NULL) {
        killchain_free(map);
        return -1;
    }
    struct ingest in = {.c = c};
    int rc = 0;
    for (int p = 0; p < INGEST_PASS_COUNT && rc == 0; p++) {
        bool two_rounds = p == INGEST_CONTEXT || p == INGEST_TRAFFIC;
        in.from = INGEST_FROM_ZEEK;
        rc = read_pass(o, &in, (enum ingest_pass)p, st, err, errlen);
        if (rc == 0 && two_rounds) {
            in.from = INGEST_FROM_EVE;
            rc = read_pass(o, &in, (enum ingest_pass)p, st, err, errlen);
        }
    }
    if (rc == 0) {
        correlator_finish(c);
        rc = write_outputs(o, c, st, err, errlen);
    }
    if (rc == 0) {
        struct correlator_stats cs;
        correlator_get_stats(c, &cs);
        st->alert_rows = in.alert_rows;
        st->duplicates = in.skipped_duplicates;
        st->events = cs.events;
        st->classified = cs.classified;
        st->unmapped = cs.unmapped;
        st->incidents = correlator_incident_count(c);
        if (o->summary)
            incident_print_summary(o->summary, c);
    }
    ingest_free(&in);
    correlator_free(c);
    killchain_free(map);
    if (rc != 0)
        return -1;
    return st->bad_files || st->bad_lines ? 1 : 0;
}
