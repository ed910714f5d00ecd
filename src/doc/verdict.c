/* Reason weights, thresholds and macro keywords: data files shipped in
 * data/ and replaceable by the user, read here; the verdict rule. */
#include "doc/doc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CODES 64
#define MAX_KEYWORDS 512

struct doc_weights {
    size_t n;
    char code[MAX_CODES][32];
    int weight[MAX_CODES];
    bool strong[MAX_CODES];
    int suspicious_at, malicious_at;
};

struct doc_keywords {
    size_t n;
    enum keyword_kind kind[MAX_KEYWORDS];
    char word[MAX_KEYWORDS][48];
};

/* Splits a line into at most max tab-separated fields (in place); comments
 * (#) and blank lines give 0. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == '#' || line[0] == 0)
        return 0;
    size_t k = 0;
    char *s = line;
    while (k < max) {
        f[k++] = s;
        char *t = strchr(s, '\t');
        if (t == NULL)
            break;
        *t = 0;
        s = t + 1;
    }
    return k;
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != 0 || v < -1000 || v > 1000)
        return false;
    *out = (int)v;
    return true;
}

struct doc_weights *weights_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    struct doc_weights *w = calloc(1, sizeof *w);
    char line[512];
    unsigned lineno = 0;
    bool ok = w != NULL;
    if (ok)
        w->suspicious_at = w->malicious_at = -1;
    else
        snprintf(err, errlen, "%s: out of memory", path);
    while (ok && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char *fld[4];
        size_t k = split_tabs(line, fld, 4);
        if (k == 0)
            continue;
        int v;
        if (k >= 2 && strcmp(fld[0], "threshold-suspicious") == 0 && parse_int(fld[1], &v)) {
            w->suspicious_at = v;
        } else if (k >= 2 && strcmp(fld[0], "threshold-malicious") == 0 && parse_int(fld[1], &v)) {
            w->malicious_at = v;
        } else if (k >= 3 && w->n < MAX_CODES && strlen(fld[0]) < 32 && parse_int(fld[1], &v) &&
                   (strcmp(fld[2], "strong") == 0 || strcmp(fld[2], "-") == 0)) {
            snprintf(w->code[w->n], sizeof w->code[w->n], "%s", fld[0]);
            w->weight[w->n] = v;
            w->strong[w->n] = strcmp(fld[2], "strong") == 0;
            w->n++;
        } else {
            snprintf(err, errlen, "%s:%u: expected 'code TAB weight TAB strong|- TAB description'", path, lineno);
            ok = false;
        }
    }
    fclose(f);
    if (ok && (w->suspicious_at < 0 || w->malicious_at < 0)) {
        snprintf(err, errlen, "%s: threshold-suspicious and threshold-malicious are required", path);
        ok = false;
    }
    if (!ok) {
        free(w);
        return NULL;
    }
    return w;
}

void weights_free(struct doc_weights *w) { free(w); }

static int code_index(const struct doc_weights *w, const char *code)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->code[i], code) == 0)
            return (int)i;
    return -1;
}

bool weights_known(const struct doc_weights *w, const char *code) { return code_index(w, code) >= 0; }

void verdict_decide(const struct doc_weights *w, struct doc_report *r)
{
    int score = 0;
    bool strong = false;
    enum doc_verdict worst_child = VERDICT_CLEAN;
    for (size_t i = 0; i < r->n_children; i++) {
        verdict_decide(w, &r->children[i]);
        score += r->children[i].score;
        if (r->children[i].verdict > worst_child)
            worst_child = r->children[i].verdict;
    }
    /* each code counts once, however many places showed it */
    bool counted[MAX_CODES] = {false};
    for (size_t i = 0; i < r->n_reasons; i++) {
        int k = code_index(w, r->reasons[i].code);
        if (k >= 0 && !counted[k]) {
            counted[k] = true;
            score += w->weight[k];
            strong |= w->strong[k];
        }
        strong |= r->reasons[i].strong;
    }
    r->score = score;
    if (strong || score >= w->malicious_at)
        r->verdict = VERDICT_MALICIOUS;
    else if (score >= w->suspicious_at)
        r->verdict = VERDICT_SUSPICIOUS;
    else
        r->verdict = VERDICT_CLEAN;
    if (worst_child > r->verdict)
        r->verdict = worst_child;
}

struct doc_keywords *keywords_load(const char *path, char *err, size_t errlen)
{
    static const char *const kinds[KW_COUNT] = {"auto-exec", "suspicious-call"};
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    struct doc_keywords *k = calloc(1, sizeof *k);
    char line[256];
    unsigned lineno = 0;
    bool ok = k != NULL;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char *fld[2];
        size_t nf = split_tabs(line, fld, 2);
        if (nf == 0)
            continue;
        int kind = -1;
        for (int i = 0; i < KW_COUNT; i++)
            if (nf == 2 && strcmp(fld[0], kinds[i]) == 0)
                kind = i;
        if (kind < 0 || strlen(fld[1]) == 0 || strlen(fld[1]) >= 48 || k->n >= MAX_KEYWORDS) {
            snprintf(err, errlen, "%s:%u: expected 'auto-exec|suspicious-call TAB word'", path, lineno);
            ok = false;
            break;
        }
        k->kind[k->n] = (enum keyword_kind)kind;
        snprintf(k->word[k->n], sizeof k->word[k->n], "%s", fld[1]);
        k->n++;
    }
    fclose(f);
    if (!ok) {
        free(k);
        return NULL;
    }
    return k;
}

void keywords_free(struct doc_keywords *k) { free(k); }

static bool ident_char(uint8_t c) { return isalnum(c) || c == '_'; }

void keywords_scan(const struct doc_keywords *k, const uint8_t *p, size_t n, const char *where, struct doc_report *r)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->n; i++) {
        const char *word = k->word[i];
        size_t wl = strlen(word);
        const uint8_t *s = p;
        size_t left = n;
        const uint8_t *hit;
        while ((hit = find_ci(s, left, word)) != NULL) {
            size_t at = (size_t)(hit - p);
            bool starts = at == 0 || !ident_char(p[at - 1]) || !ident_char((uint8_t)word[0]);
            bool ends = at + wl >= n || !ident_char(p[at + wl]) || !ident_char((uint8_t)word[wl - 1]);
            if (starts && ends) {
                report_reason(r, k->kind[i] == KW_AUTO_EXEC ? "auto-exec" : "suspicious-call", "%s in %s", word,
                              where);
                break;
            }
            s = hit + 1;
            left = n - (at + 1);
        }
    }
}
