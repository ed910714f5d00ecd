/* LDAP (RFC 4511) as Zeek's LDAP analyzer and base/protocols/ldap see it.
 * Messages are BER SEQUENCEs framed by their own length (TCP) or one per
 * datagram (UDP, CLDAP). Operations waiting for their response are kept per
 * message id, at most LDAP_MAX_PENDING messages (a client that never reads
 * its answers, or a loop of requests, is capped and a weird says so); at
 * --ldap-max-pending-searches pending searches (at most LDAP_MAX_PENDING)
 * a weird says so and they are logged as they stand, as Zeek does.
 * Search filters are rendered as RFC 4515 strings, as Zeek logs them; a
 * filter nested deeper than BER_MAX_DEPTH is cut there. */
#include "proto/ldap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/krb.h"
#include "proto/ntlm.h"
#include "util/ber.h"
#include "util/bytes.h"
#include "util/grow.h"

#define LDAP_MSG_MAX (1024 * 1024)   /* a message is kept whole; a larger one ends the analysis */
#define LDAP_MAX_PENDING 100          /* Zeek's LDAP::max_pending_messages / searches */

enum ldap_op {
    OP_BIND_REQUEST = 0,
    OP_BIND_RESPONSE = 1,
    OP_UNBIND_REQUEST = 2,
    OP_SEARCH_REQUEST = 3,
    OP_SEARCH_RESULT_ENTRY = 4,
    OP_SEARCH_RESULT_DONE = 5,
    OP_MODIFY_REQUEST = 6,
    OP_MODIFY_RESPONSE = 7,
    OP_ADD_REQUEST = 8,
    OP_ADD_RESPONSE = 9,
    OP_DEL_REQUEST = 10,
    OP_DEL_RESPONSE = 11,
    OP_MOD_DN_REQUEST = 12,
    OP_MOD_DN_RESPONSE = 13,
    OP_COMPARE_REQUEST = 14,
    OP_COMPARE_RESPONSE = 15,
    OP_ABANDON_REQUEST = 16,
    OP_SEARCH_RESULT_REFERENCE = 19,
    OP_EXTENDED_REQUEST = 23,
    OP_EXTENDED_RESPONSE = 24,
    OP_INTERMEDIATE_RESPONSE = 25,
};

#define STARTTLS_OID "1.3.6.1.4.1.1466.20037"

struct pending_message {
    struct ldap_row row;
};

struct pending_search {
    struct ldap_search_row row;
};

struct ldap_dir {
    uint8_t *buf;
    size_t len, cap;
    uint64_t skip;              /* bytes of an oversized message still to pass over */
};

struct ldap_state {
    struct ldap_dir dir[2];
    struct pending_message *messages[LDAP_MAX_PENDING];
    size_t n_messages;
    struct pending_search *searches[LDAP_MAX_PENDING];
    size_t n_searches;
    bool sasl_bound;            /* a SASL bind succeeded: later PDUs may be SASL buffers */
    bool starttls_pending;
    int64_t starttls_id;
    bool stopped, handed_over;
    bool sasl_noted;            /* conn.log service "gssapi" added */
    /* The binds' NTLMSSP and Kerberos tokens. Zeek reads the client's only
     * (ntlm.log without the server's names or success, kerberos.log without
     * the AP-REP's success): so does this parser. */
    struct ntlm_session ntlm;
    struct krb_gss_session krb;
};

/* ---- names -------------------------------------------------------------------- */

static const char *op_name(unsigned op)
{
    switch (op) {
    case OP_BIND_REQUEST:
    case OP_BIND_RESPONSE: return "bind";
    case OP_UNBIND_REQUEST: return "unbind";
    case OP_MODIFY_REQUEST:
    case OP_MODIFY_RESPONSE:
    case OP_MOD_DN_REQUEST:
    case OP_MOD_DN_RESPONSE: return "modify";
    case OP_ADD_REQUEST:
    case OP_ADD_RESPONSE: return "add";
    case OP_DEL_REQUEST:
    case OP_DEL_RESPONSE: return "delete";
    case OP_COMPARE_REQUEST:
    case OP_COMPARE_RESPONSE: return "compare";
    case OP_ABANDON_REQUEST: return "abandon";
    case OP_EXTENDED_REQUEST:
    case OP_EXTENDED_RESPONSE: return "extended";
    case OP_INTERMEDIATE_RESPONSE: return "intermediate";
    default: return "unknown";
    }
}

static bool op_finishes(unsigned op)
{
    return op == OP_BIND_RESPONSE || op == OP_UNBIND_REQUEST || op == OP_SEARCH_RESULT_DONE ||
           op == OP_MODIFY_RESPONSE || op == OP_ADD_RESPONSE || op == OP_DEL_RESPONSE || op == OP_MOD_DN_RESPONSE ||
           op == OP_COMPARE_RESPONSE || op == OP_ABANDON_REQUEST || op == OP_EXTENDED_RESPONSE;
}

struct code_name {
    int code;
    const char *name;
};

/* RFC 4511 appendix A and the client-side codes of RFC 3771, with Zeek's names. */
static const struct code_name result_codes[] = {
    {0, "success"}, {1, "operations error"}, {2, "protocol error"}, {3, "time limit exceeded"},
    {4, "size limit exceeded"}, {5, "compare false"}, {6, "compare true"}, {7, "auth method not supported"},
    {8, "stronger auth required"}, {9, "partial results"}, {10, "referral"}, {11, "admin limit exceeded"},
    {12, "unavailable critical extension"}, {13, "confidentiality required"}, {14, "SASL bind in progress"},
    {16, "no such attribute"}, {17, "undefined attribute type"}, {18, "inappropriate matching"},
    {19, "constraint violation"}, {20, "attribute or value exists"}, {21, "invalid attribute syntax"},
    {32, "no such object"}, {33, "alias problem"}, {34, "invalid DN syntax"}, {36, "alias dereferencing problem"},
    {48, "inappropriate authentication"}, {49, "invalid credentials"}, {50, "insufficient access rights"},
    {51, "busy"}, {52, "unavailable"}, {53, "unwilling to perform"}, {54, "loop detect"},
    {60, "sort control missing"}, {61, "offset range error"}, {64, "naming violation"},
    {65, "object class violation"}, {66, "not allowed on non-leaf"}, {67, "not allowed on RDN"},
    {68, "entry already exists"}, {69, "object class mods prohibited"}, {70, "results too large"},
    {71, "affects multiple DSAs"}, {76, "control error"}, {80, "other"}, {81, "server down"}, {82, "local error"},
    {83, "encoding error"}, {84, "decoding error"}, {85, "timeout"}, {86, "auth unknown"}, {87, "filter error"},
    {88, "user canceled"}, {89, "param error"}, {90, "no memory"}, {91, "connect error"}, {92, "not supported"},
    {93, "control not found"}, {94, "no results returned"}, {95, "more results to return"}, {96, "client loop"},
    {97, "referral limit exceeded"}, {100, "invalid response"}, {101, "ambiguous response"},
    {112, "TLS not supported"}, {113, "intermediate response"}, {114, "unknown type"}, {118, "canceled"},
    {119, "no such operation"}, {120, "too late"}, {121, "cannot cancel"}, {122, "assertion failed"},
    {123, "authorization denied"},
};

static const char *result_name(int64_t code)
{
    for (size_t i = 0; i < sizeof result_codes / sizeof *result_codes; i++)
        if (result_codes[i].code == code)
            return result_codes[i].name;
    return "unknown";
}

static const char *scope_name(int64_t v)
{
    static const char *const names[] = {"base", "single", "tree"};
    return v >= 0 && v < 3 ? names[v] : "unknown";
}

static const char *deref_name(int64_t v)
{
    static const char *const names[] = {"never", "searching", "finding", "always"};
    return v >= 0 && v < 4 ? names[v] : "unknown";
}

/* ---- text ---------------------------------------------------------------------- */

static void text_set(struct ldap_text *t, const void *p, size_t n)
{
    t->len = bytes_copy_cstr(t->text, sizeof t->text, p, n);
    t->set = true;
}

static void text_set_item(struct ldap_text *t, const struct ber_item *it)
{
    if (it->len > 0)
        text_set(t, it->value, it->len);
}

/* A bounded string builder for filters. */
struct sbuf {
    char *p;
    size_t len, cap;
    bool cut;
};

static void sb_put(struct sbuf *s, const void *p, size_t n)
{
    if (n > s->cap - 1 - s->len) {
        n = s->cap - 1 - s->len;
        s->cut = true;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_str(struct sbuf *s, const char *str)
{
    sb_put(s, str, strlen(str));
}

static void sb_item(struct sbuf *s, const struct ber_item *it)
{
    sb_put(s, it->value, it->len);
}

/* ---- filters (RFC 4511 4.5.1.7, rendered as RFC 4515) ------------------------------------- */

static bool render_filter(struct sbuf *s, const struct ber_item *f, unsigned depth);

static bool render_pair(struct sbuf *s, const struct ber_item *f, const char *op)
{
    struct byte_reader r = ber_contents(f);
    struct ber_item attr, value;
    if (!ber_next(&r, &attr) || !ber_next(&r, &value))
        return false;
    sb_str(s, "(");
    sb_item(s, &attr);
    sb_str(s, op);
    sb_item(s, &value);
    sb_str(s, ")");
    return true;
}

static bool render_substrings(struct sbuf *s, const struct ber_item *f)
{
    struct byte_reader r = ber_contents(f);
    struct ber_item attr, subs, sub;
    if (!ber_next(&r, &attr) || !ber_next(&r, &subs))
        return false;
    sb_str(s, "(");
    sb_item(s, &attr);
    sb_str(s, "=");
    /* initial*any*...*final */
    struct byte_reader sr = ber_contents(&subs);
    bool first = true;
    while (reader_left(&sr) > 0 && ber_next(&sr, &sub)) {
        if (sub.tag == 0 && first) {
            sb_item(s, &sub);
            sb_str(s, "*");
        } else {
            if (first)
                sb_str(s, "*");
            sb_item(s, &sub);
            if (sub.tag == 1)
                sb_str(s, "*");
        }
        first = false;
    }
    if (first)
        sb_str(s, "*");
    sb_str(s, ")");
    return !sr.bad;
}

static bool render_extensible(struct sbuf *s, const struct ber_item *f)
{
    struct byte_reader r = ber_contents(f);
    struct ber_item it, rule = {0}, type = {0}, value = {0};
    bool dn = false;
    while (reader_left(&r) > 0 && ber_next(&r, &it)) {
        if (it.tag == 1)
            rule = it;
        else if (it.tag == 2)
            type = it;
        else if (it.tag == 3)
            value = it;
        else if (it.tag == 4)
            dn = it.len > 0 && it.value[0] != 0;
    }
    sb_str(s, "(");
    if (type.value)
        sb_item(s, &type);
    if (dn)
        sb_str(s, ":dn");
    if (rule.value) {
        sb_str(s, ":");
        sb_item(s, &rule);
    }
    sb_str(s, ":=");
    if (value.value)
        sb_item(s, &value);
    sb_str(s, ")");
    return !r.bad;
}

/* Zeek folds a set to the left, two at a time: (&(&(a)(b))(c)). */
static bool render_set(struct sbuf *s, const struct ber_item *f, const char *op, unsigned depth)
{
    struct byte_reader r = ber_contents(f);
    struct ber_item sub;
    size_t n = 0;
    while (reader_left(&r) > 0 && ber_next(&r, &sub))
        n++;
    if (r.bad)
        return false;
    for (size_t i = 1; i < n; i++)
        sb_str(s, op);
    if (n <= 1)
        sb_str(s, op);
    r = ber_contents(f);
    for (size_t i = 0; i < n; i++) {
        if (!ber_next(&r, &sub) || !render_filter(s, &sub, depth + 1))
            return false;
        if (i > 0 || n == 1)
            sb_str(s, ")");
    }
    return true;
}

static bool render_filter(struct sbuf *s, const struct ber_item *f, unsigned depth)
{
    if (depth > BER_MAX_DEPTH || f->cls != BER_CONTEXT)
        return false;
    switch (f->tag) {
    case 0: return render_set(s, f, "(&", depth);
    case 1: return render_set(s, f, "(|", depth);
    case 2: {
        struct byte_reader r = ber_contents(f);
        struct ber_item sub;
        sb_str(s, "(!");
        if (!ber_next(&r, &sub) || !render_filter(s, &sub, depth + 1))
            return false;
        sb_str(s, ")");
        return true;
    }
    case 3: return render_pair(s, f, "=");
    case 4: return render_substrings(s, f);
    case 5: return render_pair(s, f, ">=");
    case 6: return render_pair(s, f, "<=");
    case 7:
        sb_str(s, "(");
        sb_item(s, f);
        sb_str(s, "=*)");
        return true;
    case 8: return render_pair(s, f, "~=");
    case 9: return render_extensible(s, f);
    default: return false;
    }
}

/* ---- pending operations ------------------------------------------------------------- */

static void weird(struct app_env *env, const char *name, const char *addl)
{
    if (env->weird)
        env->weird(env, name, addl, "LDAP");
}

static struct ldap_row *message_for(struct ldap_state *st, struct app_env *env, int64_t id)
{
    for (size_t i = 0; i < st->n_messages; i++)
        if (st->messages[i]->row.message_id == id)
            return &st->messages[i]->row;
    if (st->n_messages == LDAP_MAX_PENDING) {
        weird(env, "LDAP_max_pending_messages_exceeded", NULL);
        return NULL;
    }
    struct pending_message *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->row.ts_us = env->ts_us;
    m->row.message_id = id;
    st->messages[st->n_messages++] = m;
    return &m->row;
}

static void publish_search(struct ldap_state *st, struct app_env *env, size_t i);

/* A search's pending row. At LDAP::max_pending_searches (--ldap-max-pending-searches)
 * Zeek raises the weird, logs every pending search as it stands and starts
 * the table again with the new one, so no search goes unlogged. */
static struct ldap_search_row *search_for(struct ldap_state *st, struct app_env *env, int64_t id)
{
    for (size_t i = 0; i < st->n_searches; i++)
        if (st->searches[i]->row.message_id == id)
            return &st->searches[i]->row;
    uint32_t max = env->limits ? env->limits->ldap_max_pending_searches : APP_LDAP_MAX_PENDING_SEARCHES;
    if (max > LDAP_MAX_PENDING)
        max = LDAP_MAX_PENDING;
    if (st->n_searches >= max) {
        char addl[24];
        snprintf(addl, sizeof addl, "%u", (unsigned)max);
        weird(env, "LDAP_max_pending_searches_exceeded", addl);
        while (st->n_searches > 0)
            publish_search(st, env, 0);
    }
    struct pending_search *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->row.ts_us = env->ts_us;
    s->row.message_id = id;
    st->searches[st->n_searches++] = s;
    return &s->row;
}

static void publish_message(struct ldap_state *st, struct app_env *env, size_t i)
{
    struct ldap_txn t = {&st->messages[i]->row, NULL};
    env->publish(env, EVENT_LDAP, &t);
    free(st->messages[i]);
    memmove(st->messages + i, st->messages + i + 1, (st->n_messages - i - 1) * sizeof *st->messages);
    st->n_messages--;
}

static void publish_search(struct ldap_state *st, struct app_env *env, size_t i)
{
    struct ldap_txn t = {NULL, &st->searches[i]->row};
    env->publish(env, EVENT_LDAP, &t);
    free(st->searches[i]);
    memmove(st->searches + i, st->searches + i + 1, (st->n_searches - i - 1) * sizeof *st->searches);
    st->n_searches--;
}

static void finish(struct ldap_state *st, struct app_env *env, int64_t id, bool search)
{
    if (search) {
        for (size_t i = 0; i < st->n_searches; i++)
            if (st->searches[i]->row.message_id == id) {
                publish_search(st, env, i);
                return;
            }
    } else {
        for (size_t i = 0; i < st->n_messages; i++)
            if (st->messages[i]->row.message_id == id) {
                publish_message(st, env, i);
                return;
            }
    }
}

/* ---- operations ------------------------------------------------------------------------ */

/* resultCode, matchedDN, diagnosticMessage */
static bool ldap_result(struct byte_reader *r, int64_t *code, struct ber_item *diag)
{
    struct ber_item rc, matched;
    return ber_next(r, &rc) && ber_int(&rc, code) && ber_next(r, &matched) && ber_next(r, diag);
}

/* A client's security token (SASL credentials, Sicily NTLMSSP). */
static void bind_token(struct ldap_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    ntlm_session_blob(&st->ntlm, env, "LDAP", p, n);
    krb_gss_blob(&st->krb, env, true, p, n);
}

static void bind_request(struct ldap_state *st, struct app_env *env, struct ldap_row *m, const struct ber_item *op)
{
    struct byte_reader r = ber_contents(op);
    struct ber_item version, name, auth;
    int64_t v;
    if (!ber_next(&r, &version) || !ber_int(&version, &v) || !ber_next(&r, &name) || !ber_next(&r, &auth))
        return;
    if (!m->has_version) {
        m->has_version = true;
        m->version = v;
    }
    text_set_item(&m->object, &name);
    switch (auth.tag) {
    case 0:
        m->opcode = "bind simple";
        if (auth.len > 0)
            text_set(&m->argument, "REDACTED", 8); /* Zeek's LDAP::default_capture_password is off */
        break;
    case 3: {
        struct byte_reader sr = ber_contents(&auth);
        struct ber_item mech, creds;
        m->opcode = "bind SASL";
        if (ber_next(&sr, &mech))
            text_set_item(&m->argument, &mech);
        if (reader_left(&sr) > 0 && ber_next(&sr, &creds))
            bind_token(st, env, creds.value, creds.len);
        break;
    }
    case 9: m->opcode = "sicily_package_discovery"; break;
    case 10: m->opcode = "sicily_negotiate"; break;
    case 11: m->opcode = "sicily_response"; break;
    default: m->opcode = "unknown"; break;
    }
    if ((auth.tag == 10 || auth.tag == 11) && auth.len >= 7 && memcmp(auth.value, "NTLMSSP", 7) == 0) {
        text_set(&m->argument, "NTLMSSP", 7);
        bind_token(st, env, auth.value, auth.len);
    }
}

static const char *const modify_ops[] = {"add", "delete", "replace", "increment"};

/* object: the entry; argument: the first change, "replace(attr=v1,v2)". */
static void modify_request(struct ldap_row *m, const struct ber_item *op)
{
    struct byte_reader r = ber_contents(op);
    struct ber_item dn, changes, change, operation, attr, type, vals, val;
    if (!ber_next(&r, &dn))
        return;
    text_set_item(&m->object, &dn);
    if (!ber_next(&r, &changes))
        return;
    struct byte_reader cr = ber_contents(&changes);
    int64_t o;
    if (!ber_next(&cr, &change))
        return;
    struct byte_reader ch = ber_contents(&change);
    if (!ber_next(&ch, &operation) || !ber_int(&operation, &o) || o < 0 || o > 3 || !ber_next(&ch, &attr))
        return;
    struct byte_reader ar = ber_contents(&attr);
    if (!ber_next(&ar, &type) || !ber_next(&ar, &vals))
        return;
    char buf[LDAP_TEXT_MAX];
    struct sbuf s = {buf, 0, sizeof buf, false};
    buf[0] = '\0';
    sb_str(&s, modify_ops[o]);
    sb_str(&s, "(");
    sb_item(&s, &type);
    sb_str(&s, "=");
    struct byte_reader vr = ber_contents(&vals);
    bool first = true;
    while (reader_left(&vr) > 0 && ber_next(&vr, &val)) {
        if (!first)
            sb_str(&s, ",");
        sb_item(&s, &val);
        first = false;
    }
    sb_str(&s, ")");
    text_set(&m->argument, buf, s.len);
}

static void search_request(struct ldap_state *st, struct app_env *env, int64_t id, const struct ber_item *op)
{
    struct ldap_search_row *s = search_for(st, env, id);
    if (s == NULL)
        return;
    struct byte_reader r = ber_contents(op);
    struct ber_item base, scope, deref, size, time, types, filter;
    int64_t v;
    if (!ber_next(&r, &base))
        return;
    text_set_item(&s->base_object, &base);
    if (ber_next(&r, &scope) && ber_int(&scope, &v))
        s->scope = scope_name(v);
    if (ber_next(&r, &deref) && ber_int(&deref, &v))
        s->deref_aliases = deref_name(v);
    if (!ber_next(&r, &size) || !ber_next(&r, &time) || !ber_next(&r, &types) || !ber_next(&r, &filter))
        return;
    struct sbuf sb = {s->filter, 0, sizeof s->filter, false};
    s->filter[0] = '\0';
    if (!render_filter(&sb, &filter, 0))
        weird(env, "LDAP_bad_search_filter", NULL);
    s->has_filter = true;
    s->filter_len = sb.len;
}

static void response(struct ldap_state *st, struct app_env *env, int64_t id, unsigned tag, const struct ber_item *op)
{
    struct byte_reader r = ber_contents(op);
    int64_t code = -1;
    struct ber_item diag = {0};
    bool has_result = ldap_result(&r, &code, &diag);
    if (tag == OP_SEARCH_RESULT_DONE) {
        struct ldap_search_row *s = search_for(st, env, id);
        if (s == NULL)
            return;
        if (has_result) {
            s->result = result_name(code);
            text_set_item(&s->diagnostic_message, &diag);
        }
        finish(st, env, id, true);
        return;
    }
    struct ldap_row *m = message_for(st, env, id);
    if (m == NULL)
        return;
    if (m->opcode == NULL || tag != OP_BIND_RESPONSE)
        m->opcode = op_name(tag);
    if (has_result) {
        m->result = result_name(code);
        text_set_item(&m->diagnostic_message, &diag);
    }
    if (tag == OP_BIND_RESPONSE && code == 0 && m->opcode && strcmp(m->opcode, "bind SASL") == 0) {
        st->sasl_bound = true;
    }
    if (tag == OP_EXTENDED_RESPONSE && st->starttls_pending && st->starttls_id == id && code == 0)
        st->handed_over = true; /* TLS follows this response */
    finish(st, env, id, false);
}

static void handle_op(struct ldap_state *st, struct app_env *env, int64_t id, const struct ber_item *op)
{
    unsigned tag = op->tag;
    if (op->cls != BER_APPLICATION) {
        weird(env, "LDAP_invalid_protocol_op", NULL);
        return;
    }
    if (tag == OP_SEARCH_REQUEST) {
        search_request(st, env, id, op);
        return;
    }
    if (tag == OP_SEARCH_RESULT_ENTRY) {
        struct ldap_search_row *s = search_for(st, env, id);
        if (s)
            s->result_count++;
        return;
    }
    if (tag == OP_SEARCH_RESULT_REFERENCE)
        return;
    bool is_request = tag == OP_BIND_REQUEST || tag == OP_UNBIND_REQUEST || tag == OP_MODIFY_REQUEST ||
                      tag == OP_ADD_REQUEST || tag == OP_DEL_REQUEST || tag == OP_MOD_DN_REQUEST ||
                      tag == OP_COMPARE_REQUEST || tag == OP_ABANDON_REQUEST || tag == OP_EXTENDED_REQUEST;
    if (!is_request) {
        response(st, env, id, tag, op);
        return;
    }
    struct ldap_row *m = message_for(st, env, id);
    if (m == NULL)
        return;
    switch (tag) {
    case OP_BIND_REQUEST:
        bind_request(st, env, m, op);
        break;
    case OP_MODIFY_REQUEST:
        m->opcode = op_name(tag);
        modify_request(m, op);
        break;
    case OP_DEL_REQUEST:
        m->opcode = op_name(tag);
        text_set_item(&m->object, op);
        break;
    case OP_EXTENDED_REQUEST: {
        m->opcode = op_name(tag);
        struct byte_reader r = ber_contents(op);
        struct ber_item name;
        if (ber_next(&r, &name) && name.tag == 0) {
            char buf[LDAP_TEXT_MAX];
            size_t n = name.len < 200 ? name.len : 200;
            bool starttls = n == sizeof STARTTLS_OID - 1 && memcmp(name.value, STARTTLS_OID, n) == 0;
            bool whoami = n == 23 && memcmp(name.value, "1.3.6.1.4.1.4203.1.11.3", n) == 0;
            int k = snprintf(buf, sizeof buf, "%.*s (%s)", (int)n, (const char *)name.value,
                             starttls ? "StartTLS" : whoami ? "whoami" : "unknown");
            text_set(&m->object, buf, k < 0 ? 0 : (size_t)k);
            if (starttls) {
                st->starttls_pending = true;
                st->starttls_id = id;
            }
        }
        break;
    }
    default:
        m->opcode = op_name(tag);
        break;
    }
    if (op_finishes(tag))
        finish(st, env, id, false);
}

/* One LDAPMessage; false when it is not one. */
static bool handle_message(struct ldap_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    struct byte_reader r = {p, n, 0, false};
    struct ber_item msg, id_item, op;
    int64_t id;
    if (!ber_next(&r, &msg) || msg.cls != BER_UNIVERSAL || msg.tag != BER_TAG_SEQUENCE)
        return false;
    struct byte_reader in = ber_contents(&msg);
    if (!ber_next(&in, &id_item) || id_item.tag != BER_TAG_INTEGER || !ber_int(&id_item, &id) || !ber_next(&in, &op))
        return false;
    handle_op(st, env, id, &op);
    return true;
}

/* ---- SASL buffers (RFC 4422 3.7) after a signing or sealing bind ----------------------------- */

/* The LDAP messages in bytes that hold whole ones. */
static void messages_in(struct ldap_state *st, struct app_env *env, const uint8_t *q, size_t left)
{
    while (left > 0) {
        size_t header;
        uint64_t total;
        if (!ber_peek_length(q, left, &header, &total) || header == 0 || total > left)
            break;
        handle_message(st, env, q, (size_t)total);
        q += total;
        left -= (size_t)total;
    }
}

/* A Kerberos CFX wrap token (RFC 4121 4.2.6.2) that is not sealed holds the
 * plaintext and a checksum of EC bytes, the whole rotated right by RRC
 * bytes: Windows rotates by EC, which puts the checksum first. Anything else
 * is taken as sealed and skipped. */
static void sasl_buffer(struct ldap_state *st, struct app_env *env, const uint8_t *p, size_t n)
{
    if (!st->sasl_noted && env->add_service) {
        /* as Zeek's conn.log shows such a session: its GSSAPI analyzer is attached */
        env->add_service(env, "gssapi");
        st->sasl_noted = true;
    }
    if (n > 0 && p[0] == 0x30) {
        messages_in(st, env, p, n);
        return;
    }
    if (n >= 16 && p[0] == 0x05 && p[1] == 0x04 && !(p[2] & 0x02)) {
        size_t ec = load_be16(p + 4), rrc = load_be16(p + 6);
        if (ec <= n - 16 && (rrc == 0 || rrc == ec)) {
            messages_in(st, env, p + 16 + rrc, n - 16 - ec);
            return;
        }
    }
    /* sealed: nothing readable */
}

/* ---- framing ------------------------------------------------------------------------------------ */

static bool dir_append(struct ldap_dir *d, const uint8_t *p, size_t n)
{
    return grow_bytes_append(&d->buf, &d->len, &d->cap, p, n, 4096, SIZE_MAX);
}

/* The whole PDU at the head of d (an LDAPMessage or a SASL buffer): its
 * length, 0 when more bytes are needed, SIZE_MAX when it is not LDAP. */
static size_t pdu_length(const struct ldap_state *st, const struct ldap_dir *d)
{
    if (d->len == 0)
        return 0;
    if (d->buf[0] != 0x30 && st->sasl_bound) {
        if (d->len < 4)
            return 0;
        uint64_t total = 4 + (uint64_t)load_be32(d->buf);
        return total > LDAP_MSG_MAX ? SIZE_MAX : (size_t)total;
    }
    size_t header;
    uint64_t total;
    if (d->buf[0] != 0x30 || !ber_peek_length(d->buf, d->len, &header, &total))
        return SIZE_MAX;
    if (header == 0)
        return 0;
    return total > LDAP_MSG_MAX ? SIZE_MAX : (size_t)total;
}

static void ldap_tcp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ldap_state *st = state;
    struct ldap_dir *d = &st->dir[from_orig ? 0 : 1];
    if (st->stopped || !dir_append(d, p, n)) {
        st->stopped = true;
        return;
    }
    if (d->len == 0) /* nothing buffered yet (d->buf may still be NULL) */
        return;
    size_t off = 0;
    while (!st->stopped) {
        struct ldap_dir view = {d->buf + off, d->len - off, 0, 0};
        size_t total = pdu_length(st, &view);
        if (total == SIZE_MAX) {
            weird(env, "LDAP_invalid_message", NULL);
            st->stopped = true;
            break;
        }
        if (total == 0 || total > view.len)
            break;
        if (view.buf[0] == 0x30)
            handle_message(st, env, view.buf, total);
        else
            sasl_buffer(st, env, view.buf + 4, total - 4);
        off += total;
        if (st->handed_over && !from_orig) {
            st->stopped = true;
            if (env->hand_over)
                env->hand_over(env, "ssl");
        }
    }
    memmove(d->buf, d->buf + off, d->len - off);
    d->len -= off;
}

static void ldap_udp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct ldap_state *st = state;
    if (!handle_message(st, env, p, n))
        weird(env, "LDAP_invalid_message", NULL);
}

static void ldap_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct ldap_state *st = state;
    st->stopped = true;
}

/* Zeek's finalize_ldap: what is pending, in the order it began. */
static void ldap_close(void *state, struct app_env *env)
{
    struct ldap_state *st = state;
    while (st->n_messages > 0)
        publish_message(st, env, 0);
    while (st->n_searches > 0)
        publish_search(st, env, 0);
    for (int i = 0; i < 2; i++)
        free(st->dir[i].buf);
    ntlm_session_close(&st->ntlm, env);
    krb_gss_close(&st->krb, env);
}

/* An LDAPMessage: SEQUENCE, INTEGER message id, an APPLICATION operation. */
static enum app_probe ldap_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < 1)
        return APP_PROBE_MAYBE;
    if (p[0] != 0x30)
        return APP_PROBE_NO;
    size_t header;
    uint64_t total;
    if (!ber_peek_length(p, n, &header, &total))
        return APP_PROBE_NO;
    if (header == 0 || n < header + 3)
        return APP_PROBE_MAYBE;
    const uint8_t *q = p + header;
    if (q[0] != 0x02 || q[1] == 0 || q[1] > 4)
        return APP_PROBE_NO;
    size_t at = header + 2 + q[1];
    if (n <= at)
        return APP_PROBE_MAYBE;
    return (p[at] & 0xc0) == 0x40 ? APP_PROBE_YES : APP_PROBE_NO;
}

static const uint16_t ldap_tcp_ports[] = {389, 3268};
static const uint16_t ldap_udp_ports[] = {389};

const struct app_parser ldap_parser = {
    .name = "ldap_tcp",
    .ipproto = 6,
    .ports = ldap_tcp_ports,
    .n_ports = 2,
    .probe = ldap_probe,
    .state_size = sizeof(struct ldap_state),
    .data = ldap_tcp_data,
    .gap = ldap_gap,
    .close = ldap_close,
};

const struct app_parser ldap_udp_parser = {
    .name = "ldap_udp",
    .ipproto = 17,
    .ports = ldap_udp_ports,
    .n_ports = 1,
    .probe = ldap_probe,
    .state_size = sizeof(struct ldap_state),
    .data = ldap_udp_data,
    .close = ldap_close,
};
