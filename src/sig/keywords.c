/* The keyword table: each rule option's name and the handler that records
 * it in the rule. A keyword missing here skips the whole rule. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sig/sig_internal.h"
#include "util/grow.h"

#define OK SIG_PARSE_OK
#define SKIP SIG_PARSE_SKIP
#define ERR SIG_PARSE_ERROR

static enum sig_parse_result fail(struct sig_parse *p, enum sig_parse_result res, const char *fmt, const char *arg)
{
    snprintf(p->why, p->whylen, fmt, arg);
    return res;
}

/* --- buffers --- */

struct buffer_def {
    const char *sticky;         /* sticky buffer keyword */
    const char *alias;          /* older sticky name, or NULL */
    const char *modifier;       /* content modifier of the same buffer, or NULL */
    uint8_t buffer, app;
};

static const struct buffer_def buffers[] = {
    {"http.uri", NULL, "http_uri", SIG_BUF_HTTP_URI, SIG_APP_HTTP},
    {"http.uri.raw", NULL, "http_raw_uri", SIG_BUF_HTTP_URI_RAW, SIG_APP_HTTP},
    {"http.method", NULL, "http_method", SIG_BUF_HTTP_METHOD, SIG_APP_HTTP},
    {"http.host", NULL, "http_host", SIG_BUF_HTTP_HOST, SIG_APP_HTTP},
    {"http.host.raw", NULL, "http_raw_host", SIG_BUF_HTTP_HOST_RAW, SIG_APP_HTTP},
    {"http.user_agent", NULL, "http_user_agent", SIG_BUF_HTTP_USER_AGENT, SIG_APP_HTTP},
    {"http.header", NULL, "http_header", SIG_BUF_HTTP_HEADER, SIG_APP_HTTP},
    {"http.header.raw", NULL, "http_raw_header", SIG_BUF_HTTP_HEADER_RAW, SIG_APP_HTTP},
    {"http.header_names", "http_header_names", NULL, SIG_BUF_HTTP_HEADER_NAMES, SIG_APP_HTTP},
    {"http.request_line", "http_request_line", NULL, SIG_BUF_HTTP_REQUEST_LINE, SIG_APP_HTTP},
    {"http.request_body", NULL, "http_client_body", SIG_BUF_HTTP_REQUEST_BODY, SIG_APP_HTTP},
    {"http.response_body", NULL, "http_server_body", SIG_BUF_HTTP_RESPONSE_BODY, SIG_APP_HTTP},
    {"http.stat_code", NULL, "http_stat_code", SIG_BUF_HTTP_STAT_CODE, SIG_APP_HTTP},
    {"http.stat_msg", NULL, "http_stat_msg", SIG_BUF_HTTP_STAT_MSG, SIG_APP_HTTP},
    {"http.response_line", "http_response_line", NULL, SIG_BUF_HTTP_RESPONSE_LINE, SIG_APP_HTTP},
    {"http.cookie", NULL, "http_cookie", SIG_BUF_HTTP_COOKIE, SIG_APP_HTTP},
    {"http.content_type", NULL, NULL, SIG_BUF_HTTP_CONTENT_TYPE, SIG_APP_HTTP},
    {"http.content_len", NULL, NULL, SIG_BUF_HTTP_CONTENT_LEN, SIG_APP_HTTP},
    {"http.server", NULL, NULL, SIG_BUF_HTTP_SERVER, SIG_APP_HTTP},
    {"http.location", NULL, NULL, SIG_BUF_HTTP_LOCATION, SIG_APP_HTTP},
    {"http.referer", NULL, NULL, SIG_BUF_HTTP_REFERER, SIG_APP_HTTP},
    {"http.start", "http_start", NULL, SIG_BUF_HTTP_START, SIG_APP_HTTP},
    {"http.protocol", "http_protocol", NULL, SIG_BUF_HTTP_PROTOCOL, SIG_APP_HTTP},
    {"http.accept", "http_accept", NULL, SIG_BUF_HTTP_ACCEPT, SIG_APP_HTTP},
    {"http.accept_enc", "http_accept_enc", NULL, SIG_BUF_HTTP_ACCEPT_ENC, SIG_APP_HTTP},
    {"http.accept_lang", "http_accept_lang", NULL, SIG_BUF_HTTP_ACCEPT_LANG, SIG_APP_HTTP},
    {"http.connection", "http_connection", NULL, SIG_BUF_HTTP_CONNECTION, SIG_APP_HTTP},
    {"file.data", "file_data", NULL, SIG_BUF_FILE_DATA, SIG_APP_NONE},
    {"dns.query", "dns_query", NULL, SIG_BUF_DNS_QUERY, SIG_APP_DNS},
    {"tls.sni", "tls_sni", NULL, SIG_BUF_TLS_SNI, SIG_APP_TLS},
    {"tls.certs", NULL, NULL, SIG_BUF_TLS_CERTS, SIG_APP_TLS},
    {"tls.cert_subject", "tls_cert_subject", NULL, SIG_BUF_TLS_CERT_SUBJECT, SIG_APP_TLS},
    {"tls.cert_issuer", "tls_cert_issuer", NULL, SIG_BUF_TLS_CERT_ISSUER, SIG_APP_TLS},
    {"tls.cert_serial", "tls_cert_serial", NULL, SIG_BUF_TLS_CERT_SERIAL, SIG_APP_TLS},
    {"tls.cert_fingerprint", "tls_cert_fingerprint", NULL, SIG_BUF_TLS_CERT_FINGERPRINT, SIG_APP_TLS},
    {"ja3.hash", "ja3_hash", NULL, SIG_BUF_JA3_HASH, SIG_APP_TLS},
    {"ja3.string", "ja3_string", NULL, SIG_BUF_JA3_STRING, SIG_APP_TLS},
    {"ja3s.hash", "ja3s_hash", NULL, SIG_BUF_JA3S_HASH, SIG_APP_TLS},
    {"ja3s.string", "ja3s_string", NULL, SIG_BUF_JA3S_STRING, SIG_APP_TLS},
    {"ja4.hash", NULL, NULL, SIG_BUF_JA4_HASH, SIG_APP_TLS},
    {"ssh.proto", "ssh_proto", NULL, SIG_BUF_SSH_PROTO, SIG_APP_SSH},
    {"ssh.software", "ssh_software", NULL, SIG_BUF_SSH_SOFTWARE, SIG_APP_SSH},
    {"smtp.helo", NULL, NULL, SIG_BUF_SMTP_HELO, SIG_APP_SMTP},
    {"smtp.mail_from", NULL, NULL, SIG_BUF_SMTP_MAIL_FROM, SIG_APP_SMTP},
    {"smtp.rcpt_to", NULL, NULL, SIG_BUF_SMTP_RCPT_TO, SIG_APP_SMTP},
    {"email.from", NULL, NULL, SIG_BUF_EMAIL_FROM, SIG_APP_SMTP},
    {"email.subject", NULL, NULL, SIG_BUF_EMAIL_SUBJECT, SIG_APP_SMTP},
    {"email.to", NULL, NULL, SIG_BUF_EMAIL_TO, SIG_APP_SMTP},
    {"krb5.cname", "krb5_cname", NULL, SIG_BUF_KRB5_CNAME, SIG_APP_KRB5},
    {"krb5.sname", "krb5_sname", NULL, SIG_BUF_KRB5_SNAME, SIG_APP_KRB5},
    {"krb5_msg_type", NULL, NULL, SIG_BUF_KRB5_MSG_TYPE, SIG_APP_KRB5},
    {"krb5_err_code", NULL, NULL, SIG_BUF_KRB5_ERR_CODE, SIG_APP_KRB5},
    {"smb.share", NULL, NULL, SIG_BUF_SMB_SHARE, SIG_APP_SMB},
    {"smb.named_pipe", NULL, NULL, SIG_BUF_SMB_NAMED_PIPE, SIG_APP_SMB},
    {"smb.ntlmssp_user", NULL, NULL, SIG_BUF_SMB_NTLMSSP_USER, SIG_APP_SMB},
    {"smb.ntlmssp_domain", NULL, NULL, SIG_BUF_SMB_NTLMSSP_DOMAIN, SIG_APP_SMB},
    {"dcerpc.stub_data", "dce_stub_data", NULL, SIG_BUF_DCERPC_STUB_DATA, SIG_APP_DCERPC},
};

static const struct buffer_def *buffer_def(unsigned buffer)
{
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++)
        if (buffers[i].buffer == buffer)
            return &buffers[i];
    return NULL;
}

const char *sig_buffer_name(unsigned b);
const char *sig_buffer_name(unsigned b)
{
    if (b == SIG_BUF_PAYLOAD)
        return "payload";
    if (b == SIG_BUF_BASE64)
        return "base64_data";
    const struct buffer_def *d = buffer_def(b);
    return d ? d->sticky : "?";
}

static struct sig_list *list_for(struct sig_parse *p, unsigned buffer, int *index)
{
    struct sig_rule *r = p->r;
    for (size_t i = 0; i < r->n_lists; i++) {
        if (r->lists[i].buffer == buffer) {
            *index = (int)i;
            return &r->lists[i];
        }
    }
    if (r->n_lists == sizeof r->lists / sizeof r->lists[0])
        return NULL;
    struct sig_list *l = &r->lists[r->n_lists];
    memset(l, 0, sizeof *l);
    l->buffer = (uint8_t)buffer;
    *index = (int)r->n_lists++;
    return l;
}

/* Makes `buffer`'s list the one the next contents go to. */
static enum sig_parse_result enter_list(struct sig_parse *p, unsigned buffer)
{
    int idx;
    if (!list_for(p, buffer, &idx))
        return fail(p, SKIP, "more than 8 buffers in one rule%s", "");
    p->cur_list = idx;
    return OK;
}

static enum sig_parse_result set_app(struct sig_parse *p, unsigned app, const char *kw)
{
    if (app == SIG_APP_NONE)
        return OK;
    if (app == SIG_APP_DCERPC && p->r->app == SIG_APP_SMB)
        return OK; /* DCE-RPC keywords read SMB's pipes too: the rule stays an smb one */
    if (p->r->app != SIG_APP_NONE && p->r->app != app)
        return fail(p, ERR, "'%s' does not apply to the rule's protocol", kw);
    p->r->app = (uint8_t)app;
    return OK;
}

static enum sig_parse_result kw_sticky(struct sig_parse *p, const struct buffer_def *b, const char *kw)
{
    enum sig_parse_result res = set_app(p, b->app, kw);
    return res == OK ? enter_list(p, b->buffer) : res;
}

/* NULL: no memory (p->why says so). */
static struct sig_sm *add_sm(struct sig_parse *p, unsigned type)
{
    int idx = p->cur_list;
    if (idx < 0 && !list_for(p, SIG_BUF_PAYLOAD, &idx)) {
        fail(p, ERR, "out of memory%s", "");
        return NULL;
    }
    p->cur_list = idx;
    struct sig_list *l = &p->r->lists[idx];
    if (grow_array((void **)&l->sm, &l->cap, l->n + 1, sizeof *l->sm, 4) != 0) {
        fail(p, ERR, "out of memory%s", "");
        return NULL;
    }
    struct sig_sm *sm = &l->sm[l->n++];
    memset(sm, 0, sizeof *sm);
    sm->type = (uint8_t)type;
    return sm;
}

/* The element just added is the one the next modifiers apply to. */
static enum sig_parse_result mark_last(struct sig_parse *p)
{
    p->last_list = p->cur_list;
    p->last_sm = (int)p->r->lists[p->cur_list].n - 1;
    return OK;
}

/* The last content (for content modifiers); NULL: none (p->why says so,
 * a SIG_PARSE_ERROR). */
static struct sig_content *last_content(struct sig_parse *p, const char *kw)
{
    struct sig_sm *sm = p->last_list < 0 ? NULL : &p->r->lists[p->last_list].sm[p->last_sm];
    if (sm == NULL || sm->type != SIG_SM_CONTENT) {
        fail(p, ERR, "'%s' without a preceding content", kw);
        return NULL;
    }
    return &sm->u.content;
}

/* Moves the last content or pcre into another buffer's list (http_uri...). */
static enum sig_parse_result move_last(struct sig_parse *p, const struct buffer_def *b, const char *kw)
{
    if (p->last_list < 0)
        return fail(p, ERR, "'%s' without a preceding content", kw);
    enum sig_parse_result res = set_app(p, b->app, kw);
    if (res != OK)
        return res;
    struct sig_list *from = &p->r->lists[p->last_list];
    if (from->buffer == b->buffer)
        return OK;
    if (from->buffer != SIG_BUF_PAYLOAD) {
        if (strcmp(kw, "pcre") == 0)
            return OK; /* a buffer flag on a pcre inside a sticky buffer: the sticky buffer wins */
        return fail(p, ERR, "'%s' on a content already in a sticky buffer", kw);
    }
    struct sig_sm sm = from->sm[p->last_sm];
    memmove(&from->sm[p->last_sm], &from->sm[p->last_sm + 1], (from->n - (size_t)p->last_sm - 1) * sizeof sm);
    from->n--;
    int saved = p->cur_list;
    res = enter_list(p, b->buffer);
    if (res != OK)
        return res;
    struct sig_sm *dst = add_sm(p, sm.type);
    if (!dst)
        return ERR;
    *dst = sm;
    mark_last(p);
    p->cur_list = saved;
    return OK;
}

/* --- numbers, ranges and byte_extract variables --- */

static bool parse_num(struct sig_parse *p, const char *v, struct sig_num *out)
{
    out->var = -1;
    if (sig_parse_i32(v, &out->v))
        return true;
    for (int i = 0; i < p->r->n_vars; i++) {
        if (strcmp(p->var_names[i], v) == 0) {
            out->var = (int8_t)i;
            out->v = 0;
            return true;
        }
    }
    return false;
}

/* `N`, `<N`, `>N`, `<=N`, `>=N`, `!N`, `N<>M`, `N-M`. */
static bool parse_range(const char *v, struct sig_range *out)
{
    char buf[64];
    size_t n = strlen(v);
    if (n >= sizeof buf)
        return false;
    memcpy(buf, v, n + 1);
    char *s = sig_trim(buf);
    char *sep = strstr(s, "<>");
    size_t seplen = 2;
    if (!sep && isdigit((unsigned char)*s)) {
        sep = strchr(s, '-');
        seplen = 1;
    }
    if (sep) {
        *sep = '\0';
        out->cmp = SIG_CMP_RANGE;
        return sig_parse_u32(sig_trim(s), &out->lo) && sig_parse_u32(sig_trim(sep + seplen), &out->hi) &&
               out->lo < out->hi;
    }
    out->cmp = SIG_CMP_EQ;
    if (s[0] == '<' && s[1] == '=') out->cmp = SIG_CMP_LE, s += 2;
    else if (s[0] == '>' && s[1] == '=') out->cmp = SIG_CMP_GE, s += 2;
    else if (s[0] == '<') out->cmp = SIG_CMP_LT, s++;
    else if (s[0] == '>') out->cmp = SIG_CMP_GT, s++;
    else if (s[0] == '!') out->cmp = SIG_CMP_NE, s++;
    else if (s[0] == '=') s++;
    return sig_parse_u32(sig_trim(s), &out->lo);
}

/* Splits a comma-separated value in place; returns the count. */
static size_t split_commas(char *v, char **parts, size_t max)
{
    size_t n = 0;
    char *s = v;
    while (n < max) {
        char *c = strchr(s, ',');
        if (c)
            *c = '\0';
        parts[n++] = sig_trim(s);
        if (!c)
            break;
        s = c + 1;
    }
    return n;
}

/* A keyword's word and the number it stands for. */
struct name_code {
    const char *name;
    uint8_t code;
};

/* Where `name` is in a table whose elements start with their name (a
 * `const char *`): its index, or count when it is not there. */
static size_t name_index(const void *table, size_t count, size_t stride, const char *name,
                         int (*cmp)(const char *, const char *))
{
    for (size_t i = 0; i < count; i++)
        if (cmp(*(const char *const *)((const char *)table + i * stride), name) == 0)
            return i;
    return count;
}

#define NAME_INDEX(table, name, cmp) \
    name_index((table), sizeof(table) / sizeof((table)[0]), sizeof((table)[0]), (name), (cmp))

/* --- meta --- */

static char *unquote_dup(const char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\\' && i + 1 < n)
            i++;
        out[o++] = v[i];
    }
    out[o] = '\0';
    return out;
}

static enum sig_parse_result kw_msg(struct sig_parse *p, const char *v)
{
    free(p->r->msg);
    p->r->msg = unquote_dup(v);
    return p->r->msg ? OK : fail(p, ERR, "out of memory%s", "");
}

static enum sig_parse_result kw_u32(struct sig_parse *p, const char *name, const char *v, uint32_t *out)
{
    if (!sig_parse_u32(v, out))
        return fail(p, ERR, "bad %s", name);
    return OK;
}

static enum sig_parse_result kw_classtype(struct sig_parse *p, const char *v)
{
    const struct sig_class *c = sig_class_get(p->set, v);
    if (!c)
        return fail(p, ERR, "unknown classtype '%s' (not in classification.config)", v);
    p->r->classtype = c->name;
    p->r->class_msg = c->msg;
    if (p->r->priority == 0)
        p->r->priority = c->priority;
    return OK;
}

static enum sig_parse_result kw_reference(struct sig_parse *p, const char *v)
{
    size_t n = strcspn(v, ",");
    if (v[n] != ',')
        return fail(p, ERR, "bad reference '%s'", v);
    if (p->set->n_refs == 0)
        return OK;
    for (size_t i = 0; i < p->set->n_refs; i++)
        if (strlen(p->set->refs[i]) == n && strncasecmp(p->set->refs[i], v, n) == 0)
            return OK;
    return fail(p, ERR, "unknown reference system in '%s' (not in reference.config)", v);
}

static enum sig_parse_result kw_metadata(struct sig_parse *p, const char *v)
{
    size_t old = p->r->metadata ? strlen(p->r->metadata) : 0, n = strlen(v);
    char *m = realloc(p->r->metadata, old + n + 3);
    if (!m)
        return fail(p, ERR, "out of memory%s", "");
    if (old) {
        memcpy(m + old, ", ", 2);
        old += 2;
    }
    memcpy(m + old, v, n + 1);
    p->r->metadata = m;
    return OK;
}

static enum sig_parse_result kw_priority(struct sig_parse *p, const char *v)
{
    uint32_t prio;
    if (!sig_parse_u32(v, &prio) || prio < 1 || prio > 255)
        return fail(p, ERR, "bad priority '%s'", v);
    p->r->priority = (int)prio;
    return OK;
}

static enum sig_parse_result kw_target(struct sig_parse *p, const char *v)
{
    if (strcmp(v, "src_ip") != 0 && strcmp(v, "dest_ip") != 0)
        return fail(p, ERR, "bad target '%s'", v);
    free(p->r->target);
    p->r->target = strdup(v);
    return p->r->target ? OK : ERR;
}

/* --- content --- */

/* A leading '!' (after blanks): true, and *v moves past it. */
static bool take_negation(const char **v)
{
    while (isspace((unsigned char)**v))
        (*v)++;
    if (**v != '!')
        return false;
    (*v)++;
    return true;
}

static enum sig_parse_result kw_content(struct sig_parse *p, const char *v)
{
    bool neg = take_negation(&v);
    uint8_t *pat;
    uint32_t len;
    if (!sig_decode_content(v, &pat, &len, p->why, p->whylen))
        return ERR;
    struct sig_sm *sm = add_sm(p, SIG_SM_CONTENT);
    if (sm)
        sm->u.content = (struct sig_content){.pat = pat, .len = len, .negated = neg};
    else
        free(pat);
    return sm ? mark_last(p) : ERR;
}

static enum sig_parse_result mod_nocase(struct sig_parse *p, struct sig_content *c)
{
    if (c->nocase)
        return fail(p, ERR, "nocase twice on one content%s", "");
    c->nocase = true;
    return OK;
}

enum pos_kw { POS_OFFSET, POS_DEPTH, POS_DISTANCE, POS_WITHIN };

static enum sig_parse_result mod_position(struct sig_parse *p, struct sig_content *c, const char *kw, const char *v,
                                          enum pos_kw which)
{
    struct sig_num n;
    if (!parse_num(p, v, &n))
        return fail(p, ERR, "bad value for %s", kw);
    bool absolute = which == POS_OFFSET || which == POS_DEPTH;
    if ((absolute && (c->has_distance || c->has_within)) || (!absolute && (c->has_offset || c->has_depth)))
        return fail(p, ERR, "'%s' mixed with a relative/absolute modifier on one content", kw);
    if (c->startswith && which != POS_DISTANCE && which != POS_WITHIN)
        return fail(p, ERR, "'%s' with startswith", kw);
    bool *has[] = {&c->has_offset, &c->has_depth, &c->has_distance, &c->has_within};
    struct sig_num *val[] = {&c->offset, &c->depth, &c->distance, &c->within};
    if (*has[which])
        return fail(p, ERR, "'%s' twice on one content", kw);
    if ((which == POS_DEPTH || which == POS_WITHIN) && n.var < 0 && n.v < (int32_t)c->len)
        return fail(p, ERR, "'%s' shorter than its content", kw);
    if (which == POS_OFFSET && n.var < 0 && n.v < 0)
        return fail(p, ERR, "negative '%s'", kw);
    *has[which] = true;
    *val[which] = n;
    return OK;
}

static enum sig_parse_result mod_startswith(struct sig_parse *p, struct sig_content *c)
{
    if (c->has_offset || c->has_depth || c->has_distance || c->has_within)
        return fail(p, ERR, "startswith mixed with offset/depth/distance/within%s", "");
    c->startswith = true;
    return OK;
}

static enum sig_parse_result mod_endswith(struct sig_parse *p, struct sig_content *c)
{
    c->endswith = true;
    return OK;
}

static enum sig_parse_result mod_fast_pattern(struct sig_parse *p, struct sig_content *c)
{
    for (size_t i = 0; i < p->r->n_lists; i++)
        for (size_t j = 0; j < p->r->lists[i].n; j++)
            if (p->r->lists[i].sm[j].type == SIG_SM_CONTENT && p->r->lists[i].sm[j].u.content.fast_pattern)
                return fail(p, ERR, "fast_pattern on two contents%s", "");
    c->fast_pattern = true;
    /* "only" and "offset,length" narrow what the prefilter uses; the whole
     * content is still checked. */
    return OK;
}

static enum sig_parse_result mod_rawbytes(struct sig_parse *p, struct sig_content *c)
{
    return OK;
}

static enum sig_parse_result kw_isdataat(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_sm *sm = add_sm(p, SIG_SM_ISDATAAT);
    if (!sm)
        return ERR;
    char *num = parts[0];
    if (*num == '!') {
        sm->u.isdataat.negated = true;
        num = sig_trim(num + 1);
    }
    if (!parse_num(p, num, &sm->u.isdataat.n))
        return fail(p, ERR, "bad isdataat '%s'", v);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(parts[i], "relative") == 0)
            sm->u.isdataat.relative = true;
        else if (strcmp(parts[i], "rawbytes") != 0)
            return fail(p, ERR, "bad isdataat option '%s'", parts[i]);
    }
    return OK;
}

static enum sig_parse_result kw_bsize(struct sig_parse *p, const char *v)
{
    struct sig_range r;
    if (!parse_range(v, &r))
        return fail(p, ERR, "bad bsize '%s'", v);
    if (p->cur_list < 0 || p->r->lists[p->cur_list].buffer == SIG_BUF_PAYLOAD)
        return fail(p, ERR, "bsize outside a sticky buffer%s", "");
    struct sig_sm *sm = add_sm(p, SIG_SM_BSIZE);
    if (!sm)
        return ERR;
    sm->u.bsize = r;
    return OK;
}

static enum sig_parse_result kw_urilen(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_range r;
    if (!parse_range(parts[0], &r))
        return fail(p, ERR, "bad urilen '%s'", v);
    unsigned buffer = n > 1 && strcmp(parts[1], "raw") == 0 ? SIG_BUF_HTTP_URI_RAW : SIG_BUF_HTTP_URI;
    enum sig_parse_result res = set_app(p, SIG_APP_HTTP, "urilen");
    if (res != OK)
        return res;
    int saved = p->cur_list;
    res = enter_list(p, buffer);
    if (res != OK)
        return res;
    struct sig_sm *sm = add_sm(p, SIG_SM_BSIZE);
    p->cur_list = saved;
    if (!sm)
        return ERR;
    sm->u.bsize = r;
    return OK;
}

/* --- pcre --- */

struct pcre_flag {
    char flag;
    uint32_t option;            /* PCRE2 compile option, or 0 */
    int8_t buffer;              /* the buffer it moves the pcre to, -1 none */
};

static const struct pcre_flag pcre_flags[] = {
    {'i', PCRE2_CASELESS, -1}, {'s', PCRE2_DOTALL, -1}, {'m', PCRE2_MULTILINE, -1},
    {'x', PCRE2_EXTENDED, -1}, {'A', PCRE2_ANCHORED, -1}, {'E', PCRE2_DOLLAR_ENDONLY, -1},
    {'G', PCRE2_UNGREEDY, -1}, {'R', 0, -1}, {'B', 0, -1}, {'O', 0, -1},
    {'U', 0, SIG_BUF_HTTP_URI}, {'I', 0, SIG_BUF_HTTP_URI_RAW}, {'P', 0, SIG_BUF_HTTP_REQUEST_BODY},
    {'Q', 0, SIG_BUF_FILE_DATA}, {'H', 0, SIG_BUF_HTTP_HEADER}, {'D', 0, SIG_BUF_HTTP_HEADER_RAW},
    {'M', 0, SIG_BUF_HTTP_METHOD}, {'C', 0, SIG_BUF_HTTP_COOKIE}, {'S', 0, SIG_BUF_HTTP_STAT_CODE},
    {'Y', 0, SIG_BUF_HTTP_STAT_MSG}, {'V', 0, SIG_BUF_HTTP_USER_AGENT}, {'W', 0, SIG_BUF_HTTP_HOST},
    {'Z', 0, SIG_BUF_HTTP_HOST_RAW},
};

static enum sig_parse_result kw_pcre(struct sig_parse *p, const char *v)
{
    bool neg = take_negation(&v);
    size_t n = strlen(v);
    bool quoted = n >= 2 && v[0] == '"' && v[n - 1] == '"';
    if (!quoted && (v[0] == '"' || (n && v[n - 1] == '"')))
        return fail(p, ERR, "unbalanced quotes in pcre: %s", v);
    const char *body = quoted ? v + 1 : v, *end = quoted ? v + n - 1 : v + n;
    if (*body != '/')
        return fail(p, ERR, "pcre must start with '/': %s", v);
    const char *last = end;
    while (last > body && *last != '/')
        last--;
    if (last == body)
        return fail(p, ERR, "pcre without closing '/': %s", v);
    uint32_t options = 0;
    int buffer = -1;
    bool relative = false;
    for (const char *f = last + 1; f < end; f++) {
        size_t i;
        for (i = 0; i < sizeof pcre_flags / sizeof pcre_flags[0]; i++)
            if (pcre_flags[i].flag == *f)
                break;
        if (i == sizeof pcre_flags / sizeof pcre_flags[0]) {
            char fl[2] = {*f, 0};
            return fail(p, ERR, "unknown pcre flag '%s'", fl);
        }
        options |= pcre_flags[i].option;
        if (pcre_flags[i].buffer >= 0) {
            if (buffer >= 0 && buffer != pcre_flags[i].buffer)
                return fail(p, ERR, "pcre with two buffer flags: %s", v);
            buffer = pcre_flags[i].buffer;
        }
        if (*f == 'R')
            relative = true;
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)(body + 1), (size_t)(last - body - 1), options, &errcode,
                                     &erroff, NULL);
    if (!code) {
        char msg[160];
        pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(p->why, p->whylen, "bad pcre at offset %zu: %s", (size_t)erroff, msg);
        return ERR;
    }
    struct sig_sm *sm = add_sm(p, SIG_SM_PCRE);
    if (!sm) {
        pcre2_code_free(code);
        return ERR;
    }
    sm->u.pcre = (struct sig_pcre){.code = code, .negated = neg, .relative = relative};
    mark_last(p);
    if (buffer >= 0) {
        const struct buffer_def *b = buffer_def((unsigned)buffer);
        if (b)
            return move_last(p, b, "pcre");
    }
    return OK;
}

/* --- byte_test, byte_jump, byte_extract --- */

static bool byte_common(struct sig_parse *p, struct sig_byte *b, const char *opt)
{
    uint32_t u;
    if (strcmp(opt, "relative") == 0) b->relative = true;
    else if (strcmp(opt, "little") == 0) b->little = true;
    else if (strcmp(opt, "big") == 0) b->little = false;
    else if (strcmp(opt, "string") == 0) b->string = true, b->base = b->base ? b->base : 10;
    else if (strcmp(opt, "hex") == 0) b->base = 16;
    else if (strcmp(opt, "dec") == 0) b->base = 10;
    else if (strcmp(opt, "oct") == 0) b->base = 8;
    else if (strcmp(opt, "dce") == 0) b->little = true;
    else if (strcmp(opt, "align") == 0) b->align = 4;
    else if (strcmp(opt, "from_beginning") == 0) b->from_beginning = true;
    else if (strcmp(opt, "from_end") == 0) b->from_end = true;
    else if (strncmp(opt, "bitmask ", 8) == 0 && sig_parse_u32(opt + 8, &u) && u) b->bitmask = u;
    else if (strncmp(opt, "multiplier ", 11) == 0 && sig_parse_u32(opt + 11, &u) && u) b->multiplier = u;
    else if (strncmp(opt, "post_offset ", 12) == 0 && sig_parse_i32(opt + 12, &b->post_offset)) {}
    else return false;
    return true;
}

static bool byte_count(const char *s, struct sig_byte *b)
{
    uint32_t n;
    if (!sig_parse_u32(s, &n) || n > 10)
        return false;
    b->nbytes = (uint8_t)n;
    return true;
}

static enum sig_parse_result check_byte(struct sig_parse *p, const struct sig_byte *b, const char *kw)
{
    if (b->nbytes == 0 && !b->string)
        return fail(p, ERR, "%s: 0 bytes needs 'string'", kw);
    if (!b->string && b->nbytes > 4 && b->nbytes != 8)
        return fail(p, ERR, "%s: more than 4 bytes needs 'string'", kw);
    if (b->string && !b->base)
        return fail(p, ERR, "%s: string without a base", kw);
    return OK;
}

/* A byte_* keyword's element, added with no variables yet; NULL: no
 * memory (p->why says so). */
static struct sig_byte *byte_begin(struct sig_parse *p, unsigned type)
{
    struct sig_sm *sm = add_sm(p, type);
    if (!sm)
        return NULL;
    sm->u.byte.var = -1;
    sm->u.byte.nbytes_var = -1;
    return &sm->u.byte;
}

static enum sig_parse_result kw_byte_test(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_byte *b = byte_begin(p, SIG_SM_BYTE_TEST);
    if (!b)
        return ERR;
    if (n < 4 || !byte_count(parts[0], b))
        return fail(p, ERR, "bad byte_test '%s'", v);
    const char *op = parts[1];
    if (*op == '!') {
        b->negated = true;
        op++;
    }
    static const char *const ops[] = {"<", ">", "=", "<=", ">=", "&", "^"};
    size_t i = NAME_INDEX(ops, op, strcmp);
    if (i == 7)
        return fail(p, ERR, "bad byte_test operator '%s'", parts[1]);
    b->op = (uint8_t)i;
    if (!parse_num(p, parts[2], &b->value)) {
        uint32_t u;
        if (!sig_parse_u32(parts[2], &u))
            return fail(p, ERR, "bad byte_test value '%s'", parts[2]);
        b->value.v = (int32_t)u;
        b->value.var = -2; /* unsigned value in v */
    }
    if (!parse_num(p, parts[3], &b->offset))
        return fail(p, ERR, "bad byte_test offset '%s'", parts[3]);
    for (size_t k = 4; k < n; k++)
        if (!byte_common(p, b, parts[k]))
            return fail(p, ERR, "bad byte_test option '%s'", parts[k]);
    return check_byte(p, b, "byte_test");
}

static enum sig_parse_result kw_byte_jump(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_byte *b = byte_begin(p, SIG_SM_BYTE_JUMP);
    if (!b)
        return ERR;
    struct sig_num count;
    /* Suricata 7: the byte count may be a byte_extract variable */
    if (n >= 2 && !byte_count(parts[0], b) && parse_num(p, parts[0], &count) && count.var >= 0) {
        b->nbytes_var = count.var;
        b->nbytes = 1; /* checked again when the variable is read */
    } else if (n < 2 || !byte_count(parts[0], b)) {
        return fail(p, ERR, "bad byte_jump '%s'", v);
    }
    if (!parse_num(p, parts[1], &b->offset))
        return fail(p, ERR, "bad byte_jump '%s'", v);
    for (size_t k = 2; k < n; k++)
        if (!byte_common(p, b, parts[k]))
            return fail(p, ERR, "bad byte_jump option '%s'", parts[k]);
    if (b->from_beginning && b->from_end)
        return fail(p, ERR, "byte_jump: from_beginning with from_end%s", "");
    return check_byte(p, b, "byte_jump");
}

static enum sig_parse_result kw_byte_extract(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_byte *b = byte_begin(p, SIG_SM_BYTE_EXTRACT);
    if (!b)
        return ERR;
    if (n < 3 || !byte_count(parts[0], b) || !parse_num(p, parts[1], &b->offset))
        return fail(p, ERR, "bad byte_extract '%s'", v);
    if (p->r->n_vars >= SIG_MAX_VARS)
        return fail(p, SKIP, "more than 8 byte_extract variables%s", "");
    if (strlen(parts[2]) >= sizeof p->var_names[0] || !isalpha((unsigned char)parts[2][0]))
        return fail(p, ERR, "bad byte_extract variable name '%s'", parts[2]);
    for (size_t k = 3; k < n; k++) {
        uint32_t u;
        if (strncmp(parts[k], "align ", 6) == 0 && sig_parse_u32(parts[k] + 6, &u) && (u == 2 || u == 4))
            b->align = (uint8_t)u;
        else if (!byte_common(p, b, parts[k]))
            return fail(p, ERR, "bad byte_extract option '%s'", parts[k]);
    }
    b->var = (int8_t)p->r->n_vars;
    memcpy(p->var_names[p->r->n_vars], parts[2], strlen(parts[2]) + 1);
    p->r->n_vars++;
    return check_byte(p, b, "byte_extract");
}

static enum sig_parse_result kw_base64_decode(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_base64 b64 = {0};
    for (size_t i = 0; *v && i < n; i++) { /* no value: no options */
        if (strncmp(parts[i], "bytes ", 6) == 0 && sig_parse_u32(parts[i] + 6, &b64.bytes)) {}
        else if (strncmp(parts[i], "offset ", 7) == 0 && sig_parse_u32(parts[i] + 7, &b64.offset)) {}
        else if (strcmp(parts[i], "relative") == 0) b64.relative = true;
        else return fail(p, ERR, "bad base64_decode option '%s'", parts[i]);
    }
    struct sig_sm *sm = add_sm(p, SIG_SM_BASE64_DECODE);
    if (!sm)
        return ERR;
    sm->u.base64 = b64;
    return OK;
}

static enum sig_parse_result kw_base64_data(struct sig_parse *p, const char *v)
{
    return enter_list(p, SIG_BUF_BASE64);
}

/* --- transforms --- */

static const struct name_code transforms[] = {
    {"dotprefix", SIG_XF_DOTPREFIX}, {"to_lowercase", SIG_XF_TO_LOWERCASE},
    {"to_uppercase", SIG_XF_TO_UPPERCASE}, {"strip_whitespace", SIG_XF_STRIP_WHITESPACE},
    {"compress_whitespace", SIG_XF_COMPRESS_WHITESPACE}, {"url_decode", SIG_XF_URL_DECODE},
    {"to_md5", SIG_XF_TO_MD5}, {"to_sha1", SIG_XF_TO_SHA1}, {"to_sha256", SIG_XF_TO_SHA256},
    {"header_lowercase", SIG_XF_HEADER_LOWERCASE}, {"strip_pseudo_headers", SIG_XF_STRIP_PSEUDO_HEADERS},
};

static enum sig_parse_result kw_transform(struct sig_parse *p, uint8_t xf, const char *kw)
{
    if (p->cur_list < 0 || p->r->lists[p->cur_list].buffer == SIG_BUF_PAYLOAD)
        return fail(p, ERR, "transform '%s' outside a sticky buffer", kw);
    struct sig_list *l = &p->r->lists[p->cur_list];
    if (l->n_transforms == SIG_MAX_TRANSFORMS)
        return fail(p, SKIP, "more than 4 transforms%s", "");
    l->transforms[l->n_transforms++] = xf;
    return OK;
}

/* --- flow, flowbits, thresholds --- */

static enum sig_parse_result kw_flow(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    static const struct name_code opts[] = {
        {"established", SIG_FLOW_ESTABLISHED}, {"not_established", SIG_FLOW_NOT_ESTABLISHED},
        {"to_server", SIG_FLOW_TO_SERVER}, {"from_client", SIG_FLOW_TO_SERVER},
        {"to_client", SIG_FLOW_TO_CLIENT}, {"from_server", SIG_FLOW_TO_CLIENT},
        {"only_stream", SIG_FLOW_ONLY_STREAM}, {"no_stream", SIG_FLOW_NO_STREAM},
        {"stateless", SIG_FLOW_STATELESS},
    };
    for (size_t i = 0; i < n; i++) {
        size_t k = NAME_INDEX(opts, parts[i], strcmp);
        if (k == sizeof opts / sizeof opts[0])
            return fail(p, SKIP, "unsupported flow option '%s'", parts[i]);
        p->r->flow |= opts[k].code;
    }
    uint8_t f = p->r->flow;
    if (((f & SIG_FLOW_TO_SERVER) && (f & SIG_FLOW_TO_CLIENT)) ||
        ((f & SIG_FLOW_ESTABLISHED) && (f & SIG_FLOW_NOT_ESTABLISHED)) ||
        ((f & SIG_FLOW_ONLY_STREAM) && (f & SIG_FLOW_NO_STREAM)))
        return fail(p, ERR, "contradictory flow options '%s'", v);
    return OK;
}

static enum sig_parse_result kw_flowbits(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    static const char *const cmds[] = {"set", "isset", "isnotset", "toggle", "unset", "noalert"};
    size_t c = NAME_INDEX(cmds, parts[0], strcmp);
    if (c == 6)
        return fail(p, ERR, "bad flowbits command '%s'", parts[0]);
    if (c == SIG_FB_NOALERT) {
        p->r->noalert = true;
        return OK;
    }
    if (n < 2 || !*parts[1])
        return fail(p, ERR, "flowbits %s without a name", parts[0]);
    if (p->r->n_flowbits == sizeof p->r->flowbits / sizeof p->r->flowbits[0])
        return fail(p, SKIP, "more than 8 flowbits%s", "");
    struct sig_flowbit *fb = &p->r->flowbits[p->r->n_flowbits];
    memset(fb, 0, sizeof *fb);
    fb->cmd = (uint8_t)c;
    char *names = parts[1];
    fb->any_of = strchr(names, '|') != NULL;
    if (fb->any_of && strchr(names, '&'))
        return fail(p, ERR, "flowbits mixes | and &%s", "");
    char *s = names;
    while (s) {
        char *sep = strpbrk(s, "|&");
        if (sep)
            *sep = '\0';
        char *name = sig_trim(s);
        if (!*name || fb->n == 8)
            return fail(p, ERR, "bad flowbits names '%s'", v);
        int id = sig_flowbit_id(p->set, name);
        if (id < 0)
            return fail(p, ERR, "out of memory%s", "");
        fb->ids[fb->n++] = (uint16_t)id;
        s = sep ? sep + 1 : NULL;
    }
    p->r->n_flowbits++;
    return OK;
}

static enum sig_parse_result parse_threshold(struct sig_parse *p, const char *v, char **parts, size_t n,
                                             bool detection_filter)
{
    if (p->r->threshold.type != SIG_THR_NONE)
        return fail(p, ERR, "threshold and detection_filter together or twice%s", "");
    struct sig_threshold t = {.type = detection_filter ? SIG_THR_DETECTION_FILTER : SIG_THR_NONE, .track = 0xff};
    bool has_count = false, has_seconds = false;
    for (size_t i = 0; i < n; i++) {
        char *sp = strchr(parts[i], ' ');
        if (!sp)
            return fail(p, ERR, "bad threshold part '%s'", parts[i]);
        *sp = '\0';
        char *key = parts[i], *val = sig_trim(sp + 1);
        if (strcmp(key, "type") == 0 && !detection_filter) {
            if (strcmp(val, "limit") == 0) t.type = SIG_THR_LIMIT;
            else if (strcmp(val, "threshold") == 0) t.type = SIG_THR_THRESHOLD;
            else if (strcmp(val, "both") == 0) t.type = SIG_THR_BOTH;
            else if (strcmp(val, "backoff") == 0) t.type = SIG_THR_BACKOFF;
            else return fail(p, ERR, "bad threshold type '%s'", val);
        } else if (strcmp(key, "track") == 0) {
            if (strcmp(val, "by_src") == 0) t.track = SIG_TRACK_SRC;
            else if (strcmp(val, "by_dst") == 0) t.track = SIG_TRACK_DST;
            else if (strcmp(val, "by_rule") == 0) t.track = SIG_TRACK_RULE;
            else if (strcmp(val, "by_both") == 0) t.track = SIG_TRACK_BOTH;
            else if (strcmp(val, "by_flow") == 0) t.track = SIG_TRACK_FLOW;
            else return fail(p, ERR, "bad threshold track '%s'", val);
        } else if (strcmp(key, "count") == 0 && sig_parse_u32(val, &t.count)) {
            has_count = true;
        } else if (strcmp(key, "seconds") == 0 && sig_parse_u32(val, &t.seconds)) {
            has_seconds = true;
        } else if (strcmp(key, "multiplier") == 0 && sig_parse_u32(val, &t.multiplier) && t.multiplier > 1) {
        } else if (strcmp(key, "unique_on") == 0) {
            return fail(p, SKIP, "unsupported detection_filter option '%s'", key);
        } else {
            return fail(p, ERR, "bad threshold part '%s'", key);
        }
    }
    if (t.type == SIG_THR_BACKOFF && t.multiplier > 1)
        has_seconds = true; /* backoff has no window */
    if (t.type == SIG_THR_NONE || t.track == 0xff || !has_count || !has_seconds || t.count == 0)
        return fail(p, ERR, "incomplete threshold '%s'", v);
    p->r->threshold = t;
    return OK;
}

static enum sig_parse_result kw_threshold(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    return parse_threshold(p, v, parts, n, false);
}

static enum sig_parse_result kw_detection_filter(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    return parse_threshold(p, v, parts, n, true);
}

static enum sig_parse_result kw_app_layer_protocol(struct sig_parse *p, const char *v)
{
    static const struct name_code apps[] = {
        {"http", SIG_APP_HTTP}, {"http1", SIG_APP_HTTP}, {"tls", SIG_APP_TLS}, {"dns", SIG_APP_DNS},
        {"ssh", SIG_APP_SSH}, {"smtp", SIG_APP_SMTP}, {"quic", SIG_APP_QUIC}, {"dhcp", SIG_APP_DHCP},
        {"krb5", SIG_APP_KRB5}, {"smb", SIG_APP_SMB}, {"dcerpc", SIG_APP_DCERPC},
    };
    size_t i = NAME_INDEX(apps, v, strcmp);
    if (i == sizeof apps / sizeof apps[0])
        return fail(p, SKIP, "unsupported app-layer-protocol '%s'", v);
    return set_app(p, apps[i].code, "app-layer-protocol");
}

/* --- packet header conditions --- */

static enum sig_parse_result kw_range(struct sig_parse *p, const char *kw, const char *v, bool *has,
                                      struct sig_range *r)
{
    if (*has)
        return fail(p, ERR, "'%s' twice", kw);
    if (!parse_range(v, r))
        return fail(p, ERR, "bad %s", kw);
    *has = true;
    return OK;
}

static enum sig_parse_result kw_ip_proto(struct sig_parse *p, const char *v)
{
    static const struct name_code names[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"ipv6-icmp", 58}, {"gre", 47}, {"esp", 50},
        {"ah", 51}, {"igmp", 2}, {"sctp", 132}, {"ipip", 4}, {"pim", 103},
    };
    if (*v == '!') {
        p->r->ip_proto_neg = true;
        v++;
    }
    uint32_t n;
    if (sig_parse_u32(v, &n) && n < 256) {
        p->r->ip_proto = (uint8_t)n;
    } else {
        size_t i = NAME_INDEX(names, v, strcasecmp);
        if (i == sizeof names / sizeof names[0])
            return fail(p, SKIP, "unsupported ip_proto '%s'", v);
        p->r->ip_proto = names[i].code;
    }
    p->r->has_ip_proto = true;
    return OK;
}

static enum sig_parse_result kw_flags(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    static const char bits[] = "FSRPAUEC";
    uint8_t set = 0, ignore = 0;
    char mode = 0;
    for (const char *c = parts[0]; *c; c++) {
        const char *b = strchr(bits, toupper((unsigned char)*c));
        if (*c == '+' || *c == '*' || *c == '!')
            mode = *c;
        else if (*c == '0')
            ;
        else if (b && *c != '\0')
            set |= (uint8_t)(1u << (b - bits));
        else
            return fail(p, ERR, "bad flags '%s'", v);
    }
    for (const char *c = n > 1 ? parts[1] : ""; *c; c++) {
        const char *b = strchr(bits, toupper((unsigned char)*c));
        if (*c == '1' || *c == '2')
            ignore |= *c == '1' ? 0x80 : 0x40;
        else if (b)
            ignore |= (uint8_t)(1u << (b - bits));
    }
    p->r->has_flags = true;
    p->r->flags_set = set;
    p->r->flags_ignore = ignore;
    p->r->flags_mode = (uint8_t)mode;
    return OK;
}

static enum sig_parse_result ignored(struct sig_parse *p, const char *v)
{
    return OK;
}

/* krb5_msg_type:N; krb5_err_code:N; (Suricata's equality): the number's
 * decimal text, matched whole in its buffer; the sticky buffer in force
 * before stays in force. */
static enum sig_parse_result kw_krb5_number(struct sig_parse *p, unsigned buffer, const char *kw, const char *v)
{
    while (isspace((unsigned char)*v))
        v++;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno != 0 || end == v || *end != '\0' || n < -2147483647L || n > 2147483647L)
        return fail(p, ERR, "bad %s value", kw);
    const struct buffer_def *b = buffer_def(buffer);
    int saved = p->cur_list;
    enum sig_parse_result res = kw_sticky(p, b, kw);
    char quoted[32];
    snprintf(quoted, sizeof quoted, "\"%ld\"", n);
    if (res == OK)
        res = kw_content(p, quoted);
    if (res == OK) {
        struct sig_content *c = last_content(p, kw);
        c->startswith = c->endswith = true;
    }
    p->cur_list = saved;
    return res;
}

static enum sig_parse_result kw_krb5_msg_type(struct sig_parse *p, const char *v)
{
    return kw_krb5_number(p, SIG_BUF_KRB5_MSG_TYPE, "krb5_msg_type", v);
}

static enum sig_parse_result kw_krb5_err_code(struct sig_parse *p, const char *v)
{
    return kw_krb5_number(p, SIG_BUF_KRB5_ERR_CODE, "krb5_err_code", v);
}

/* dcerpc.iface:<uuid>[,<op><version>][,any_frag]; (dce_iface): the
 * interface a request's context was bound to, optionally its major version
 * compared with <, >, = or !. Calls are matched reassembled, so any_frag
 * changes nothing. */
static enum sig_parse_result kw_dcerpc_iface(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_dcerpc *d = &p->r->dcerpc;
    const char *u = parts[0];
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (strlen(u) != sizeof shape - 1 || d->has_iface)
        return fail(p, ERR, "bad dcerpc.iface '%s'", v);
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == '-' ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
            return fail(p, ERR, "bad dcerpc.iface '%s'", v);
        d->iface[i] = (char)tolower((unsigned char)u[i]);
    }
    d->iface[sizeof shape - 1] = '\0';
    for (size_t i = 1; i < n; i++) {
        if (strcmp(parts[i], "any_frag") == 0) {
            d->any_frag = true;
        } else if (!d->has_version && strchr("<>=!", parts[i][0]) && parse_range(parts[i], &d->version) &&
                   d->version.lo <= 65535) {
            d->has_version = true;
        } else {
            return fail(p, ERR, "bad dcerpc.iface option '%s'", parts[i]);
        }
    }
    d->has_iface = true;
    return set_app(p, SIG_APP_DCERPC, "dcerpc.iface");
}

/* dcerpc.opnum:<n>[,<n>|<lo>-<hi>]...; (dce_opnum). */
static enum sig_parse_result kw_dcerpc_opnum(struct sig_parse *p, const char *v, char **parts, size_t n)
{
    struct sig_dcerpc *d = &p->r->dcerpc;
    if (n > SIG_MAX_OPNUM_RANGES || d->n_opnums)
        return fail(p, SKIP, "dcerpc.opnum with more than 8 values or twice: '%s'", v);
    for (size_t i = 0; i < n; i++) {
        char *dash = strchr(parts[i], '-');
        if (dash)
            *dash = '\0';
        uint32_t lo, hi;
        if (!sig_parse_u32(sig_trim(parts[i]), &lo) || lo > 65535)
            return fail(p, ERR, "bad dcerpc.opnum '%s'", v);
        hi = lo;
        if (dash && (!sig_parse_u32(sig_trim(dash + 1), &hi) || hi > 65535 || hi <= lo))
            return fail(p, ERR, "bad dcerpc.opnum '%s'", v);
        d->opnums[i].lo = (uint16_t)lo;
        d->opnums[i].hi = (uint16_t)hi;
    }
    d->n_opnums = (uint8_t)n;
    return set_app(p, SIG_APP_DCERPC, "dcerpc.opnum");
}

/* --- the table --- */

typedef enum sig_parse_result (*kw_fn)(struct sig_parse *p, const char *value);
/* A keyword whose value is a comma list: the value and its parts (n >= 1). */
typedef enum sig_parse_result (*kw_list_fn)(struct sig_parse *p, const char *value, char **parts, size_t n);

static const struct {
    const char *name;
    kw_fn fn;
} keywords[] = {
    {"msg", kw_msg}, {"classtype", kw_classtype}, {"reference", kw_reference}, {"metadata", kw_metadata},
    {"priority", kw_priority}, {"target", kw_target}, {"tag", ignored}, {"content", kw_content},
    {"bsize", kw_bsize}, {"pcre", kw_pcre},
    {"base64_data", kw_base64_data}, {"app-layer-protocol", kw_app_layer_protocol}, {"ip_proto", kw_ip_proto},
    {"krb5_msg_type", kw_krb5_msg_type}, {"krb5_err_code", kw_krb5_err_code},
};

#define KW_MAX_PARTS 12
#define KW_MAX_LIST 512

/* Keywords whose value is a comma list, split before the call. */
static const struct list_keyword {
    const char *name;
    kw_list_fn fn;
    uint16_t max_len;           /* a longer value is refused ("value too long"); at most KW_MAX_LIST */
    uint8_t max_parts;          /* parts beyond it stay in the last one; at most KW_MAX_PARTS */
} list_keywords[] = {
    {"isdataat", kw_isdataat, 128, 3}, {"urilen", kw_urilen, 64, 2}, {"byte_test", kw_byte_test, 256, 12},
    {"byte_jump", kw_byte_jump, 256, 12}, {"byte_extract", kw_byte_extract, 256, 12},
    {"base64_decode", kw_base64_decode, 128, 4}, {"flow", kw_flow, 128, 6}, {"flowbits", kw_flowbits, 512, 2},
    {"threshold", kw_threshold, 256, 6}, {"detection_filter", kw_detection_filter, 256, 6},
    {"flags", kw_flags, 64, 2}, {"dcerpc.iface", kw_dcerpc_iface, 128, 3}, {"dce_iface", kw_dcerpc_iface, 128, 3},
    {"dcerpc.opnum", kw_dcerpc_opnum, 256, SIG_MAX_OPNUM_RANGES + 1},
    {"dce_opnum", kw_dcerpc_opnum, 256, SIG_MAX_OPNUM_RANGES + 1},
};

static enum sig_parse_result apply_list_keyword(struct sig_parse *p, const struct list_keyword *k, const char *v)
{
    char buf[KW_MAX_LIST], *parts[KW_MAX_PARTS];
    size_t len = strlen(v);
    if (len >= k->max_len) {
        snprintf(p->why, p->whylen, "value too long");
        return ERR;
    }
    memcpy(buf, v, len + 1);
    return k->fn(p, v, parts, split_commas(buf, parts, k->max_parts));
}

/* Content modifiers: they apply to the last content. */
static const struct {
    const char *name;
    enum sig_parse_result (*fn)(struct sig_parse *p, struct sig_content *c);
} modifiers[] = {
    {"nocase", mod_nocase}, {"startswith", mod_startswith}, {"endswith", mod_endswith},
    {"fast_pattern", mod_fast_pattern}, {"rawbytes", mod_rawbytes},
};

/* Options that only set a field of the rule: a number (sid:1;), a flag
 * (noalert;), a content's position (depth:4;) or a packet header range
 * (ttl:<5;). */
static const struct {
    const char *name;
    size_t field;               /* uint32_t in struct sig_rule */
} numbers[] = {{"sid", offsetof(struct sig_rule, sid)}, {"gid", offsetof(struct sig_rule, gid)},
               {"rev", offsetof(struct sig_rule, rev)}};

static const struct {
    const char *name;
    size_t field;               /* bool in struct sig_rule */
} flags[] = {{"noalert", offsetof(struct sig_rule, noalert)}, {"sameip", offsetof(struct sig_rule, sameip)}};

static const struct {
    const char *name;
    enum pos_kw which;
} positions[] = {{"depth", POS_DEPTH}, {"offset", POS_OFFSET}, {"distance", POS_DISTANCE}, {"within", POS_WITHIN}};

static const struct {
    const char *name;
    size_t has, range;          /* bool and struct sig_range in struct sig_rule */
} ranges[] = {
    {"dsize", offsetof(struct sig_rule, has_dsize), offsetof(struct sig_rule, dsize)},
    {"ttl", offsetof(struct sig_rule, has_ttl), offsetof(struct sig_rule, ttl)},
    {"itype", offsetof(struct sig_rule, has_itype), offsetof(struct sig_rule, itype)},
    {"icode", offsetof(struct sig_rule, has_icode), offsetof(struct sig_rule, icode)},
};

/* Every table's names in one hash index, built once per set: a rule set
 * names keywords some 200,000 times, and the tables hold some 200 names. */
enum kw_kind {
    KW_KEYWORD, KW_LIST, KW_CONTENT, KW_TRANSFORM, KW_STICKY, KW_MODIFIER, KW_NUMBER, KW_FLAG, KW_POSITION, KW_RANGE,
};

struct kw_entry {
    const char *name;           /* NULL: empty slot */
    uint8_t kind;               /* enum kw_kind */
    uint16_t index;             /* in its table */
};

#define KW_SLOTS 1024 /* a power of two, several times the names */

struct sig_kw_index {
    struct kw_entry slot[KW_SLOTS];
};

static uint32_t kw_hash(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 16777619u;
    return h;
}

/* The first of a name wins, as the tables were searched in this order. */
static void kw_insert(struct sig_kw_index *x, const char *name, uint8_t kind, size_t index)
{
    for (uint32_t i = kw_hash(name) & (KW_SLOTS - 1);; i = (i + 1) & (KW_SLOTS - 1)) {
        if (!x->slot[i].name) {
            x->slot[i] = (struct kw_entry){.name = name, .kind = kind, .index = (uint16_t)index};
            return;
        }
        if (strcmp(x->slot[i].name, name) == 0)
            return;
    }
}

/* The tables whose elements start with their name, in the order they are
 * searched: the rule's own fields first (they were matched before the
 * tables), the sticky buffers last. */
#define KW_TABLE(t, kind) {(t), sizeof(t) / sizeof((t)[0]), sizeof((t)[0]), (kind)}
static const struct {
    const void *table;
    size_t count, stride;
    uint8_t kind;
} kw_tables[] = {
    KW_TABLE(numbers, KW_NUMBER), KW_TABLE(flags, KW_FLAG), KW_TABLE(positions, KW_POSITION),
    KW_TABLE(ranges, KW_RANGE), KW_TABLE(keywords, KW_KEYWORD), KW_TABLE(list_keywords, KW_LIST),
    KW_TABLE(modifiers, KW_CONTENT), KW_TABLE(transforms, KW_TRANSFORM),
};

static struct sig_kw_index *kw_index_new(void)
{
    struct sig_kw_index *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    for (size_t t = 0; t < sizeof kw_tables / sizeof kw_tables[0]; t++)
        for (size_t i = 0; i < kw_tables[t].count; i++)
            kw_insert(x, *(const char *const *)((const char *)kw_tables[t].table + i * kw_tables[t].stride),
                      kw_tables[t].kind, i);
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) {
        kw_insert(x, buffers[i].sticky, KW_STICKY, i);
        if (buffers[i].alias)
            kw_insert(x, buffers[i].alias, KW_STICKY, i);
        if (buffers[i].modifier)
            kw_insert(x, buffers[i].modifier, KW_MODIFIER, i);
    }
    return x;
}

void sig_kw_index_free(struct sig_kw_index *x)
{
    free(x);
}

/* NULL: not in the tables (or no memory for the index: then no keyword
 * loads, and the rule is skipped with its name as reason). */
static const struct kw_entry *kw_find(struct sig_set *s, const char *name)
{
    if (!s->kw_index && !(s->kw_index = kw_index_new()))
        return NULL;
    for (uint32_t i = kw_hash(name) & (KW_SLOTS - 1); s->kw_index->slot[i].name; i = (i + 1) & (KW_SLOTS - 1))
        if (strcmp(s->kw_index->slot[i].name, name) == 0)
            return &s->kw_index->slot[i];
    return NULL;
}

static enum sig_parse_result apply_content_modifier(struct sig_parse *p, const struct kw_entry *k, const char *name,
                                                    const char *value)
{
    struct sig_content *c = last_content(p, name);
    if (!c)
        return ERR;
    if (k->kind == KW_POSITION)
        return mod_position(p, c, name, value, positions[k->index].which);
    return modifiers[k->index].fn(p, c);
}

enum sig_parse_result sig_apply_option(struct sig_parse *p, const char *name, const char *value)
{
    if (!value)
        value = ""; /* `sid;` without a value: every parser below then says "bad" */
    const struct kw_entry *k = kw_find(p->set, name);
    if (k) {
        char *rule = (char *)p->r;
        switch (k->kind) {
        case KW_KEYWORD: return keywords[k->index].fn(p, value);
        case KW_LIST: return apply_list_keyword(p, &list_keywords[k->index], value);
        case KW_TRANSFORM: return kw_transform(p, transforms[k->index].code, name);
        case KW_STICKY: return kw_sticky(p, &buffers[k->index], name);
        case KW_MODIFIER: return move_last(p, &buffers[k->index], name);
        case KW_NUMBER: return kw_u32(p, name, value, (uint32_t *)(rule + numbers[k->index].field));
        case KW_FLAG: *(bool *)(rule + flags[k->index].field) = true; return OK;
        case KW_CONTENT:
        case KW_POSITION: return apply_content_modifier(p, k, name, value);
        case KW_RANGE:
            return kw_range(p, name, value, (bool *)(rule + ranges[k->index].has),
                            (struct sig_range *)(rule + ranges[k->index].range));
        }
    }
    return fail(p, SKIP, "unsupported keyword '%s'", name);
}
