/* data/anomaly_events.tsv: a few dozen rows searched linearly; anomalies
 * are rare next to packets. */
#include "output/anomaly_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/tsv.h"

#define ANOMALY_EVENTS_FILE "data/anomaly_events.tsv"
#define ANOMALY_EVENTS_MAX 4096 /* rows; the shipped file has a handful */

struct anomaly_events {
    struct anomaly_event *rows;
    char **lines; /* each row's strings point into its own line */
    size_t n, cap, lines_cap;
};

void anomaly_events_free(struct anomaly_events *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->lines[i]);
    free(t->lines);
    free(t->rows);
    free(t);
}

static bool parse_row(char *line, struct anomaly_event *row)
{
    char *f[7];
    if (tsv_split(line, f, 7) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        if (f[i][0] == '\0')
            return false;
    if (strcmp(f[1], "4") != 0 && strcmp(f[1], "6") != 0 && strcmp(f[1], "-") != 0)
        return false;
    if (strcmp(f[2], "T") != 0 && strcmp(f[2], "F") != 0)
        return false;
    bool applayer = strcmp(f[3], "applayer") == 0;
    if (!applayer && strcmp(f[3], "decode") != 0 && strcmp(f[3], "stream") != 0)
        return false;
    if (applayer == (strcmp(f[4], "-") == 0))
        return false; /* an applayer row names its protocol, the others none */
    *row = (struct anomaly_event){
        .name = f[0],
        .ip_version = f[1][0] == '-' ? 0 : (unsigned)(f[1][0] - '0'),
        .weird_log = f[2][0] == 'T',
        .eve_type = f[3],
        .eve_app_proto = applayer ? f[4] : NULL,
        .eve_event = f[5],
    };
    return true;
}

static bool table_add(struct anomaly_events *t, char *line, const struct anomaly_event *row)
{
    if (t->n >= ANOMALY_EVENTS_MAX ||
        grow_array((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows, 16) < 0 ||
        grow_array((void **)&t->lines, &t->lines_cap, t->n + 1, sizeof *t->lines, 16) < 0)
        return false;
    t->rows[t->n] = *row;
    t->lines[t->n] = line;
    t->n++;
    return true;
}

struct anomaly_events *anomaly_events_load(const char *path, char *err, size_t errlen)
{
    char shipped[4096];
    path = tsv_data_path(path, ANOMALY_EVENTS_FILE, shipped, sizeof shipped);
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, " (the anomaly names)", err, errlen))
        return NULL;
    struct anomaly_events *t = calloc(1, sizeof *t);
    bool ok = t != NULL;
    if (!ok)
        snprintf(err, errlen, "%s: out of memory", path);
    while (ok && tsv_lines_next(&lines)) {
        char *line = strdup(lines.line);
        struct anomaly_event row;
        if (line == NULL || !parse_row(line, &row)) {
            snprintf(err, errlen, "%s:%u: %s", path, lines.lineno,
                     line ? "not name, IP version (4, 6, -), weird.log (T, F), EVE type, app_proto, event"
                          : "out of memory");
            free(line);
            ok = false;
        } else if (!table_add(t, line, &row)) {
            snprintf(err, errlen, "%s:%u: too many rows or out of memory", path, lines.lineno);
            free(line);
            ok = false;
        }
    }
    tsv_lines_close(&lines);
    if (!ok) {
        anomaly_events_free(t);
        return NULL;
    }
    return t;
}

const struct anomaly_event *anomaly_events_find(const struct anomaly_events *t, const char *name,
                                                unsigned ip_version)
{
    if (t == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct anomaly_event *row = &t->rows[i];
        if ((row->ip_version == 0 || row->ip_version == ip_version) && strcmp(row->name, name) == 0)
            return row;
    }
    return NULL;
}
