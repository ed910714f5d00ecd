#include "util/tsv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/datadir.h"

size_t tsv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *s = line;
    while (n < max) {
        fields[n++] = s;
        char *tab = strchr(s, '\t');
        if (tab == NULL)
            break;
        *tab = '\0';
        s = tab + 1;
    }
    return n;
}

bool tsv_next_line(struct tsv_reader *r, char *line, size_t size)
{
    while (fgets(line, (int)size, r->f)) {
        r->lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] != '#' && line[0] != '\0')
            return true;
    }
    return false;
}

bool tsv_reader_open(struct tsv_reader *r, const char *path, char *err, size_t errlen)
{
    *r = (struct tsv_reader){.f = fopen(path, "r")};
    if (r->f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

const char *tsv_data_path(const char *path, const char *shipped, char *buf, size_t cap)
{
    if (path != NULL)
        return path;
    vigil_data_path(shipped, buf, cap);
    return buf;
}

bool tsv_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

static const char *setting_name(const struct tsv_settings *s, size_t i)
{
    const char *const *name = (const void *)((const char *)s->table + i * s->stride);
    return *name;
}

/* One line of a settings file; false with err set. */
static bool settings_line(const struct tsv_settings *s, char *line, bool *seen, const char *path, unsigned lineno,
                          char *err, size_t errlen)
{
    char *fields[4];
    size_t n = tsv_split(line, fields, s->tag ? 4 : 3);
    char **f = fields;
    if (s->tag != NULL) {
        if (strcmp(fields[0], s->tag) != 0 || n < 2)
            return true; /* another reader's line */
        f++;
        n--;
    } else if (n < 2) {
        snprintf(err, errlen, "%s:%u: expected setting<TAB>value", path, lineno);
        return false;
    }
    size_t i = 0;
    while (i < s->n && strcmp(setting_name(s, i), f[0]) != 0)
        i++;
    if (i == s->n) {
        if (s->tag != NULL)
            return true; /* another reader's setting under the same tag */
        snprintf(err, errlen, "%s:%u: unknown setting '%s'", path, lineno, f[0]);
        return false;
    }
    if ((s->tag != NULL && n != 2) || !s->apply(s->ctx, (const char *)s->table + i * s->stride, f[1])) {
        snprintf(err, errlen, "%s:%u: bad value for '%s'", path, lineno, setting_name(s, i));
        return false;
    }
    seen[i] = true;
    return true;
}

bool tsv_settings_read(const char *path, const char *shipped, const struct tsv_settings *s, char *err, size_t errlen)
{
    char shipped_path[4096];
    path = tsv_data_path(path, shipped, shipped_path, sizeof shipped_path);
    if (s->n > TSV_SETTINGS_MAX) {
        snprintf(err, errlen, "%s: more than %d settings", path, TSV_SETTINGS_MAX);
        return false;
    }
    struct tsv_reader lines;
    if (!tsv_reader_open(&lines, path, err, errlen))
        return false;
    bool seen[TSV_SETTINGS_MAX] = {false};
    char line[1024];
    bool ok = true;
    while (ok && tsv_next_line(&lines, line, sizeof line))
        ok = settings_line(s, line, seen, path, lines.lineno, err, errlen);
    fclose(lines.f);
    for (size_t i = 0; ok && i < s->n; i++)
        if (!seen[i]) {
            snprintf(err, errlen, "%s: %s %s is missing", path, s->tag ? s->tag : "setting", setting_name(s, i));
            ok = false;
        }
    return ok;
}

bool tsv_lines_open(struct tsv_lines *r, const char *path, const char *what, char *err, size_t errlen)
{
    *r = (struct tsv_lines){.f = fopen(path, "r")};
    if (r->f != NULL)
        return true;
    snprintf(err, errlen, "%s: cannot open%s", path, what);
    return false;
}

bool tsv_lines_next(struct tsv_lines *r)
{
    ssize_t len;
    while ((len = getline(&r->line, &r->cap, r->f)) >= 0) {
        r->lineno++;
        while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        if (len > 0 && r->line[0] != '#')
            return true;
    }
    return false;
}

void tsv_lines_close(struct tsv_lines *r)
{
    free(r->line);
    if (r->f != NULL)
        fclose(r->f);
    *r = (struct tsv_lines){0};
}
