/* Kerberos 5, as Zeek's KRB analyzers and Suricata's krb5 parser see it:
 * AS-REQ/AS-REP, TGS-REQ/TGS-REP and KRB-ERROR, one message per UDP
 * datagram or per TCP record (RFC 4120 7.2.2: a 4-byte length before each).
 * The DER is walked with util/ber.h: a fixed path through each message, so
 * nesting never recurses and a hostile depth ends at the first element out
 * of place. The kerberos.log row follows Zeek's main.zeek: one per
 * connection, written at the first reply or error (or at the end), and a
 * KRB-ERROR whose e-text is one of KRB::ignored_errors drops the row so far. */
#include "proto/krb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ber.h"
#include "util/bytes.h"
#include "util/grow.h"

/* A TCP record longer than this is not Kerberos (tickets with a PAC are a
 * few KB; Windows caps the token at 64 KB). */
#define KRB_TCP_RECORD_MAX (256 * 1024)

struct krb_state {
    struct krb_session log;
    unsigned last_request;      /* Suricata's req_id: what a KRB-ERROR answers */
    bool last_as_seen, last_as_preauth; /* the last AS-REQ, for its AS-REP */
    bool stopped;
    /* TCP record assembly, per direction */
    uint8_t *buf[2];
    size_t len[2], cap[2];
};

/* ---- DER fields ----------------------------------------------------------- */

static void text_set(struct krb_text *t, const void *p, size_t n)
{
    t->len = bytes_copy_cstr(t->text, sizeof t->text, p, n);
    t->set = true;
}

static void text_append(struct krb_text *t, const char *sep, const void *p, size_t n)
{
    size_t room = sizeof t->text - 1 - t->len;
    size_t k = strlen(sep);
    if (k > room)
        k = room;
    memcpy(t->text + t->len, sep, k);
    t->len += k;
    room -= k;
    if (n > room)
        n = room;
    memcpy(t->text + t->len, p, n);
    t->len += n;
    t->text[t->len] = '\0';
}

/* The explicitly tagged fields of a SEQUENCE, [0]..[15], each the inner
 * element of its context tag; absent ones have value NULL. */
#define KRB_FIELDS 16
struct krb_fields {
    struct ber_item f[KRB_FIELDS];
};

static bool read_fields(const struct ber_item *seq, struct krb_fields *out)
{
    memset(out, 0, sizeof *out);
    if (seq->cls != BER_UNIVERSAL || seq->tag != BER_TAG_SEQUENCE)
        return false;
    struct byte_reader r = ber_contents(seq);
    while (reader_left(&r) > 0) {
        struct ber_item outer, inner;
        if (!ber_next(&r, &outer))
            return false;
        if (outer.cls != BER_CONTEXT || outer.tag >= KRB_FIELDS)
            continue;
        struct byte_reader in = ber_contents(&outer);
        if (!ber_next(&in, &inner))
            return false;
        out->f[outer.tag] = inner;
    }
    return true;
}

static bool field_present(const struct krb_fields *fs, unsigned i)
{
    return fs->f[i].value != NULL;
}

static bool field_int(const struct krb_fields *fs, unsigned i, int64_t *v)
{
    return field_present(fs, i) && fs->f[i].tag == BER_TAG_INTEGER && ber_int(&fs->f[i], v);
}

static void field_string(const struct krb_fields *fs, unsigned i, struct krb_text *t)
{
    if (field_present(fs, i) && !fs->f[i].constructed)
        text_set(t, fs->f[i].value, fs->f[i].len);
}

/* Zeek's GetStringFromPrincipalName: one to three components joined by '/',
 * "unknown" otherwise. */
static void principal_name(const struct krb_fields *fs, unsigned i, struct krb_text *t)
{
    struct krb_fields pn;
    if (!field_present(fs, i) || !read_fields(&fs->f[i], &pn) || !field_present(&pn, 1))
        return;
    const struct ber_item *names = &pn.f[1];
    if (names->tag != BER_TAG_SEQUENCE)
        return;
    struct byte_reader r = ber_contents(names);
    struct krb_text joined = {0};
    joined.set = true;
    unsigned n = 0;
    struct ber_item s;
    while (reader_left(&r) > 0 && ber_next(&r, &s)) {
        if (++n <= 3)
            text_append(&joined, n > 1 ? "/" : "", s.value, s.len);
    }
    if (n == 0 || n > 3 || r.bad)
        text_set(t, "unknown", 7);
    else
        *t = joined;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const uint8_t *p, size_t n, unsigned *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        *v = *v * 10 + (p[i] - '0');
    }
    return true;
}

/* KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 4120 5.2.3). */
static bool field_time(const struct krb_fields *fs, unsigned i, int64_t *us)
{
    if (!field_present(fs, i) || fs->f[i].tag != BER_TAG_GENERALIZED_TIME || fs->f[i].len < 14)
        return false;
    const uint8_t *p = fs->f[i].value;
    unsigned y, mo, d, h, mi, s;
    if (!digits(p, 4, &y) || !digits(p + 4, 2, &mo) || !digits(p + 6, 2, &d) || !digits(p + 8, 2, &h) ||
        !digits(p + 10, 2, &mi) || !digits(p + 12, 2, &s) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + s;
    *us = secs * 1000000;
    return true;
}

/* pvno 5 and the message type in fields [pvno_at] and [pvno_at + 1], as
 * every message carries them: what tells Kerberos from other DER. */
static bool header_ok(const struct krb_fields *fs, unsigned pvno_at, unsigned msg_type)
{
    int64_t pvno, type;
    return field_int(fs, pvno_at, &pvno) && pvno == 5 && field_int(fs, pvno_at + 1, &type) && type == msg_type;
}

/* EncryptedData's etype. */
static bool encrypted_etype(const struct ber_item *it, int32_t *etype)
{
    struct krb_fields ed;
    int64_t v;
    if (!read_fields(it, &ed) || !field_int(&ed, 0, &v))
        return false;
    *etype = (int32_t)v;
    return true;
}

/* ---- messages --------------------------------------------------------------- */

static void read_padata(const struct ber_item *seq, struct krb_message *m)
{
    struct byte_reader r = ber_contents(seq);
    struct ber_item pa;
    while (reader_left(&r) > 0 && ber_next(&r, &pa)) {
        struct krb_fields pf;
        int64_t type;
        if (read_fields(&pa, &pf) && field_int(&pf, 1, &type) && (type == 2 || type == 16))
            m->preauth = true;
    }
}

static bool parse_kdc_req(const struct ber_item *seq, struct krb_message *m)
{
    struct krb_fields req, body;
    if (!read_fields(seq, &req) || !header_ok(&req, 1, m->msg_type) || !field_present(&req, 4) ||
        !read_fields(&req.f[4], &body))
        return false;
    if (field_present(&req, 3) && req.f[3].tag == BER_TAG_SEQUENCE)
        read_padata(&req.f[3], m);
    const struct ber_item *opts = &body.f[0];
    if (field_present(&body, 0) && opts->tag == BER_TAG_BIT_STRING && opts->len >= 3) {
        /* bit 1 forwardable, bit 8 renewable, counted from the first content byte's MSB */
        m->options.has_kdc_options = true;
        m->options.forwardable = (opts->value[1] & 0x40) != 0;
        m->options.renewable = (opts->value[2] & 0x80) != 0;
    }
    principal_name(&body, 1, &m->cname);
    field_string(&body, 2, &m->realm);
    principal_name(&body, 3, &m->sname);
    m->options.has_from = field_time(&body, 4, &m->options.from_us);
    m->options.has_till = field_time(&body, 5, &m->options.till_us);
    if (field_present(&body, 8) && body.f[8].tag == BER_TAG_SEQUENCE) {
        struct byte_reader r = ber_contents(&body.f[8]);
        struct ber_item e;
        int64_t v;
        while (reader_left(&r) > 0 && ber_next(&r, &e) && m->n_etypes < KRB_ETYPES_MAX)
            if (ber_int(&e, &v))
                m->etypes[m->n_etypes++] = (int32_t)v;
    }
    return true;
}

static bool parse_kdc_rep(const struct ber_item *seq, struct krb_message *m)
{
    struct krb_fields rep, ticket;
    if (!read_fields(seq, &rep) || !header_ok(&rep, 0, m->msg_type))
        return false;
    field_string(&rep, 3, &m->realm);
    principal_name(&rep, 4, &m->cname);
    if (field_present(&rep, 5) && rep.f[5].cls == BER_APPLICATION && rep.f[5].tag == 1) {
        struct byte_reader r = ber_contents(&rep.f[5]);
        struct ber_item tseq;
        if (ber_next(&r, &tseq) && read_fields(&tseq, &ticket)) {
            principal_name(&ticket, 2, &m->sname);
            if (field_present(&ticket, 3))
                m->has_ticket_etype = encrypted_etype(&ticket.f[3], &m->ticket_etype);
        }
    }
    if (field_present(&rep, 6))
        m->has_etype = encrypted_etype(&rep.f[6], &m->etype);
    return true;
}

static bool parse_error(const struct ber_item *seq, struct krb_message *m)
{
    struct krb_fields err;
    int64_t code;
    /* no pvno check: Zeek logs errors that carry only their code */
    if (!read_fields(seq, &err) || !field_int(&err, 6, &code))
        return false;
    m->has_error = true;
    m->error_code = (int32_t)code;
    field_string(&err, 7, &m->realm);
    principal_name(&err, 8, &m->cname);
    principal_name(&err, 10, &m->sname);
    field_string(&err, 11, &m->error_text);
    return true;
}

/* AP-REQ: the ticket's realm, service and cipher (what Zeek's
 * krb_ap_request sees; the authenticator is encrypted). */
static bool parse_ap_req(const struct ber_item *seq, struct krb_message *m)
{
    struct krb_fields req, ticket;
    if (!read_fields(seq, &req) || !header_ok(&req, 0, m->msg_type))
        return false;
    if (field_present(&req, 3) && req.f[3].cls == BER_APPLICATION && req.f[3].tag == 1) {
        struct byte_reader r = ber_contents(&req.f[3]);
        struct ber_item tseq;
        if (ber_next(&r, &tseq) && read_fields(&tseq, &ticket)) {
            field_string(&ticket, 1, &m->realm);
            principal_name(&ticket, 2, &m->sname);
            if (field_present(&ticket, 3))
                m->has_ticket_etype = encrypted_etype(&ticket.f[3], &m->ticket_etype);
        }
    }
    return true;
}

static bool parse_ap_rep(const struct ber_item *seq, struct krb_message *m)
{
    struct krb_fields rep;
    return read_fields(seq, &rep) && header_ok(&rep, 0, m->msg_type);
}

/* One message; false when it is not Kerberos. */
static bool parse_message(const uint8_t *p, size_t n, struct krb_message *m)
{
    struct byte_reader r = {p, n, 0, false};
    struct ber_item app, seq;
    if (!ber_next(&r, &app) || app.cls != BER_APPLICATION || !app.constructed)
        return false;
    struct byte_reader in = ber_contents(&app);
    if (!ber_next(&in, &seq))
        return false;
    m->msg_type = app.tag;
    switch (app.tag) {
    case KRB_MSG_AS_REQ:
    case KRB_MSG_TGS_REQ:
        return parse_kdc_req(&seq, m);
    case KRB_MSG_AS_REP:
    case KRB_MSG_TGS_REP:
        return parse_kdc_rep(&seq, m);
    case KRB_MSG_ERROR:
        return parse_error(&seq, m);
    case KRB_MSG_AP_REQ:
        return parse_ap_req(&seq, m);
    case KRB_MSG_AP_REP:
        return parse_ap_rep(&seq, m);
    default:
        return false;
    }
}

/* ---- the kerberos.log row ------------------------------------------------------ */

static void weird(struct app_env *env, const char *name)
{
    if (env->weird)
        env->weird(env, name, NULL, "KRB");
}

/* Zeek's set_session: true when the row was already written. */
static bool set_session(struct krb_session *st, struct app_env *env)
{
    if (!st->session) {
        memset(&st->row, 0, sizeof st->row);
        st->row.ts_us = env->ts_us;
        st->session = true;
        st->logged = false;
    }
    return st->logged;
}

static void client_of(struct krb_text *out, const struct krb_text *name, const struct krb_text *realm, bool keep_slash)
{
    /* AS-REQ and replies: "name/realm" with either empty; errors: "name/" only when a name is there */
    memset(out, 0, sizeof *out);
    out->set = true;
    if (name->set)
        text_append(out, "", name->text, name->len);
    if (name->set || keep_slash)
        text_append(out, "/", "", 0);
    if (realm->set)
        text_append(out, "", realm->text, realm->len);
}

/* Zeek's KRB::ignored_errors. */
static bool ignored_error(const struct krb_text *t)
{
    return t->set && ((t->len == 14 && memcmp(t->text, "NEEDED_PREAUTH", 14) == 0) ||
                      strcmp(t->text, "Need to use PA-ENC-TIMESTAMP/PA-PK-AS-REQ") == 0);
}

static void request_options(struct krb_row *row, const struct krb_message *m)
{
    if (m->sname.set)
        row->service = m->sname;
    row->options = m->options;
}

/* Folds a message into the row as main.zeek's handlers do; true when the
 * row is to be written now. */
static bool update_row(struct krb_session *st, struct app_env *env, const struct krb_message *m)
{
    struct krb_row *row = &st->row;
    if (m->msg_type == KRB_MSG_ERROR) {
        if (set_session(st, env))
            return false;
        if (ignored_error(&m->error_text)) {
            st->session = false;
            return false;
        }
        if (!row->client.set && (m->cname.set || m->realm.set))
            client_of(&row->client, &m->cname, &m->realm, false);
        if (m->sname.set)
            row->service = m->sname;
        row->has_success = true;
        row->success = false;
        row->has_error_code = true;
        row->error_code = m->error_code;
        if (m->error_text.set)
            row->error_msg = m->error_text;
        else if (krb_error_name(m->error_code))
            text_set(&row->error_msg, krb_error_name(m->error_code), strlen(krb_error_name(m->error_code)));
        return true;
    }
    if (set_session(st, env))
        return false;
    switch (m->msg_type) {
    case KRB_MSG_AS_REQ:
        row->request_type = "AS";
        client_of(&row->client, &m->cname, &m->realm, true);
        request_options(row, m);
        return false;
    case KRB_MSG_TGS_REQ:
        row->request_type = "TGS";
        request_options(row, m);
        return false;
    case KRB_MSG_AP_REQ:
        /* Zeek: the ticket's service and cipher, the client only as "/realm" */
        row->request_type = "AP";
        if (m->sname.set)
            row->service = m->sname;
        row->has_cipher = m->has_ticket_etype;
        row->cipher = m->ticket_etype;
        if (m->realm.set) {
            struct krb_text none = {0};
            client_of(&row->client, &none, &m->realm, true);
        }
        return false;
    case KRB_MSG_AP_REP:
        row->has_success = true;
        row->success = true;
        return true;
    case KRB_MSG_AS_REP:
    case KRB_MSG_TGS_REP:
        if (!row->client.set && (m->cname.set || m->realm.set))
            client_of(&row->client, &m->cname, &m->realm, true);
        row->service = m->sname;
        row->has_cipher = m->has_ticket_etype;
        row->cipher = m->ticket_etype;
        row->has_success = true;
        row->success = true;
        return true;
    default:
        return false;
    }
}

static void publish(struct krb_session *st, struct app_env *env, const struct krb_message *m, bool write_row)
{
    struct krb_txn t = {m, NULL};
    if (write_row && st->session && !st->logged) {
        t.row = &st->row;
        st->logged = true;
    }
    if (t.msg || t.row)
        env->publish(env, EVENT_KRB, &t);
}

static void handle_message(struct krb_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct krb_message *m = calloc(1, sizeof *m);
    if (m == NULL)
        return;
    m->ts_us = env->ts_us;
    m->from_orig = from_orig;
    if (!parse_message(p, n, m)) {
        weird(env, "KRB_invalid_message");
        free(m);
        return;
    }
    if (m->msg_type == KRB_MSG_AS_REQ || m->msg_type == KRB_MSG_TGS_REQ)
        st->last_request = m->msg_type;
    if (m->msg_type == KRB_MSG_AS_REQ) {
        st->last_as_seen = true;
        st->last_as_preauth = m->preauth;
    }
    if (m->msg_type == KRB_MSG_AS_REP)
        m->request_preauth = !st->last_as_seen || st->last_as_preauth;
    if (m->msg_type == KRB_MSG_ERROR)
        m->failed_request = st->last_request;
    bool write_row = update_row(&st->log, env, m);
    /* an AP exchange is not a krb5 transaction of Suricata's: the row only */
    bool ap = m->msg_type == KRB_MSG_AP_REQ || m->msg_type == KRB_MSG_AP_REP;
    publish(&st->log, env, ap ? NULL : m, write_row);
    free(m);
}

/* ---- GSS-API ---------------------------------------------------------------------- */

/* The mechanism OIDs' contents (RFC 4121's Kerberos 5, Microsoft's
 * variant of it, RFC 4178's SPNEGO). */
static const uint8_t krb5_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t krb5_ms_oid[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t spnego_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};

static bool oid_is(const struct ber_item *it, const uint8_t *oid, size_t n)
{
    return it->cls == BER_UNIVERSAL && it->tag == 6 && it->len == n && memcmp(it->value, oid, n) == 0;
}

/* SPNEGO's mechToken / responseToken: field [2] of a NegTokenInit ([0]) or
 * NegTokenResp ([1]). */
static bool spnego_inner_token(const struct ber_item *choice, struct ber_item *token)
{
    struct krb_fields neg;
    struct byte_reader r = ber_contents(choice);
    struct ber_item seq;
    if (choice->cls != BER_CONTEXT || choice->tag > 1 || !ber_next(&r, &seq) || !read_fields(&seq, &neg) ||
        !field_present(&neg, 2) || neg.f[2].tag != BER_TAG_OCTET_STRING)
        return false;
    *token = neg.f[2];
    return true;
}

/* The Kerberos message of a security blob: a GSS token of the krb5
 * mechanism (RFC 4121 4.1: [APPLICATION 0] { OID, TOK_ID, message }), or
 * one inside SPNEGO, where Windows also puts the bare message. depth: one
 * SPNEGO level holds one token, never more. */
static const uint8_t *gss_krb_token(const uint8_t *p, size_t n, size_t *len, int depth)
{
    if (depth > 1 || n < 2)
        return NULL;
    if (depth == 1 && (p[0] == 0x6e || p[0] == 0x6f || p[0] == 0x7e)) {
        *len = n;
        return p;
    }
    struct byte_reader r = {p, n, 0, false};
    struct ber_item outer, oid, token;
    if (!ber_next(&r, &outer))
        return NULL;
    if (outer.cls == BER_CONTEXT) /* a NegTokenResp without its GSS header */
        return spnego_inner_token(&outer, &token) ? gss_krb_token(token.value, token.len, len, depth + 1) : NULL;
    struct byte_reader in = ber_contents(&outer);
    if (outer.cls != BER_APPLICATION || outer.tag != 0 || !ber_next(&in, &oid))
        return NULL;
    if (oid_is(&oid, krb5_oid, sizeof krb5_oid) || oid_is(&oid, krb5_ms_oid, sizeof krb5_ms_oid)) {
        /* TOK_ID 01 00 AP-REQ, 02 00 AP-REP, 03 00 KRB-ERROR */
        if (reader_left(&in) < 3 || in.p[in.off + 1] != 0 || in.p[in.off] < 1 || in.p[in.off] > 3)
            return NULL;
        *len = reader_left(&in) - 2;
        return in.p + in.off + 2;
    }
    struct ber_item choice;
    if (oid_is(&oid, spnego_oid, sizeof spnego_oid) && ber_next(&in, &choice) && spnego_inner_token(&choice, &token))
        return gss_krb_token(token.value, token.len, len, depth + 1);
    return NULL;
}

void krb_gss_blob(struct krb_gss_session *s, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    size_t len;
    const uint8_t *msg = p ? gss_krb_token(p, n, &len, 0) : NULL;
    if (msg == NULL)
        return;
    struct krb_message *m = calloc(1, sizeof *m);
    if (m == NULL)
        return;
    m->ts_us = env->ts_us;
    m->from_orig = from_orig;
    if (parse_message(msg, len, m))
        publish(&s->log, env, NULL, update_row(&s->log, env, m));
    else
        weird(env, "KRB_invalid_message");
    free(m);
}

void krb_gss_close(struct krb_gss_session *s, struct app_env *env)
{
    publish(&s->log, env, NULL, true); /* Zeek's finalize_krb */
}

/* ---- UDP ------------------------------------------------------------------------ */

static void krb_udp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct krb_state *st = state;
    handle_message(st, env, from_orig, p, n);
}

static void krb_close(void *state, struct app_env *env)
{
    struct krb_state *st = state;
    publish(&st->log, env, NULL, true); /* Zeek's finalize_krb */
    for (int d = 0; d < 2; d++)
        free(st->buf[d]);
}

/* ---- TCP: 4-byte record marks ----------------------------------------------------- */

static bool buffer_append(struct krb_state *st, int d, const uint8_t *p, size_t n)
{
    return grow_bytes_append(&st->buf[d], &st->len[d], &st->cap[d], p, n, 2048, SIZE_MAX);
}

static void krb_tcp_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct krb_state *st = state;
    int d = from_orig ? 0 : 1;
    while (n > 0 && !st->stopped) {
        /* the record mark, then the record, whole */
        size_t have = st->len[d];
        size_t need = 4;
        if (have >= 4) {
            uint32_t len = load_be32(st->buf[d]) & 0x7fffffffu;
            if (len == 0 || len > KRB_TCP_RECORD_MAX) {
                weird(env, len == 0 ? "KRB_empty_record" : "KRB_record_too_long");
                st->stopped = true;
                return;
            }
            need = 4 + (size_t)len;
        }
        size_t take = need - have < n ? need - have : n;
        if (!buffer_append(st, d, p, take)) {
            st->stopped = true;
            return;
        }
        p += take;
        n -= take;
        if (st->len[d] == need && need > 4) {
            handle_message(st, env, from_orig, st->buf[d] + 4, need - 4);
            st->len[d] = 0;
        }
    }
}

static void krb_tcp_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct krb_state *st = state;
    st->stopped = true; /* records cannot be found again after a hole */
}

/* ---- detection ----------------------------------------------------------------------- */

/* A Kerberos message starts with an APPLICATION tag 10-14 or 30, constructed. */
static enum app_probe probe_message(const uint8_t *p, size_t n)
{
    if (n < 1)
        return APP_PROBE_MAYBE;
    if (!((p[0] >= 0x6a && p[0] <= 0x6e) || p[0] == 0x7e))
        return APP_PROBE_NO;
    size_t header;
    uint64_t total;
    if (!ber_peek_length(p, n, &header, &total))
        return APP_PROBE_NO;
    if (header == 0 || n <= header)
        return APP_PROBE_MAYBE;
    return p[header] == 0x30 ? APP_PROBE_YES : APP_PROBE_NO;
}

static enum app_probe krb_udp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    return probe_message(p, n);
}

static enum app_probe krb_tcp_probe(const uint8_t *p, size_t n, bool from_orig)
{
    if (n < 4)
        return APP_PROBE_MAYBE;
    uint32_t len = load_be32(p);
    if (len < 8 || len > KRB_TCP_RECORD_MAX)
        return APP_PROBE_NO;
    return probe_message(p + 4, n - 4);
}

static const uint16_t krb_ports[] = {88};

const struct app_parser krb_parser = {
    .name = "krb",
    .ipproto = 17,
    .ports = krb_ports,
    .n_ports = 1,
    .probe = krb_udp_probe,
    .state_size = sizeof(struct krb_state),
    .data = krb_udp_data,
    .close = krb_close,
};

const struct app_parser krb_tcp_parser = {
    .name = "krb_tcp",
    .ipproto = 6,
    .ports = krb_ports,
    .n_ports = 1,
    .probe = krb_tcp_probe,
    .state_size = sizeof(struct krb_state),
    .data = krb_tcp_data,
    .gap = krb_tcp_gap,
    .close = krb_close,
};
