/* The Active Directory scenarios: Kerberos (ordinary logons, a Kerberoasting
 * client, AS-REP roasting), RDP, LDAP and internal fan-out. Their messages
 * are built with a small DER writer (Kerberos and LDAP are ASN.1). */
#include <stdio.h>
#include <string.h>

#include "scenarios.h"
#include "wire.h"

/* ---- DER ---------------------------------------------------------------------- */

#define DER_MAX 4096

/* A DER buffer; elements are built inside out: the contents first, then
 * der_wrap puts a tag and length around them. */
struct der {
    uint8_t p[DER_MAX];
    size_t n;
    bool overflow;
};

static void der_put(struct der *d, const void *v, size_t n)
{
    if (n == 0)
        return;
    if (d->overflow || n > DER_MAX - d->n) {
        d->overflow = true;
        return;
    }
    if (n) /* an empty value may come as NULL: memcpy's arguments must not be */
        memcpy(d->p + d->n, v, n);
    d->n += n;
}

/* Appends tag, length, value. */
static void der_tlv(struct der *d, uint8_t tag, const void *v, size_t n)
{
    uint8_t h[4] = {tag};
    size_t k = 1;
    if (n < 128) {
        h[k++] = (uint8_t)n;
    } else if (n < 256) {
        h[k++] = 0x81;
        h[k++] = (uint8_t)n;
    } else {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(n >> 8);
        h[k++] = (uint8_t)n;
    }
    der_put(d, h, k);
    der_put(d, v, n);
}

/* Appends the whole of inner under tag. */
static void der_wrap(struct der *d, uint8_t tag, const struct der *inner)
{
    if (inner->overflow)
        d->overflow = true;
    der_tlv(d, tag, inner->p, inner->n);
}

static void der_int(struct der *d, uint8_t tag, int64_t v)
{
    uint8_t b[9];
    size_t n = 0;
    bool more = true;
    uint8_t tmp[9];
    size_t k = 0;
    while (more) {
        tmp[k++] = (uint8_t)(v & 0xff);
        int64_t next = v >> 8;
        more = !((next == 0 && !(tmp[k - 1] & 0x80)) || (next == -1 && (tmp[k - 1] & 0x80)));
        v = next;
    }
    while (k > 0)
        b[n++] = tmp[--k];
    der_tlv(d, tag, b, n);
}

static void der_str(struct der *d, uint8_t tag, const char *s)
{
    der_tlv(d, tag, s, strlen(s));
}

/* [ctx] EXPLICIT around one element already in inner. */
static void der_ctx(struct der *d, unsigned ctx, const struct der *inner)
{
    der_wrap(d, (uint8_t)(0xa0 | ctx), inner);
}

static void der_ctx_int(struct der *d, unsigned ctx, int64_t v)
{
    struct der i = {0};
    der_int(&i, 0x02, v);
    der_ctx(d, ctx, &i);
}

static void der_ctx_str(struct der *d, unsigned ctx, uint8_t tag, const char *s)
{
    struct der i = {0};
    der_str(&i, tag, s);
    der_ctx(d, ctx, &i);
}

/* ---- Kerberos messages (RFC 4120) ------------------------------------------------------ */

#define KRB_REALM "CORP.VIGIL-TEST.EXAMPLE"
#define KRB_GENERAL_STRING 0x1b

/* [ctx] PrincipalName: name-type, then "a/b" split into components. */
static void krb_principal(struct der *d, unsigned ctx, int type, const char *name)
{
    struct der comps = {0}, seq = {0}, names = {0}, pn = {0};
    const char *p = name;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        der_tlv(&comps, KRB_GENERAL_STRING, p, len);
        p += len + (slash ? 1 : 0);
    }
    der_wrap(&names, 0x30, &comps);
    der_ctx_int(&seq, 0, type);
    der_ctx(&seq, 1, &names);
    der_wrap(&pn, 0x30, &seq);
    der_ctx(d, ctx, &pn);
}

/* EncryptedData ::= SEQUENCE { etype [0], kvno [1], cipher [2] } with random cipher bytes. */
static void krb_encrypted_data(struct der *d, struct gen *g, int etype, size_t cipher_len)
{
    struct der seq = {0}, c = {0};
    uint8_t cipher[512];
    if (cipher_len > sizeof cipher)
        cipher_len = sizeof cipher;
    rng_fill(g, cipher, cipher_len);
    der_ctx_int(&seq, 0, etype);
    der_ctx_int(&seq, 1, 2);
    der_tlv(&c, 0x04, cipher, cipher_len);
    der_ctx(&seq, 2, &c);
    der_wrap(d, 0x30, &seq);
}

static void krb_encrypted(struct der *d, unsigned ctx, struct gen *g, int etype, size_t cipher_len)
{
    struct der ed = {0};
    krb_encrypted_data(&ed, g, etype, cipher_len);
    der_ctx(d, ctx, &ed);
}

/* Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno, realm, sname, enc-part } */
static void krb_ticket(struct der *d, struct gen *g, const char *sname, int etype)
{
    struct der t = {0}, tseq = {0};
    der_ctx_int(&t, 0, 5);
    der_ctx_str(&t, 1, 0x1b, "CORP.VIGIL-TEST.EXAMPLE");
    krb_principal(&t, 2, 2, sname);
    krb_encrypted(&t, 3, g, etype, 300);
    der_wrap(&tseq, 0x30, &t);
    der_wrap(d, 0x61, &tseq);
}

/* The value of PA-TGS-REQ: an AP-REQ carrying the TGT. */
static void krb_ap_req(struct der *d, struct gen *g)
{
    struct der a = {0}, opts = {0}, ticket = {0}, seq = {0};
    static const uint8_t no_options[] = {0x00, 0x00, 0x00, 0x00, 0x00};
    der_ctx_int(&a, 0, 5);
    der_ctx_int(&a, 1, 14);
    der_tlv(&opts, 0x03, no_options, sizeof no_options);
    der_ctx(&a, 2, &opts);
    krb_ticket(&ticket, g, "krbtgt/CORP.VIGIL-TEST.EXAMPLE", 18);
    der_ctx(&a, 3, &ticket);
    krb_encrypted(&a, 4, g, 18, 120);
    der_wrap(&seq, 0x30, &a);
    der_wrap(d, 0x6e, &seq);
}

struct krb_req {
    int msg_type;               /* 10 AS-REQ, 12 TGS-REQ */
    const char *cname;          /* NULL: none (TGS-REQ) */
    const char *sname;
    const int *etypes;
    size_t n_etypes;
    bool preauth;               /* PA-ENC-TIMESTAMP */
};

static size_t krb_request(struct gen *g, uint8_t *out, size_t cap, const struct krb_req *r)
{
    struct der body = {0}, b = {0}, et = {0}, ets = {0}, req = {0}, seq = {0}, msg = {0};
    static const uint8_t options[] = {0x00, 0x40, 0x81, 0x00, 0x10}; /* forwardable, renewable, canonicalize, renewable-ok */
    struct der opt = {0};
    der_tlv(&opt, 0x03, options, sizeof options);
    der_ctx(&body, 0, &opt);
    if (r->cname)
        krb_principal(&body, 1, 1, r->cname);
    der_ctx_str(&body, 2, KRB_GENERAL_STRING, KRB_REALM);
    krb_principal(&body, 3, 2, r->sname);
    der_ctx_str(&body, 5, 0x18, "20370913024805Z");
    der_ctx_int(&body, 7, (int64_t)(rng_next(g) & 0x7fffffff));
    for (size_t i = 0; i < r->n_etypes; i++)
        der_int(&et, 0x02, r->etypes[i]);
    der_wrap(&ets, 0x30, &et);
    der_ctx(&body, 8, &ets);
    der_wrap(&b, 0x30, &body);

    der_ctx_int(&req, 1, 5);
    der_ctx_int(&req, 2, r->msg_type);
    if (r->preauth || r->msg_type == 12) {
        /* PA-ENC-TIMESTAMP (2) for AS, PA-TGS-REQ (1) carrying the TGT for TGS */
        struct der pa = {0}, pav = {0}, pas = {0}, inner = {0}, val = {0};
        der_ctx_int(&pa, 1, r->msg_type == 12 ? 1 : 2);
        if (r->msg_type == 12)
            krb_ap_req(&inner, g);
        else
            krb_encrypted_data(&inner, g, 18, 56);
        der_wrap(&val, 0x04, &inner);
        der_ctx(&pa, 2, &val);
        der_wrap(&pav, 0x30, &pa);
        der_wrap(&pas, 0x30, &pav);
        der_ctx(&req, 3, &pas);
    }
    der_ctx(&req, 4, &b);
    der_wrap(&seq, 0x30, &req);
    der_wrap(&msg, (uint8_t)(0x60 | r->msg_type), &seq);
    if (msg.overflow || msg.n > cap)
        return 0;
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

static size_t krb_reply(struct gen *g, uint8_t *out, size_t cap, int msg_type, const char *cname, const char *sname,
                        int ticket_etype, int enc_etype)
{
    struct der rep = {0}, ticket = {0}, seq = {0}, msg = {0};
    der_ctx_int(&rep, 0, 5);
    der_ctx_int(&rep, 1, msg_type);
    der_ctx_str(&rep, 3, KRB_GENERAL_STRING, KRB_REALM);
    krb_principal(&rep, 4, 1, cname);
    krb_ticket(&ticket, g, sname, ticket_etype);
    der_ctx(&rep, 5, &ticket);
    krb_encrypted(&rep, 6, g, enc_etype, 200);
    der_wrap(&seq, 0x30, &rep);
    der_wrap(&msg, (uint8_t)(0x60 | msg_type), &seq);
    if (msg.overflow || msg.n > cap)
        return 0;
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

static size_t krb_error(uint8_t *out, size_t cap, int code, const char *sname)
{
    struct der e = {0}, seq = {0}, msg = {0};
    der_ctx_int(&e, 0, 5);
    der_ctx_int(&e, 1, 30);
    der_ctx_str(&e, 4, 0x18, "20240304090000Z");
    der_ctx_int(&e, 5, 0);
    der_ctx_int(&e, 6, code);
    der_ctx_str(&e, 9, KRB_GENERAL_STRING, KRB_REALM);
    krb_principal(&e, 10, 2, sname);
    der_wrap(&seq, 0x30, &e);
    der_wrap(&msg, 0x7e, &seq);
    if (msg.overflow || msg.n > cap)
        return 0;
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

#define KDC_IP "10.88.0.1"

/* One request and its answer over UDP 88 from a fresh source port. */
static void krb_udp_exchange(struct gen *g, int iface, const char *client, uint16_t sport, uint64_t t,
                             const uint8_t *req, size_t req_len, const uint8_t *rep, size_t rep_len)
{
    struct ip_pair ip;
    struct path pa;
    ethernet_v4(&ip, &pa, iface, client, KDC_IP);
    udp_datagram(g, &pa, &ip, sport, 88, 0, t, req, req_len);
    udp_datagram(g, &pa, &ip, sport, 88, 1, t + MS(2), rep, rep_len);
}

static const int etypes_windows[] = {18, 17, 23, 24, -135};
static const int etypes_rc4[] = {23};

/* A Windows logon: AS-REQ without pre-authentication, PREAUTH_REQUIRED,
 * AS-REQ with it, AS-REP; then service tickets for the given services. */
static void krb_logon(struct gen *g, int iface, const char *client, const char *user, uint16_t sport, uint64_t t,
                      const char *const *services, size_t n_services)
{
    uint8_t req[DER_MAX], rep[DER_MAX];
    struct krb_req as = {10, user, "krbtgt/" KRB_REALM, etypes_windows, 5, false};
    size_t rq = krb_request(g, req, sizeof req, &as);
    size_t rp = krb_error(rep, sizeof rep, 25, "krbtgt/" KRB_REALM);
    krb_udp_exchange(g, iface, client, sport, t, req, rq, rep, rp);
    as.preauth = true;
    rq = krb_request(g, req, sizeof req, &as);
    rp = krb_reply(g, rep, sizeof rep, 11, user, "krbtgt/" KRB_REALM, 18, 18);
    krb_udp_exchange(g, iface, client, (uint16_t)(sport + 1), t + MS(50), req, rq, rep, rp);
    for (size_t i = 0; i < n_services; i++) {
        struct krb_req tgs = {12, NULL, services[i], etypes_windows, 5, false};
        rq = krb_request(g, req, sizeof req, &tgs);
        rp = krb_reply(g, rep, sizeof rep, 13, user, services[i], 18, 18);
        krb_udp_exchange(g, iface, client, (uint16_t)(sport + 2 + i), t + MS(100) + SEC(1) * i, req, rq, rep, rp);
    }
}

static bool run_kerberos(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    uint8_t req[DER_MAX], rep[DER_MAX];

    /* Ordinary logons: two workstations, a few services each. */
    static const char *const alice_services[] = {"cifs/fs01.corp.vigil-test.example", "ldap/dc01.corp.vigil-test.example"};
    static const char *const bob_services[] = {"HTTP/intranet.corp.vigil-test.example",
                                               "cifs/fs01.corp.vigil-test.example",
                                               "host/ws-carol.corp.vigil-test.example"};
    krb_logon(g, iface, "10.88.1.10", "alice", 49700, t, alice_services, 2);
    krb_logon(g, iface, "10.88.1.11", "bob", 50100, t + SEC(20), bob_services, 3);

    /* Over TCP: bob's AS exchange again, with its record marks. */
    {
        struct ip_pair ip;
        struct path pa;
        struct tcp_flow f;
        ethernet_v4(&ip, &pa, iface, "10.88.1.11", KDC_IP);
        tcp_connect(&f, g, &pa, &ip, 50200, 88, t + SEC(40));
        struct krb_req as = {10, "bob", "krbtgt/" KRB_REALM, etypes_windows, 5, true};
        size_t rq = krb_request(g, req + 4, sizeof req - 4, &as);
        size_t rp = krb_reply(g, rep + 4, sizeof rep - 4, 11, "bob", "krbtgt/" KRB_REALM, 18, 18);
        for (int i = 0; i < 4; i++) {
            req[i] = (uint8_t)(rq >> (24 - 8 * i));
            rep[i] = (uint8_t)(rp >> (24 - 8 * i));
        }
        tcp_send(&f, 0, req, rq + 4);
        tcp_send(&f, 1, rep, rp + 4);
        tcp_close(&f, 0);
    }

    /* Kerberoasting: mallory asks for twenty service tickets, RC4 only, in a minute. */
    static const char *const spn_hosts[] = {"sql01", "sql02", "web01", "web02", "app01", "app02", "bkp01",
                                            "crm01", "erp01", "wsus01"};
    for (int i = 0; i < 20; i++) {
        char spn[128];
        snprintf(spn, sizeof spn, "%s/%s.corp.vigil-test.example:%d", i % 2 ? "HTTP" : "MSSQLSvc", spn_hosts[i / 2],
                 i % 2 ? 80 : 1433);
        struct krb_req tgs = {12, NULL, spn, etypes_rc4, 1, false};
        size_t rq = krb_request(g, req, sizeof req, &tgs);
        size_t rp = krb_reply(g, rep, sizeof rep, 13, "mallory", spn, 23, 23);
        krb_udp_exchange(g, iface, "10.88.1.66", (uint16_t)(51000 + i), t + SEC(60) + MS(2500) * i, req, rq, rep,
                         rp);
    }

    /* One account reaching many hosts: svc_deploy gets cifs tickets (AES) for sixteen hosts in two minutes. */
    for (int i = 0; i < 16; i++) {
        char spn[128];
        snprintf(spn, sizeof spn, "cifs/ws%02d.corp.vigil-test.example", i + 1);
        struct krb_req tgs = {12, NULL, spn, etypes_windows, 5, false};
        size_t rq = krb_request(g, req, sizeof req, &tgs);
        size_t rp = krb_reply(g, rep, sizeof rep, 13, "svc_deploy", spn, 18, 18);
        krb_udp_exchange(g, iface, "10.88.1.70", (uint16_t)(53000 + i), t + SEC(150) + MS(7000) * i, req, rq, rep,
                         rp);
    }

    /* AS-REP roasting: no pre-authentication, RC4, for an account that does not require it. */
    {
        struct krb_req as = {10, "svc_backup", "krbtgt/" KRB_REALM, etypes_rc4, 1, false};
        size_t rq = krb_request(g, req, sizeof req, &as);
        size_t rp = krb_reply(g, rep, sizeof rep, 11, "svc_backup", "krbtgt/" KRB_REALM, 18, 23);
        krb_udp_exchange(g, iface, "10.88.1.67", 52000, t + SEC(130), req, rq, rep, rp);
    }
    return true;
}

/* ---- RDP (MS-RDPBCGR) ---------------------------------------------------------------------- */

/* A TPKT around an X.224 TPDU: li_body is the TPDU header after its length byte. */
static void tpkt(struct wr *w, const uint8_t *tpdu, size_t tpdu_len, const uint8_t *data, size_t len)
{
    w_u8(w, 3);
    w_u8(w, 0);
    w_u16(w, (uint16_t)(4 + 1 + tpdu_len + len));
    w_u8(w, (uint8_t)tpdu_len);
    w_bytes(w, tpdu, tpdu_len);
    w_bytes(w, data, len);
}

static void rdp_connection_request(struct wr *w, const char *cookie, uint32_t protocols)
{
    static const uint8_t cr[] = {0xe0, 0, 0, 0, 0, 0};
    uint8_t body[256];
    struct wr b;
    w_init(&b, body, sizeof body);
    if (cookie) {
        w_str(&b, "Cookie: mstshash=");
        w_str(&b, cookie);
        w_str(&b, "\r\n");
    }
    w_u8(&b, 0x01); /* RDP_NEG_REQ */
    w_u8(&b, 0);
    w_le(&b, 8, 2);
    w_le(&b, protocols, 4);
    tpkt(w, cr, sizeof cr, body, b.len);
}

static void rdp_connection_confirm(struct wr *w, uint32_t selected)
{
    static const uint8_t cc[] = {0xd0, 0, 0, 0x12, 0x34, 0};
    uint8_t body[8];
    struct wr b;
    w_init(&b, body, sizeof body);
    w_u8(&b, 0x02); /* RDP_NEG_RSP */
    w_u8(&b, 0x1f);
    w_le(&b, 8, 2);
    w_le(&b, selected, 4);
    tpkt(w, cc, sizeof cc, body, b.len);
}

static void utf16_fixed(struct wr *w, const char *s, size_t chars)
{
    for (size_t i = 0; i < chars; i++)
        w_le(w, i < strlen(s) ? (uint8_t)s[i] : 0, 2);
}

/* MCS Connect-Initial with the GCC Conference Create Request and the client
 * core (0xc001) and network (0xc003) blocks. */
static void rdp_connect_initial(struct wr *w, const char *client_name)
{
    uint8_t blocks[512], gcc[600];
    struct wr b, g;
    w_init(&b, blocks, sizeof blocks);
    w_le(&b, 0xc001, 2);
    w_le(&b, 216, 2);
    w_le(&b, 0x00080004, 4);   /* RDP 5+ */
    w_le(&b, 1280, 2);
    w_le(&b, 800, 2);
    w_le(&b, 0xca01, 2);       /* 8 bpp, superseded by highColorDepth */
    w_le(&b, 0xaa03, 2);
    w_le(&b, 0x409, 4);        /* en-US */
    w_le(&b, 19041, 4);
    utf16_fixed(&b, client_name, 16);
    w_le(&b, 4, 4);
    w_le(&b, 0, 4);
    w_le(&b, 12, 4);
    w_zero(&b, 64);            /* imeFileName */
    w_le(&b, 0xca01, 2);
    w_le(&b, 1, 2);
    w_le(&b, 0, 4);
    w_le(&b, 0x18, 2);         /* highColorDepth 24 */
    w_le(&b, 0x000f, 2);
    w_le(&b, 0x0001, 2);       /* earlyCapabilityFlags: error info PDU, no 32 bpp */
    utf16_fixed(&b, "00000-000-0000000-00000", 32);
    w_zero(&b, 6);             /* connectionType, pad, serverSelectedProtocol: to 216 */
    w_le(&b, 0xc003, 2);
    w_le(&b, 8 + 2 * 12, 2);
    w_le(&b, 2, 4);
    static const char chan1[8] = "rdpdr", chan2[8] = "cliprdr";
    w_bytes(&b, chan1, 8);
    w_le(&b, 0x80800000, 4);
    w_bytes(&b, chan2, 8);
    w_le(&b, 0xc0a00000, 4);

    /* T.124 ConnectData: the GCC object id, then the PER length of the ConnectPDU */
    static const uint8_t gcc_object[] = {0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01};
    static const uint8_t create_request[] = {0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 'D', 'u', 'c', 'a'};
    w_init(&g, gcc, sizeof gcc);
    w_bytes(&g, gcc_object, sizeof gcc_object);
    w_u16(&g, (uint16_t)(0x8000 | (sizeof create_request + 2 + b.len)));
    w_bytes(&g, create_request, sizeof create_request);
    w_u16(&g, (uint16_t)(0x8000 | b.len));
    w_bytes(&g, blocks, b.len);

    struct der ci = {0}, params = {0}, msg = {0};
    static const uint8_t one[] = {0x01};
    der_tlv(&ci, 0x04, one, 1);
    der_tlv(&ci, 0x04, one, 1);
    static const uint8_t upward[] = {0xff};
    der_tlv(&ci, 0x01, upward, 1);
    static const int target[] = {34, 2, 0, 1, 0, 1, 65535, 2};
    for (size_t i = 0; i < 8; i++)
        der_int(&params, 0x02, target[i]);
    der_wrap(&ci, 0x30, &params);
    der_wrap(&ci, 0x30, &params);
    der_wrap(&ci, 0x30, &params);
    der_tlv(&ci, 0x04, gcc, g.len);
    uint8_t app[2] = {0x7f, 0x65};
    der_put(&msg, app, 2);
    uint8_t len[3] = {0x82, (uint8_t)(ci.n >> 8), (uint8_t)ci.n};
    der_put(&msg, len, 3);
    der_put(&msg, ci.p, ci.n);
    static const uint8_t dt[] = {0xf0, 0x80};
    tpkt(w, dt, sizeof dt, msg.p, msg.n);
}

/* An RDP session to server from client: cookie, security negotiation, then
 * TLS (selected != 0) or the MCS Connect-Initial of standard RDP security. */
static void rdp_session(struct gen *g, int iface, const char *client, const char *server, uint16_t cport, uint64_t t,
                        const char *cookie, uint32_t selected)
{
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
    uint8_t buf[2048];
    struct wr w;
    ethernet_v4(&ip, &pa, iface, client, server);
    tcp_connect(&f, g, &pa, &ip, cport, 3389, t);
    w_init(&w, buf, sizeof buf);
    rdp_connection_request(&w, cookie, 0x0b);
    tcp_send(&f, 0, buf, w.len);
    w_init(&w, buf, sizeof buf);
    rdp_connection_confirm(&w, selected);
    tcp_send(&f, 1, buf, w.len);
    if (selected != 0) {
        size_t n = tls_client_hello(g, buf, server);
        tcp_send(&f, 0, buf, n);
        n = tls_server_hello(g, buf);
        tcp_send(&f, 1, buf, n);
        tcp_send_filler(&f, 0, 600);
        tcp_send_filler(&f, 1, 1400);
    } else {
        w_init(&w, buf, sizeof buf);
        rdp_connect_initial(&w, "WS-ALICE");
        tcp_send(&f, 0, buf, w.len);
        /* the server's MCS Connect-Response, opaque here */
        static const uint8_t dt[] = {0xf0, 0x80};
        uint8_t response[300];
        rng_fill(g, response, sizeof response);
        w_init(&w, buf, sizeof buf);
        tpkt(&w, dt, sizeof dt, response, sizeof response);
        tcp_send(&f, 1, buf, w.len);
    }
    tcp_close(&f, 0);
}

static bool run_rdp(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    rdp_session(g, iface, "10.33.0.10", "10.33.0.20", 49833, t, "alice", 2);
    rdp_session(g, iface, "10.33.0.11", "10.33.0.20", 49834, t + SEC(5), "ADMINISTRA", 0);
    return true;
}

/* ---- LDAP (RFC 4511) ---------------------------------------------------------------------- */

/* LDAPMessage { messageID, protocolOp } around an operation built in op. */
static size_t ldap_message(uint8_t *out, size_t cap, int id, uint8_t op_tag, const struct der *op)
{
    struct der m = {0}, msg = {0};
    der_int(&m, 0x02, id);
    der_wrap(&m, op_tag, op);
    der_wrap(&msg, 0x30, &m);
    if (msg.overflow || msg.n > cap)
        return 0;
    memcpy(out, msg.p, msg.n);
    return msg.n;
}

static void ldap_result(struct der *d, int code, const char *diag)
{
    der_int(d, 0x0a, code);
    der_str(d, 0x04, "");
    der_str(d, 0x04, diag);
}

/* (&(objectClass=user)(sAMAccountName=svc*)) */
static void ldap_filter(struct der *d)
{
    struct der and = {0}, eq = {0}, sub = {0}, subs = {0}, parts = {0};
    der_str(&eq, 0x04, "objectClass");
    der_str(&eq, 0x04, "user");
    der_wrap(&and, 0xa3, &eq);
    der_str(&sub, 0x04, "sAMAccountName");
    der_str(&parts, 0x80, "svc");
    der_wrap(&sub, 0x30, &parts);
    der_wrap(&subs, 0xa4, &sub);
    der_put(&and, subs.p, subs.n);
    der_wrap(d, 0xa0, &and);
}

static void ldap_send(struct tcp_flow *f, int dir, int id, uint8_t tag, const struct der *op)
{
    uint8_t buf[DER_MAX];
    size_t n = ldap_message(buf, sizeof buf, id, tag, op);
    tcp_send(f, dir, buf, n);
}

static bool run_ldap(struct gen *g)
{
    uint64_t t = GEN_BASE_TIME_US;
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
    ethernet_start_v4(g, &ip, &pa, "10.89.0.10", "10.89.0.1");

    /* A simple bind, a subtree search with two entries, an unbind. */
    tcp_connect(&f, g, &pa, &ip, 50389, 389, t);
    struct der bind = {0}, resp = {0}, search = {0}, entry = {0}, done = {0};
    der_int(&bind, 0x02, 3);
    der_str(&bind, 0x04, "CN=alice,CN=Users,DC=corp,DC=vigil-test,DC=example");
    der_str(&bind, 0x80, "Summer2024!");
    ldap_send(&f, 0, 1, 0x60, &bind);
    ldap_result(&resp, 0, "");
    ldap_send(&f, 1, 1, 0x61, &resp);
    der_str(&search, 0x04, "DC=corp,DC=vigil-test,DC=example");
    der_int(&search, 0x0a, 2);
    der_int(&search, 0x0a, 0);
    der_int(&search, 0x02, 0);
    der_int(&search, 0x02, 0);
    static const uint8_t no[] = {0x00};
    der_tlv(&search, 0x01, no, 1);
    ldap_filter(&search);
    struct der attrs = {0}, list = {0};
    der_str(&list, 0x04, "servicePrincipalName");
    der_wrap(&attrs, 0x30, &list);
    der_put(&search, attrs.p, attrs.n);
    ldap_send(&f, 0, 2, 0x63, &search);
    for (int i = 0; i < 2; i++) {
        struct der e = {0}, a = {0};
        der_str(&e, 0x04, i ? "CN=svc_web,CN=Users,DC=corp,DC=vigil-test,DC=example"
                            : "CN=svc_sql,CN=Users,DC=corp,DC=vigil-test,DC=example");
        der_wrap(&e, 0x30, &a);
        entry = e;
        ldap_send(&f, 1, 2, 0x64, &entry);
    }
    ldap_result(&done, 0, "");
    ldap_send(&f, 1, 2, 0x65, &done);
    uint8_t buf[DER_MAX];
    struct der unbind_id = {0}, unbind = {0};
    der_int(&unbind_id, 0x02, 3);
    der_tlv(&unbind_id, 0x42, NULL, 0);
    der_wrap(&unbind, 0x30, &unbind_id);
    memcpy(buf, unbind.p, unbind.n);
    tcp_send(&f, 0, buf, unbind.n);
    tcp_close(&f, 0);

    /* StartTLS, then TLS. */
    tcp_connect(&f, g, &pa, &ip, 50390, 389, t + SEC(3));
    struct der ext = {0}, ext_resp = {0};
    der_str(&ext, 0x80, "1.3.6.1.4.1.1466.20037");
    ldap_send(&f, 0, 1, 0x77, &ext);
    ldap_result(&ext_resp, 0, "");
    ldap_send(&f, 1, 1, 0x78, &ext_resp);
    size_t n = tls_client_hello(g, buf, "dc01.corp.vigil-test.example");
    tcp_send(&f, 0, buf, n);
    n = tls_server_hello(g, buf);
    tcp_send(&f, 1, buf, n);
    tcp_close(&f, 0);

    /* CLDAP: the DC locator's search over UDP. */
    {
        struct der q = {0}, filt = {0}, and = {0}, eq = {0};
        der_str(&q, 0x04, "");
        der_int(&q, 0x0a, 0);
        der_int(&q, 0x0a, 0);
        der_int(&q, 0x02, 0);
        der_int(&q, 0x02, 0);
        der_tlv(&q, 0x01, no, 1);
        der_str(&eq, 0x04, "DnsDomain");
        der_str(&eq, 0x04, "corp.vigil-test.example");
        der_wrap(&and, 0xa3, &eq);
        der_wrap(&filt, 0xa0, &and);
        der_put(&q, filt.p, filt.n);
        struct der nl = {0}, nlist = {0};
        der_str(&nl, 0x04, "Netlogon");
        der_wrap(&nlist, 0x30, &nl);
        der_put(&q, nlist.p, nlist.n);
        n = ldap_message(buf, sizeof buf, 7, 0x63, &q);
        udp_datagram(g, &pa, &ip, 53000, 389, 0, t + SEC(6), buf, n);
        struct der r = {0};
        ldap_result(&r, 0, "");
        n = ldap_message(buf, sizeof buf, 7, 0x65, &r);
        udp_datagram(g, &pa, &ip, 53000, 389, 1, t + SEC(6) + MS(1), buf, n);
    }
    return true;
}

/* ---- internal fan-out -------------------------------------------------------------------------- */

/* A short TCP session from client to server:port with a little data each way. */
static void short_session(struct gen *g, int iface, const char *client, const char *server, uint16_t cport,
                          uint16_t sport, uint64_t t)
{
    struct ip_pair ip;
    struct path pa;
    struct tcp_flow f;
    ethernet_v4(&ip, &pa, iface, client, server);
    tcp_connect(&f, g, &pa, &ip, cport, sport, t);
    tcp_send_filler(&f, 0, 120);
    tcp_send_filler(&f, 1, 200);
    tcp_close(&f, 0);
}

static bool run_fanout(struct gen *g)
{
    int iface = add_ethernet_iface(g, 65535);
    uint64_t t = GEN_BASE_TIME_US;
    /* A workstation's day: its file server, the DC, an RDP jump host, again and again. */
    for (int i = 0; i < 6; i++) {
        short_session(g, iface, "10.77.0.10", "10.77.0.2", (uint16_t)(49700 + i), 445, t + SEC(20) * i);
        short_session(g, iface, "10.77.0.10", "10.77.0.1", (uint16_t)(49800 + i), 445, t + SEC(20) * i + SEC(1));
        short_session(g, iface, "10.77.0.10", "10.77.0.5", (uint16_t)(49900 + i), 3389, t + SEC(20) * i + SEC(2));
    }
    /* The compromised host knew its file server before; then it walks the subnet over SMB and RDP. */
    short_session(g, iface, "10.77.0.66", "10.77.0.2", 50000, 445, t + SEC(5));
    short_session(g, iface, "10.77.0.66", "10.77.0.2", 50001, 445, t + SEC(130));
    for (int i = 0; i < 12; i++) {
        char server[32];
        snprintf(server, sizeof server, "10.77.1.%d", 20 + i);
        short_session(g, iface, "10.77.0.66", server, (uint16_t)(50100 + i), i % 4 == 3 ? 3389 : 445,
                      t + SEC(140) + MS(700) * i);
    }
    return true;
}

/* ---- the table -------------------------------------------------------------------------- */

static const struct scenario ad_scenarios[] = {
    {"kerberos", "Kerberos over UDP and TCP 88: two ordinary logons, a Kerberoasting client (twenty RC4 TGS "
                 "requests), an AS-REP roasting request, an account getting tickets for sixteen hosts",
     false, run_kerberos},
    {"rdp", "RDP: a cookie, CredSSP selected and the TLS that follows; standard RDP security with the client's "
            "core and network data",
     false, run_rdp},
    {"ldap", "LDAP: a simple bind, a subtree search with a substring filter and two entries, an unbind; StartTLS "
             "and the TLS after it; a CLDAP search over UDP",
     false, run_ldap},
    {"fanout", "internal fan-out: a host opening SMB and RDP sessions to twelve internal hosts it never talked to "
               "in two minutes, beside a workstation that talks to its file server, DC and jump host",
     false, run_fanout},
};

const struct scenario *ad_scenario_at(size_t i)
{
    size_t n = sizeof ad_scenarios / sizeof ad_scenarios[0];
    return i < n ? &ad_scenarios[i] : tls_carrier_scenario_at(i - n);
}
