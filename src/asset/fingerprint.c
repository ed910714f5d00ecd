#include "asset/fingerprint.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/pattern_head.h"
#include "util/grow.h"
#include "util/tsv.h"

/* A value longer than this is matched on its first bytes only: banners
 * are short, and a pattern's cost grows with what it scans. */
#define FP_MAX_VALUE 1024
/* Backtracking bound per match: a hostile banner cannot stall a worker. */
#define FP_MATCH_LIMIT 100000

static const char *const source_names[FP_SOURCE_COUNT] = {
    [FP_HTTP_SERVER] = "http_server",   [FP_HTTP_WWWAUTH] = "http_wwwauth", [FP_RTSP_SERVER] = "rtsp_server",
    [FP_SSDP_SERVER] = "ssdp_server",   [FP_UPNP] = "upnp",                 [FP_ONVIF] = "onvif",
    [FP_TLS_SUBJECT] = "tls_subject",   [FP_SSH_BANNER] = "ssh_banner",     [FP_TELNET_BANNER] = "telnet_banner",
    [FP_DHCP_VENDOR] = "dhcp_vendor",   [FP_DHCP_OPTIONS] = "dhcp_options",
};

const char *fp_source_name(enum fp_source s)
{
    return (unsigned)s < FP_SOURCE_COUNT ? source_names[s] : "?";
}

/* A pattern is compiled the first time a value could match it: most never
 * see one (a run meets a few kinds of banner), and compiling all ~1,300 at
 * start-up cost more than the rest of the inventory's set-up. An anchored
 * pattern's literal head ("^Hikvision-Webs" -> "Hikvision-Webs") is checked
 * first: only a value starting with it compiles and runs the pattern. */
#define FP_HEAD_MAX 32

struct fp_rule {
    pcre2_code *re;             /* compiled on first use */
    const char *pattern;        /* in fields; NULL: exact match on literal */
    char *literal;
    char *fields;               /* one allocation holding the pattern and the hint's strings */
    uint32_t opts;              /* PCRE2_CASELESS or 0 */
    bool broken;                /* PCRE2 could not compile it: never matches */
    uint8_t head_len;           /* a value must start with head (case-blind with opts) */
    char head[FP_HEAD_MAX];
    struct fp_hint hint;
};

struct fp_list {
    struct fp_rule *r;
    size_t n, cap;
};

struct fingerprint_db {
    struct fp_list by_source[FP_SOURCE_COUNT];
    pcre2_match_context *mctx;
    pcre2_match_data *md;       /* reused: callers serialise */
    size_t skipped;             /* unknown sources, empty patterns, and patterns PCRE2 refused */
};

static int source_of(const char *name)
{
    for (int i = 0; i < FP_SOURCE_COUNT; i++)
        if (strcmp(name, source_names[i]) == 0)
            return i;
    return -1;
}

static bool list_push(struct fp_list *l, const struct fp_rule *r)
{
    if (grow_array((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r, 64) < 0)
        return false;
    l->r[l->n++] = *r;
    return true;
}

/* The pattern and the hint's five strings copied into one block. */
static bool copy_fields(struct fp_rule *r, const char *pattern, char *const cols[5])
{
    const char *src[6] = {pattern, cols[0], cols[1], cols[2], cols[3], cols[4]};
    const char **dst[6] = {&r->pattern, &r->hint.device_type, &r->hint.vendor, &r->hint.product, &r->hint.os,
                           &r->hint.description};
    size_t len[6], total = 0;
    for (int i = 0; i < 6; i++) {
        len[i] = src[i] ? strlen(src[i]) + 1 : 0;
        total += len[i];
    }
    r->fields = malloc(total);
    if (r->fields == NULL)
        return false;
    char *p = r->fields;
    for (int i = 0; i < 6; i++) {
        if (src[i] == NULL)
            continue;
        memcpy(p, src[i], len[i]);
        *dst[i] = p;
        p += len[i];
    }
    return true;
}

static void rule_free(struct fp_rule *r)
{
    if (r->re)
        pcre2_code_free(r->re);
    free(r->literal);
    free(r->fields);
}

/* 1 added, 0 skipped (unknown source or empty pattern), -1 out of memory. */
static int add_rule(struct fingerprint_db *db, char **cols)
{
    int src = source_of(cols[0]);
    if (src < 0 || cols[2][0] == '\0')
        return 0;
    struct fp_rule r = {0};
    bool exact = strcmp(cols[1], "=") == 0;
    if (exact && (r.literal = strdup(cols[2])) == NULL)
        return -1;
    if (!copy_fields(&r, exact ? NULL : cols[2], cols + 3) || !list_push(&db->by_source[src], &r)) {
        rule_free(&r);
        return -1;
    }
    if (!exact) {
        struct fp_rule *added = &db->by_source[src].r[db->by_source[src].n - 1];
        bool caseless = strchr(cols[1], 'i') != NULL;
        added->head_len = (uint8_t)pattern_literal_head(added->pattern, &caseless, added->head, sizeof added->head);
        added->opts = caseless ? PCRE2_CASELESS : 0;
    }
    return 1;
}

/* Compiles r when first needed; false when PCRE2 refuses it. */
static bool rule_ready(struct fingerprint_db *db, struct fp_rule *r)
{
    if (r->re)
        return true;
    if (r->broken)
        return false;
    int errcode;
    PCRE2_SIZE erroff;
    r->re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, r->opts, &errcode, &erroff, NULL);
    if (r->re == NULL) {
        r->broken = true;
        db->skipped++;
    }
    return r->re != NULL;
}

static bool head_matches(const struct fp_rule *r, const char *value, size_t n)
{
    if (n < r->head_len)
        return false;
    if (!(r->opts & PCRE2_CASELESS))
        return memcmp(r->head, value, r->head_len) == 0;
    /* ASCII only, as PCRE2 folds without UTF: no locale may fold more */
    for (size_t i = 0; i < r->head_len; i++) {
        unsigned char a = (unsigned char)r->head[i], b = (unsigned char)value[i];
        if (a != b && !(pattern_ascii_letter(a) && (a | 0x20) == (b | 0x20)))
            return false;
    }
    return true;
}

static bool load_file(struct fingerprint_db *db, const char *path, char *err, size_t errlen)
{
    struct tsv_lines lines;
    if (!tsv_lines_open(&lines, path, " fingerprint file", err, errlen))
        return false;
    bool ok = true;
    while (tsv_lines_next(&lines)) {
        char *cols[8];
        if (tsv_split(lines.line, cols, 8) != 8) {
            db->skipped++;
            continue;
        }
        int r = add_rule(db, cols);
        if (r < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            ok = false;
            break;
        }
        if (r == 0)
            db->skipped++;
    }
    tsv_lines_close(&lines);
    return ok;
}

struct fingerprint_db *fingerprint_db_load(const char *const *paths, size_t n, char *err, size_t errlen)
{
    struct fingerprint_db *db = calloc(1, sizeof *db);
    if (db == NULL || (db->mctx = pcre2_match_context_create(NULL)) == NULL) {
        snprintf(err, errlen, "out of memory for the fingerprints");
        fingerprint_db_free(db);
        return NULL;
    }
    pcre2_set_match_limit(db->mctx, FP_MATCH_LIMIT);
    if ((db->md = pcre2_match_data_create(16, NULL)) == NULL) {
        snprintf(err, errlen, "out of memory for the fingerprints");
        fingerprint_db_free(db);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!load_file(db, paths[i], err, errlen)) {
            fingerprint_db_free(db);
            return NULL;
        }
    }
    return db;
}

void fingerprint_db_free(struct fingerprint_db *db)
{
    if (db == NULL)
        return;
    for (int s = 0; s < FP_SOURCE_COUNT; s++) {
        for (size_t i = 0; i < db->by_source[s].n; i++)
            rule_free(&db->by_source[s].r[i]);
        free(db->by_source[s].r);
    }
    if (db->mctx)
        pcre2_match_context_free(db->mctx);
    if (db->md)
        pcre2_match_data_free(db->md);
    free(db);
}

size_t fingerprint_db_size(const struct fingerprint_db *db)
{
    size_t n = 0;
    for (int s = 0; s < FP_SOURCE_COUNT; s++)
        n += db->by_source[s].n;
    return n;
}

size_t fingerprint_db_skipped(struct fingerprint_db *db)
{
    for (int s = 0; s < FP_SOURCE_COUNT; s++)
        for (size_t i = 0; i < db->by_source[s].n; i++)
            if (db->by_source[s].r[i].pattern)
                rule_ready(db, &db->by_source[s].r[i]);
    return db->skipped;
}

bool fingerprint_match(struct fingerprint_db *db, enum fp_source src, const char *value, size_t n,
                       struct fp_hint *hint)
{
    if (db == NULL || (unsigned)src >= FP_SOURCE_COUNT)
        return false;
    if (n > FP_MAX_VALUE)
        n = FP_MAX_VALUE;
    const struct fp_list *l = &db->by_source[src];
    for (size_t i = 0; i < l->n; i++) {
        struct fp_rule *r = &l->r[i];
        bool found;
        if (r->literal)
            found = strlen(r->literal) == n && memcmp(r->literal, value, n) == 0;
        else
            found = head_matches(r, value, n) && rule_ready(db, r) &&
                    pcre2_match(r->re, (PCRE2_SPTR)value, n, 0, 0, db->md, db->mctx) >= 0;
        if (found) {
            *hint = r->hint;
            return true;
        }
    }
    return false;
}
