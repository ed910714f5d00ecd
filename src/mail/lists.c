/* The lists mail analysis reads: the protected organisations (--protect),
 * free-mail providers and URL shorteners (data/), domains seen before
 * (--history logs and this run), and the Public Suffix List. */
#include "mail/mail_internal.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <idn2.h>
#include <libpsl.h>

#include "util/datadir.h"
#include "util/hash.h"
#include "util/hindex.h"
#include "util/tsv.h"

/* The seen-domain set fills from log files and mail headers, so it hashes
 * under the run's key; nothing walks it in slot order. */
static uint64_t hash_str(const char *s)
{
    return hash_keyed(s, strlen(s), 0x5eed5e7);
}

static bool slot_used(const void *slot)
{
    return *(char *const *)slot != NULL;
}

static uint64_t slot_hash(const void *ctx, const void *slot)
{
    return hash_str(*(char *const *)slot);
}

bool str_set_has(const struct str_set *s, const char *v)
{
    if (s->cap == 0)
        return false;
    for (size_t k = hash_str(v) & (s->cap - 1); s->slot[k] != NULL; k = (k + 1) & (s->cap - 1))
        if (strcmp(s->slot[k], v) == 0)
            return true;
    return false;
}

bool str_set_add(struct str_set *s, const char *v)
{
    if (str_set_has(s, v))
        return false;
    if ((s->n + 1) * 2 > s->cap &&
        !hindex_slots_regrow((void **)&s->slot, &s->cap, s->cap ? s->cap * 2 : 256, sizeof *s->slot, 0, slot_used,
                             slot_hash, NULL))
        return false;
    size_t k = hash_str(v) & (s->cap - 1);
    while (s->slot[k] != NULL)
        k = (k + 1) & (s->cap - 1);
    s->slot[k] = strdup(v);
    if (s->slot[k] != NULL)
        s->n++;
    return true;
}

void str_set_free(struct str_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

void registered_domain(const struct mail_ctx *c, const char *host, char *out, size_t outlen)
{
    char lower[256];
    size_t k = 0;
    for (; host[k] && k < sizeof lower - 1; k++)
        lower[k] = (char)tolower((unsigned char)host[k]);
    lower[k] = 0;
    while (k > 0 && lower[k - 1] == '.')
        lower[--k] = 0;
    const char *rd = c->psl ? psl_registrable_domain(c->psl, lower) : NULL;
    snprintf(out, outlen, "%s", rd ? rd : lower);
}

/* Reads a list file: one entry per line, # comments. */
static bool load_list(const char *path, struct str_set *s, char *err, size_t errlen)
{
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, "", err, errlen))
        return false;
    while (tsv_lines_next(&lines)) {
        lines.line[strcspn(lines.line, "\r\n \t")] = 0;
        if (lines.line[0] != 0)
            str_set_add(s, lines.line);
    }
    tsv_lines_close(&lines);
    return true;
}

static bool load_protect(struct mail_ctx *c, const char *path, char *err, size_t errlen)
{
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, "", err, errlen))
        return false;
    bool ok = true;
    while (ok && tsv_lines_next(&lines)) {
        char *line = lines.line;
        unsigned lineno = lines.lineno;
        char *tab = strchr(line, '\t');
        if (tab == NULL || tab == line || c->n_protected >= MAIL_MAX_PROTECTED) {
            snprintf(err, errlen, "%s:%u: expected 'domain TAB name;name...'", path, lineno);
            ok = false;
            break;
        }
        *tab = 0;
        struct protected_org *o = &c->protected[c->n_protected++];
        memset(o, 0, sizeof *o);
        char *ascii = NULL;
        if (idn2_to_ascii_8z(line, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK) {
            snprintf(err, errlen, "%s:%u: '%s' is not a domain name", path, lineno, line);
            ok = false;
            break;
        }
        registered_domain(c, ascii, o->domain, sizeof o->domain);
        idn2_free(ascii);
        const char *suffix = c->psl ? psl_unregistrable_domain(c->psl, o->domain) : NULL;
        size_t core_len = suffix && suffix > o->domain ? (size_t)(suffix - o->domain) - 1 : strcspn(o->domain, ".");
        if (core_len >= sizeof o->core)
            core_len = sizeof o->core - 1;
        memcpy(o->core, o->domain, core_len);
        o->core[core_len] = 0;
        for (char *s = tab + 1; *s && o->n_names < MAIL_MAX_NAMES;) {
            char *semi = strchr(s, ';');
            if (semi)
                *semi = 0;
            if (*s)
                fold_utf8(s, o->names[o->n_names++], sizeof o->names[0]);
            if (!semi)
                break;
            s = semi + 1;
        }
    }
    tsv_lines_close(&lines);
    return ok;
}

/* Every host-name-looking token of a log file (TSV or JSON) counts as seen. */
static void load_history(struct mail_ctx *c, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
        if (fd >= 0)
            close(fd);
        return;
    }
    size_t n = (size_t)st.st_size;
    const uint8_t *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return;
    for (size_t i = 0; i < n;) {
        size_t j = i, dots = 0;
        while (j < n && (isalnum(p[j]) || p[j] == '-' || p[j] == '.')) {
            dots += p[j] == '.';
            j++;
        }
        if (dots > 0 && j - i < 250 && j - i > 3 && isalpha(p[j - 1])) {
            char host[256], rd[256];
            snprintf(host, sizeof host, "%.*s", (int)(j - i), p + i);
            registered_domain(c, host, rd, sizeof rd);
            str_set_add(&c->seen, rd);
        }
        i = j > i ? j : i + 1;
    }
    munmap((void *)p, n);
}

struct mail_ctx *mail_ctx_new(const struct mail_options *o, char *err, size_t errlen)
{
    struct mail_ctx *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->doc = o->doc;
    c->intel = o->intel;
    c->psl = psl_latest(NULL);
    if (c->psl == NULL)
        c->psl = (psl_ctx_t *)psl_builtin();
    char path[4096];
    bool ok = true;
    vigil_data_path("data/freemail_domains.txt", path, sizeof path);
    ok = ok && load_list(path, &c->freemail, err, errlen);
    vigil_data_path("data/url_shorteners.txt", path, sizeof path);
    ok = ok && load_list(path, &c->shorteners, err, errlen);
    if (ok && o->protect_path != NULL)
        ok = load_protect(c, o->protect_path, err, errlen);
    for (size_t i = 0; ok && o->history && o->history[i]; i++)
        load_history(c, o->history[i]);
    if (!ok) {
        mail_ctx_free(c);
        return NULL;
    }
    return c;
}

void mail_ctx_free(struct mail_ctx *c)
{
    if (c == NULL)
        return;
    if (c->psl != psl_builtin())
        psl_free(c->psl);
    str_set_free(&c->freemail);
    str_set_free(&c->shorteners);
    str_set_free(&c->seen);
    free(c);
}
