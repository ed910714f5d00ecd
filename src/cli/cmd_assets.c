/* vigil assets LOGDIR... [--json]: the device table from stored
 * assets.log files (Zeek TSV or JSON) or EVE `asset` events: each device's
 * latest record. */
#include <getopt.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hunt/logread.h"
#include "util/buf.h"
#include "util/json.h"

#define ASSETS_MAX_DEVICES 65536
#define ASSETS_FIELD_MAX 1024   /* bytes of one field kept (sets joined with ",") */

/* The columns printed, in order; "key" first. */
static const char *const columns[] = {
    "key", "vendor", "addrs", "host_name", "device_type", "os", "services", "risk",
    "hints", "external_peers", "local_admin", "gateway", "first_seen", "last_seen",
};
#define N_COLUMNS (sizeof columns / sizeof *columns)
#define TABLE_COLUMNS 8         /* the text table stops before "hints" */

struct device_row {
    double ts;
    bool final;
    char *field[N_COLUMNS];     /* NULL: unset */
};

struct assets_table {
    struct hsearch_data index;
    struct device_row *rows;
    size_t n;
    uint64_t dropped;
};

void cli_help_assets(void)
{
    printf("usage: vigil assets LOGDIR... [--json]\n\n"
           "Prints the device inventory recorded by `vigil read --devices`: the latest record of every device\n"
           "in the assets.log files (Zeek TSV or JSON, plain or gzip, directories walked) or EVE asset events.\n"
           "Exit status: 0 ok, 1 some logs were damaged (read up to the damage), 2 usage or setup error.\n\n"
           "options:\n"
           "      --json               one JSON object per device instead of the table\n"
           "  -h, --help               this help\n");
}

struct join_ctx {
    struct buf *b;
};

static void join_one(void *ctx, const char *val, size_t len)
{
    struct join_ctx *j = ctx;
    if (j->b->len)
        buf_putc(j->b, ',');
    buf_append(j->b, val, len);
}

/* The value of column c in r, sets joined with ","; NULL when unset. */
static char *field_of(const struct log_row *r, const char *column)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", r->source == LOG_EVE ? "asset." : "", column);
    struct buf b;
    buf_init(&b, 64, ASSETS_FIELD_MAX);
    struct join_ctx j = {&b};
    log_row_each(r, name, join_one, &j);
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    buf_putc(&b, '\0');
    return b.data;
}

static void row_free(struct device_row *d)
{
    for (size_t i = 0; i < N_COLUMNS; i++)
        free(d->field[i]);
}

/* Keeps r when it is the device's latest record (a final one wins a tie). */
static void take_row(struct assets_table *t, const struct log_row *r)
{
    struct device_row d = {.ts = r->ts};
    struct log_value ev;
    char evname[16];
    snprintf(evname, sizeof evname, "%sevent", r->source == LOG_EVE ? "asset." : "");
    d.final = log_row_get(r, evname, &ev) && ev.len == 5 && memcmp(ev.val, "final", 5) == 0;
    d.field[0] = field_of(r, columns[0]);
    if (d.field[0] == NULL)
        return;
    ENTRY want = {.key = d.field[0]}, *found = NULL;
    hsearch_r(want, FIND, &found, &t->index);
    struct device_row *slot;
    if (found) {
        slot = &t->rows[(size_t)found->data];
        if (d.ts < slot->ts || (d.ts == slot->ts && slot->final && !d.final)) {
            free(d.field[0]);
            return;
        }
        /* the index keys on the first row's key string: keep it */
        free(d.field[0]);
        d.field[0] = slot->field[0];
        slot->field[0] = NULL;
        row_free(slot);
    } else {
        if (t->n == ASSETS_MAX_DEVICES) {
            t->dropped++;
            free(d.field[0]);
            return;
        }
        want.data = (void *)t->n;
        if (!hsearch_r(want, ENTER, &found, &t->index)) {
            free(d.field[0]);
            return;
        }
        slot = &t->rows[t->n++];
    }
    for (size_t i = 1; i < N_COLUMNS; i++)
        d.field[i] = field_of(r, columns[i]);
    *slot = d;
}

static int cmp_rows(const void *a, const void *b)
{
    const struct device_row *x = a, *y = b;
    return strcmp(x->field[0], y->field[0]);
}

static void print_table(const struct assets_table *t)
{
    for (size_t c = 0; c < TABLE_COLUMNS; c++)
        printf("%s%s", c ? "\t" : "", columns[c]);
    printf("\n");
    for (size_t i = 0; i < t->n; i++) {
        for (size_t c = 0; c < TABLE_COLUMNS; c++)
            printf("%s%s", c ? "\t" : "", t->rows[i].field[c] ? t->rows[i].field[c] : "-");
        printf("\n");
    }
}

static void print_json(const struct assets_table *t)
{
    struct buf b;
    buf_init(&b, 4096, 0);
    for (size_t i = 0; i < t->n; i++) {
        struct json_writer j;
        buf_reset(&b);
        json_init(&j, &b, JSON_ZEEK);
        json_object_begin(&j);
        for (size_t c = 0; c < N_COLUMNS; c++)
            if (t->rows[i].field[c])
                json_kv_str(&j, columns[c], t->rows[i].field[c]);
        json_object_end(&j);
        fwrite(b.data, 1, b.len, stdout);
        putchar('\n');
    }
    buf_free(&b);
}

static int read_assets(struct assets_table *t, const char *const *paths, size_t n)
{
    char err[512];
    struct logread *r = logread_open(paths, n, err, sizeof err);
    if (r == NULL) {
        fprintf(stderr, "vigil: assets: %s\n", err);
        return EXIT_USAGE;
    }
    static const char *const wanted[] = {"assets", "asset", NULL};
    logread_filter(r, wanted);
    struct log_row row;
    int got;
    while ((got = logread_next(r, &row, err, sizeof err)) == 1)
        take_row(t, &row);
    const char *warning;
    while ((warning = logread_warning(r)) != NULL)
        fprintf(stderr, "vigil: assets: %s\n", warning);
    struct logread_stats st;
    logread_get_stats(r, &st);
    logread_close(r);
    if (got < 0) {
        fprintf(stderr, "vigil: assets: %s\n", err);
        return EXIT_USAGE;
    }
    return st.bad_lines || st.bad_files ? EXIT_DAMAGED : EXIT_OK;
}

int cli_run_assets(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j') {
            json = true;
        } else if (c == 'h') {
            cli_help_assets();
            return EXIT_OK;
        } else {
            return usage_error("assets: unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("assets needs at least one log file or directory%s", "");
    struct assets_table t = {0};
    t.rows = calloc(ASSETS_MAX_DEVICES, sizeof *t.rows);
    if (t.rows == NULL || !hcreate_r(ASSETS_MAX_DEVICES * 2, &t.index)) {
        free(t.rows);
        fprintf(stderr, "vigil: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = read_assets(&t, (const char *const *)argv + optind, (size_t)(argc - optind));
    if (rc != EXIT_USAGE) {
        qsort(t.rows, t.n, sizeof *t.rows, cmp_rows);
        if (json)
            print_json(&t);
        else
            print_table(&t);
        if (t.dropped)
            fprintf(stderr, "vigil: assets: more than %d devices; %llu records not shown\n", ASSETS_MAX_DEVICES,
                    (unsigned long long)t.dropped);
    }
    hdestroy_r(&t.index);
    for (size_t i = 0; i < t.n; i++) {
        row_free(&t.rows[i]);
    }
    free(t.rows);
    return rc;
}
