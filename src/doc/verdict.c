/* Reason weights, thresholds and macro keywords: data files shipped in
 * data/ and replaceable by the user, read here; the verdict rule. */
#include "doc/doc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

#define MAX_CODES 64
#define MAX_KEYWORDS 512

struct doc_weights {
    size_t n;
    char code[MAX_CODES][32];
    int weight[MAX_CODES];
    bool strong[MAX_CODES];
    int suspicious_at, malicious_at;
    bool has_suspicious, has_malicious;
};

struct doc_keywords {
    size_t n;
    enum keyword_kind kind[MAX_KEYWORDS];
    char word[MAX_KEYWORDS][48];
};

static bool parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end != 0 || v < -1000 || v > 1000)
        return false;
    *out = (int)v;
    return true;
}

/* Reads a data file into a new record of `size` bytes (zeroed): its lines
 * (comments and blank lines skipped), each split at its tabs into at most
 * max_fields (up to 4), handed to line(). NULL with one line in err: the
 * file cannot be opened, no memory, or line() refused a line (err then says
 * what one should look like, `expected`). The caller frees the record. */
static void *read_lines(const char *path, size_t size, size_t max_fields,
                        bool (*line)(void *into, char **fld, size_t n), const char *expected, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open", path);
        return NULL;
    }
    void *into = calloc(1, size);
    bool ok = into != NULL;
    if (!ok)
        snprintf(err, errlen, "%s: out of memory", path);
    struct tsv_reader r = {.f = f};
    char text[512], *fld[4];
    while (ok && tsv_next_line(&r, text, sizeof text)) {
        ok = line(into, fld, tsv_split(text, fld, max_fields));
        if (!ok)
            snprintf(err, errlen, "%s:%u: expected '%s'", path, r.lineno, expected);
    }
    fclose(f);
    if (!ok) {
        free(into);
        return NULL;
    }
    return into;
}

static bool weights_line(void *into, char **fld, size_t k)
{
    struct doc_weights *w = into;
    int v;
    if (k >= 2 && strcmp(fld[0], "threshold-suspicious") == 0 && parse_int(fld[1], &v)) {
        w->suspicious_at = v;
        w->has_suspicious = true;
    } else if (k >= 2 && strcmp(fld[0], "threshold-malicious") == 0 && parse_int(fld[1], &v)) {
        w->malicious_at = v;
        w->has_malicious = true;
    } else if (k >= 3 && w->n < MAX_CODES && strlen(fld[0]) < 32 && parse_int(fld[1], &v) &&
               (strcmp(fld[2], "strong") == 0 || strcmp(fld[2], "-") == 0)) {
        snprintf(w->code[w->n], sizeof w->code[w->n], "%s", fld[0]);
        w->weight[w->n] = v;
        w->strong[w->n] = strcmp(fld[2], "strong") == 0;
        w->n++;
    } else {
        return false;
    }
    return true;
}

struct doc_weights *weights_load(const char *path, char *err, size_t errlen)
{
    struct doc_weights *w =
        read_lines(path, sizeof *w, 4, weights_line, "code TAB weight TAB strong|- TAB description", err, errlen);
    if (w && !(w->has_suspicious && w->has_malicious)) {
        snprintf(err, errlen, "%s: threshold-suspicious and threshold-malicious are required", path);
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

static bool keywords_line(void *into, char **fld, size_t nf)
{
    static const char *const kinds[KW_COUNT] = {"auto-exec", "suspicious-call"};
    struct doc_keywords *k = into;
    int kind = -1;
    for (int i = 0; i < KW_COUNT; i++)
        if (nf == 2 && strcmp(fld[0], kinds[i]) == 0)
            kind = i;
    if (kind < 0 || strlen(fld[1]) == 0 || strlen(fld[1]) >= 48 || k->n >= MAX_KEYWORDS)
        return false;
    k->kind[k->n] = (enum keyword_kind)kind;
    snprintf(k->word[k->n], sizeof k->word[k->n], "%s", fld[1]);
    k->n++;
    return true;
}

struct doc_keywords *keywords_load(const char *path, char *err, size_t errlen)
{
    return read_lines(path, sizeof(struct doc_keywords), 2, keywords_line, "auto-exec|suspicious-call TAB word", err,
                      errlen);
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
