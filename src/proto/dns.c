/* DNS over UDP (one message per datagram) and TCP (2-byte length framing),
 * as Zeek's DNS analyzer and base/protocols/dns scripts see it for dns.log,
 * and as Suricata sees it for EVE (one event per message).
 *
 * Queries wait in a small table until the response with the same id comes
 * (first in, first out per id, as Zeek's queues); a response without a
 * query still makes a row; unanswered queries are published at close.
 * mDNS (port 5353) is never paired: each message is its own row, because
 * multicast answers are not replies to a particular query. */
#include "proto/dns.h"
#include "util/bytes.h"
#include "util/reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNS_HEADER_LEN 12
/* Zeek's dns_max_queries: more questions than this is not DNS. */
#define DNS_MAX_QDCOUNT 25
/* Queries awaiting a response per connection (Zeek allows 50 ids x 50). */
#define DNS_MAX_PENDING 32
/* Zeek's dns.log answers of one row. */
#define DNS_MAX_ROW_ANSWERS DNS_MAX_RRS

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_NULL 10
#define DNS_TYPE_WKS 11
#define DNS_TYPE_PTR 12
#define DNS_TYPE_HINFO 13
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_LOC 29
#define DNS_TYPE_NB 32
#define DNS_TYPE_SRV 33
#define DNS_TYPE_A6 38
#define DNS_TYPE_DNAME 39
#define DNS_TYPE_OPT 41
#define DNS_TYPE_DS 43
#define DNS_TYPE_SSHFP 44
#define DNS_TYPE_RRSIG 46
#define DNS_TYPE_NSEC 47
#define DNS_TYPE_DNSKEY 48
#define DNS_TYPE_NSEC3 50
#define DNS_TYPE_NSEC3PARAM 51
#define DNS_TYPE_SVCB 64
#define DNS_TYPE_HTTPS 65
#define DNS_TYPE_SPF 99
#define DNS_TYPE_TSIG 250
#define DNS_TYPE_ANY 255
#define DNS_TYPE_CAA 257
#define DNS_TYPE_BINDS 65534

#define DNS_CLASS_NONE 254
#define DNS_CLASS_ANY 255

#define DNS_OPCODE_QUERY 0
#define DNS_OPCODE_NOTIFY 4
#define DNS_OPCODE_UPDATE 5

/* What a query leaves behind until its response arrives. */
struct dns_pending {
    bool used;
    uint64_t seq;               /* arrival order: oldest first per id */
    int64_t ts_us;
    uint16_t id;
    uint8_t opcode;
    bool has_query, has_qclass;
    uint16_t qclass, qtype;
    bool TC, RD;
    uint8_t Z;
    uint16_t query_len;
    uint8_t query[DNS_NAME_MAX];
};

/* One direction of a TCP connection: the message being reassembled. */
struct dns_tcp_dir {
    uint8_t len_bytes[2];
    size_t len_have;            /* 0..2 bytes of the length prefix */
    size_t need;                /* message length once the prefix is complete */
    size_t have;
    uint8_t *buf;               /* 65535 bytes, allocated on first use */
    bool lost;                  /* after a gap: wait for a plausible message start */
};

struct dns_state {
    bool started;
    bool is_tcp, is_netbios, no_assoc;
    uint64_t seq;
    uint32_t messages;
    bool have_first;
    struct dns_pending first;   /* the common case: one query at a time */
    struct dns_pending *more;   /* DNS_MAX_PENDING more, allocated when needed */
    struct dns_tcp_dir tcp[2];  /* [0] originator, [1] responder */
};

/* Everything the parse of one message needs; lives on the stack. */
struct dns_parse {
    const uint8_t *p;
    size_t n;
    struct app_env *env;
    bool netbios;
    struct dns_message *msg;
    uint8_t *pool;
    size_t pool_used;
    bool rr_cap_reported;
    uint32_t max_depth;     /* compression pointers followed in one name */
    bool chain_too_deep;    /* the message's parsing stopped there: no truncation weird */
};

struct dns_scratch {
    struct dns_message msg;
    uint8_t pool[DNS_POOL_SIZE];
};

static void weird(struct app_env *env, const char *name, const char *addl)
{
    if (env != NULL && env->weird != NULL)
        env->weird(env, name, addl, "DNS");
}

static void weird_num(struct app_env *env, const char *name, unsigned long v)
{
    char addl[24];
    snprintf(addl, sizeof addl, "%lu", v);
    weird(env, name, addl);
}

/* ---- the string pool ---------------------------------------------------- */

static uint8_t *pool_reserve(struct dns_parse *ps, size_t n)
{
    if (n > DNS_POOL_SIZE - ps->pool_used)
        return NULL;
    return ps->pool + ps->pool_used;
}

static struct byte_view pool_add(struct dns_parse *ps, const void *p, size_t n)
{
    struct byte_view s = {NULL, 0};
    uint8_t *dst = pool_reserve(ps, n);
    if (dst == NULL || n == 0) {
        s.p = ps->pool; /* never NULL: outputs may print an empty string */
        return s;
    }
    memcpy(dst, p, n);
    ps->pool_used += n;
    s.p = dst;
    s.n = n;
    return s;
}

/* Appends formatted text to the pool as one string (cut when the pool is full). */
static struct byte_view pool_printf(struct dns_parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static struct byte_view pool_printf(struct dns_parse *ps, const char *fmt, ...)
{
    struct byte_view s = {ps->pool, 0};
    size_t room = DNS_POOL_SIZE - ps->pool_used;
    if (room == 0)
        return s;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf((char *)ps->pool + ps->pool_used, room, fmt, ap);
    va_end(ap);
    if (w < 0)
        return s;
    size_t len = (size_t)w < room ? (size_t)w : room - 1;
    s.p = ps->pool + ps->pool_used;
    s.n = len;
    ps->pool_used += len;
    return s;
}

/* A string made of pieces appended one after the other. */
struct pool_builder {
    struct dns_parse *ps;
    size_t start;
};

static void builder_begin(struct pool_builder *b, struct dns_parse *ps)
{
    b->ps = ps;
    b->start = ps->pool_used;
}

static void builder_add(struct pool_builder *b, const void *p, size_t n)
{
    (void)pool_add(b->ps, p, n);
}

static struct byte_view builder_end(struct pool_builder *b)
{
    struct byte_view s = {b->ps->pool + b->start, b->ps->pool_used - b->start};
    return s;
}

/* Zeek lower-cases every name it extracts (Suricata keeps them as sent). */
static struct byte_view pool_lower(struct dns_parse *ps, struct byte_view in)
{
    struct byte_view out = pool_add(ps, in.p, in.n);
    uint8_t *p = (uint8_t *)(uintptr_t)out.p;
    for (size_t i = 0; i < out.n; i++)
        if (p[i] >= 'A' && p[i] <= 'Z')
            p[i] = (uint8_t)(p[i] + ('a' - 'A'));
    return out;
}

/* ---- names ----------------------------------------------------------------- */

/* Reads the (possibly compressed) name at *pos; *pos moves past it. Like
 * Zeek, a compression pointer must point backwards (so there are no loops)
 * and a chain of pointers is capped. Returns false when the message ends
 * inside the name or the name is malformed (weird raised). */
static bool read_name(struct dns_parse *ps, size_t *pos, struct byte_view *out, bool *truncated)
{
    uint8_t name[DNS_NAME_MAX];
    size_t len = 0;
    size_t cur = *pos;
    size_t limit = ps->n;       /* labels after a jump must end before the pointer */
    bool jumped = false;
    unsigned depth = 0;
    bool cut = false;

    for (;;) {
        if (cur >= limit)
            return false;
        uint8_t b = ps->p[cur];
        if (b == 0) {
            cur++;
            break;
        }
        if ((b & 0xc0) == 0xc0) {
            if (cur + 1 >= limit)
                return false;
            size_t offset = ((size_t)(b & 0x3f) << 8) | ps->p[cur + 1];
            if (!jumped)
                *pos = cur + 2;
            jumped = true;
            if (offset >= cur) {
                char addl[32];
                snprintf(addl, sizeof addl, "%zu/%zu", offset, cur);
                weird(ps->env, "DNS_label_forward_compress_offset", addl);
                goto done;
            }
            if (++depth > ps->max_depth) {
                /* Zeek's weird, then its analyzer violation: DPD disables
                 * the analyzer, conn.log's history gets 'X' */
                weird_num(ps->env, "DNS_max_compression_chain_depth_exceeded", depth);
                if (ps->env != NULL && ps->env->violation != NULL)
                    ps->env->violation(ps->env);
                ps->chain_too_deep = true;
                return false;
            }
            limit = cur;
            cur = offset;
            continue;
        }
        size_t label_len = b;
        cur++;
        if (label_len > limit - cur) {
            weird(ps->env, "DNS_label_len_gt_pkt", NULL);
            return false;
        }
        if (label_len > 63 && !ps->netbios) {
            weird_num(ps->env, "DNS_label_too_long", label_len);
            return false;
        }
        if (!cut && len + label_len + 1 > sizeof name) {
            weird(ps->env, "DNS_label_len_gt_name_len", NULL);
            cut = true;
        }
        if (!cut) {
            memcpy(name + len, ps->p + cur, label_len);
            len += label_len;
            name[len++] = '.';
        }
        cur += label_len;
    }
    if (!jumped)
        *pos = cur;
done:
    if (len > 0 && name[len - 1] == '.')
        len--;
    *out = pool_add(ps, name, len);
    if (truncated != NULL)
        *truncated = cut;
    return true;
}

/* ---- records ----------------------------------------------------------------- */

static void set_addr_text(struct dns_parse *ps, struct dns_rr *rr)
{
    char text[IP_ADDR_STRLEN];
    size_t n = ip_addr_format(&rr->addr, text, sizeof text);
    rr->zeek_text = pool_add(ps, text, n);
}

/* Zeek's "TXT 5 hello TXT 3 abc" (SPF alike) from the wire strings. */
static struct byte_view txt_zeek_text(struct dns_parse *ps, const char *word, struct byte_view raw)
{
    struct pool_builder b;
    builder_begin(&b, ps);
    size_t i = 0;
    bool first = true;
    while (i < raw.n) {
        size_t sl = raw.p[i++];
        if (sl > raw.n - i)
            sl = raw.n - i;
        char head[24];
        int hn = snprintf(head, sizeof head, "%s%s %zu ", first ? "" : " ", word, sl);
        builder_add(&b, head, (size_t)hn);
        builder_add(&b, raw.p + i, sl);
        i += sl;
        first = false;
    }
    return builder_end(&b);
}

/* Checks TXT character-strings against rdlength as Zeek does; returns the
 * length of the well-formed prefix. */
static size_t txt_valid_length(struct dns_parse *ps, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t sl = p[i];
        if (sl > n - i - 1) {
            weird(ps->env, "DNS_TXT_char_str_past_rdlen", NULL);
            return i;
        }
        i += 1 + sl;
    }
    return i;
}

static void hex_text(struct pool_builder *b, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char h[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
        builder_add(b, h, 2);
    }
}

/* Types Zeek parses but neither logs (no text) nor answers (no do_reply). */
static bool zeek_ignores(uint16_t rrtype)
{
    switch (rrtype) {
    case DNS_TYPE_HINFO:
    case DNS_TYPE_CAA:
    case DNS_TYPE_OPT:
    case DNS_TYPE_TSIG:
    case DNS_TYPE_SVCB:
    case DNS_TYPE_HTTPS:
    case DNS_TYPE_NB:
        return true;
    default:
        return false;
    }
}

/* The domain name that ends an NS, CNAME, PTR, DNAME, MX or SRV rdata at
 * *pos: rr's target and, lower-cased, its Zeek text (a DNAME has none). */
static bool read_target(struct dns_parse *ps, struct dns_rr *rr, size_t *pos, size_t end)
{
    if (!read_name(ps, pos, &rr->target, NULL) || *pos > end)
        return false;
    rr->kind = DNS_RDATA_NAME;
    if (rr->rrtype != DNS_TYPE_DNAME)
        rr->zeek_text = pool_lower(ps, rr->target);
    return true;
}

/* Parses the rdata of rr at [start, end) and sets its Zeek text. Returns
 * false when the record is malformed in a way that stops Zeek's parse. */
static bool parse_rdata(struct dns_parse *ps, struct dns_rr *rr, size_t start, size_t end)
{
    const uint8_t *d = ps->p + start;
    size_t dn = end - start;
    size_t pos = start;
    char tmp[32];

    switch (rr->rrtype) {
    case DNS_TYPE_A:
    case DNS_TYPE_AAAA: {
        size_t want = rr->rrtype == DNS_TYPE_A ? 4 : 16;
        if (dn != want) {
            weird(ps->env, "DNS_RR_bad_length", NULL);
            return false;
        }
        if (want == 4)
            ip_addr_from_v4(&rr->addr, d);
        else
            ip_addr_from_v6(&rr->addr, d);
        rr->kind = DNS_RDATA_ADDR;
        set_addr_text(ps, rr);
        return true;
    }
    case DNS_TYPE_NS:
    case DNS_TYPE_CNAME:
    case DNS_TYPE_PTR:
    case DNS_TYPE_DNAME:
        return dn == 0 || read_target(ps, rr, &pos, end);
    case DNS_TYPE_MX:
        if (dn < 3)
            return dn == 0;
        rr->preference = load_be16(d);
        pos += 2;
        return read_target(ps, rr, &pos, end);
    case DNS_TYPE_SRV:
        if (ps->netbios)
            return true;    /* NBSTAT: nothing Zeek logs */
        if (dn < 7)
            return dn == 0;
        rr->priority = load_be16(d);
        rr->weight = load_be16(d + 2);
        rr->port = load_be16(d + 4);
        pos += 6;
        return read_target(ps, rr, &pos, end);
    case DNS_TYPE_SOA:
        if (dn == 0)
            return true;
        if (!read_name(ps, &pos, &rr->target, NULL) || !read_name(ps, &pos, &rr->rname, NULL))
            return false;
        if (pos > end || end - pos < 20) {
            weird(ps->env, "DNS_RR_bad_length", NULL);
            return false;
        }
        rr->serial = load_be32(ps->p + pos);
        rr->refresh = load_be32(ps->p + pos + 4);
        rr->retry = load_be32(ps->p + pos + 8);
        rr->expire = load_be32(ps->p + pos + 12);
        rr->minimum = load_be32(ps->p + pos + 16);
        rr->kind = DNS_RDATA_SOA;
        rr->zeek_text = pool_lower(ps, rr->target);
        return true;
    case DNS_TYPE_TXT:
    case DNS_TYPE_SPF: {
        size_t ok = txt_valid_length(ps, d, dn);
        rr->raw = pool_add(ps, d, ok);
        rr->kind = DNS_RDATA_TXT;
        rr->zeek_text = txt_zeek_text(ps, rr->rrtype == DNS_TYPE_TXT ? "TXT" : "SPF", rr->raw);
        return true;
    }
    case DNS_TYPE_SSHFP: {
        if (dn < 2)
            return dn == 0;
        rr->sshfp_algo = d[0];
        rr->sshfp_type = d[1];
        rr->raw = pool_add(ps, d + 2, dn - 2);
        rr->kind = DNS_RDATA_SSHFP;
        struct pool_builder b;
        builder_begin(&b, ps);
        builder_add(&b, "SSHFP: ", 7);
        hex_text(&b, d + 2, dn - 2);
        rr->zeek_text = builder_end(&b);
        return true;
    }
    case DNS_TYPE_LOC:
        rr->raw = pool_add(ps, d, dn);
        rr->kind = DNS_RDATA_RAW;
        if (dn >= 4)
            rr->zeek_text = pool_printf(ps, "LOC:  %u %u %u", d[1], d[2], d[3]);
        return true;
    case DNS_TYPE_RRSIG: {
        if (dn < 18)
            return dn == 0;
        pos += 18;
        struct byte_view signer;
        if (!read_name(ps, &pos, &signer, NULL) || pos > end)
            return false;
        signer = pool_lower(ps, signer);
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        if (signer.n == 0)
            rr->zeek_text = pool_printf(ps, "RRSIG %u <Root>", load_be16(d));
        else
            rr->zeek_text = pool_printf(ps, "RRSIG %u %.*s", load_be16(d), (int)signer.n, (const char *)signer.p);
        return true;
    }
    case DNS_TYPE_DNSKEY:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        if (dn >= 4)
            rr->zeek_text = pool_printf(ps, "DNSKEY %u", d[3]);
        return true;
    case DNS_TYPE_DS:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        if (dn >= 4)
            rr->zeek_text = pool_printf(ps, "DS %u %u", d[2], d[3]);
        return true;
    case DNS_TYPE_NSEC: {
        if (dn == 0)
            return true;
        struct byte_view next, owner = pool_lower(ps, rr->name);
        if (!read_name(ps, &pos, &next, NULL) || pos > end)
            return false;
        next = pool_lower(ps, next);
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        rr->zeek_text = pool_printf(ps, "NSEC %.*s %.*s", (int)owner.n, (const char *)owner.p,
                                    (int)next.n, (const char *)next.p);
        return true;
    }
    case DNS_TYPE_NSEC3:
    case DNS_TYPE_NSEC3PARAM:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        rr->zeek_text = pool_printf(ps, "%s", rr->rrtype == DNS_TYPE_NSEC3 ? "NSEC3" : "NSEC3PARAM");
        return true;
    case DNS_TYPE_BINDS:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        rr->zeek_text = pool_printf(ps, "BIND9 signing signal");
        return true;
    /* Zeek parses these but its scripts log nothing for them. */
    case DNS_TYPE_WKS:
    case DNS_TYPE_A6:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        return true;
    default:
        rr->kind = DNS_RDATA_RAW;
        rr->raw = pool_add(ps, d, dn);
        if (zeek_ignores(rr->rrtype))
            return true;
        rr->zeek_text = pool_printf(ps, "<unknown type=%u>", rr->rrtype);
        snprintf(tmp, sizeof tmp, "%u", rr->rrtype);
        weird(ps->env, "DNS_RR_unknown_type", tmp);
        return true;
    }
}

/* Whether Zeek's scripts call do_reply for an answer of this type (which
 * sets AA, RA and rtt even when the text is empty, as for WKS). */
static bool zeek_replies_to(const struct dns_parse *ps, uint16_t rrtype)
{
    if (zeek_ignores(rrtype))
        return false;
    switch (rrtype) {
    case DNS_TYPE_DNAME:
        return false;
    case DNS_TYPE_SRV:
        return !ps->netbios;
    default:
        return true;
    }
}

static bool parse_rr(struct dns_parse *ps, size_t *pos, enum dns_section section)
{
    struct dns_rr scratch;
    struct dns_message *m = ps->msg;
    bool keep = m->n_rrs < DNS_MAX_RRS;
    if (!keep && !ps->rr_cap_reported) {
        weird(ps->env, "DNS_too_many_RRs", NULL);
        ps->rr_cap_reported = true;
    }
    struct dns_rr *rr = keep ? &m->rrs[m->n_rrs] : &scratch;
    memset(rr, 0, sizeof *rr);
    rr->section = section;
    rr->zeek_text.p = ps->pool;
    if (!read_name(ps, pos, &rr->name, NULL)) {
        if (!ps->chain_too_deep)
            weird(ps->env, "DNS_truncated_ans_too_short", NULL);
        return false;
    }
    if (ps->n - *pos < 10) {
        weird(ps->env, "DNS_truncated_ans_too_short", NULL);
        return false;
    }
    const uint8_t *h = ps->p + *pos;
    rr->rrtype = load_be16(h);
    rr->rrclass = load_be16(h + 2);
    rr->ttl = load_be32(h + 4);
    rr->rdlength = load_be16(h + 8);
    *pos += 10;
    if (rr->rdlength > ps->n - *pos) {
        weird(ps->env, "DNS_truncated_RR_rdlength_lt_len", NULL);
        return false;
    }
    size_t start = *pos, end = *pos + rr->rdlength;
    *pos = end;
    bool ok;
    if (rr->rdlength == 0 && m->opcode == DNS_OPCODE_UPDATE) {
        ok = true;  /* update prerequisites and deletions carry no rdata */
    } else {
        ok = parse_rdata(ps, rr, start, end);
    }
    if (keep)
        m->n_rrs++;
    return ok;
}

/* ---- messages ----------------------------------------------------------------- */

static void parse_header(struct dns_message *m, const uint8_t *p)
{
    m->id = load_be16(p);
    m->flags = load_be16(p + 2);
    m->qr = (m->flags & 0x8000) != 0;
    m->opcode = (uint8_t)((m->flags >> 11) & 0x0f);
    m->rcode = (uint8_t)(m->flags & 0x0f);
    m->qdcount = load_be16(p + 4);
    m->ancount = load_be16(p + 6);
    m->nscount = load_be16(p + 8);
    m->arcount = load_be16(p + 10);
}

/* Parses the body; stops at the first malformed part (what was read stays). */
static void parse_body(struct dns_parse *ps)
{
    struct dns_message *m = ps->msg;
    size_t pos = DNS_HEADER_LEN;
    if (m->qdcount > DNS_MAX_QDCOUNT) {
        weird(ps->env, "DNS_Conn_count_too_large", NULL);
        return;
    }
    for (unsigned i = 0; i < m->qdcount; i++) {
        struct dns_question q;
        if (!read_name(ps, &pos, &q.name, &q.name_truncated) || ps->n - pos < 4) {
            if (!ps->chain_too_deep)
                weird(ps->env, "DNS_truncated_quest_too_short", NULL);
            return;
        }
        q.qtype = load_be16(ps->p + pos);
        q.qclass = load_be16(ps->p + pos + 2);
        pos += 4;
        if (m->n_questions < DNS_MAX_QUESTIONS)
            m->questions[m->n_questions++] = q;
    }
    const uint16_t counts[3] = {m->ancount, m->nscount, m->arcount};
    for (int s = 0; s < 3; s++)
        for (unsigned i = 0; i < counts[s]; i++)
            if (!parse_rr(ps, &pos, (enum dns_section)s))
                return;
}

/* ---- pairing -------------------------------------------------------------------- */

static struct dns_pending *pending_slots(struct dns_state *st, size_t *n)
{
    *n = st->more != NULL ? DNS_MAX_PENDING : 0;
    return st->more;
}

static struct dns_pending *pending_oldest(struct dns_state *st, bool match_id, uint16_t id)
{
    struct dns_pending *best = NULL;
    if (st->have_first && st->first.used && (!match_id || st->first.id == id))
        best = &st->first;
    size_t n;
    struct dns_pending *more = pending_slots(st, &n);
    for (size_t i = 0; i < n; i++)
        if (more[i].used && (!match_id || more[i].id == id) && (best == NULL || more[i].seq < best->seq))
            best = &more[i];
    return best;
}

static void lowercase(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 'A' && p[i] <= 'Z')
            p[i] = (uint8_t)(p[i] + ('a' - 'A'));
}

/* Zeek's decode_netbios_name(): 32 letters A-P are 16 bytes; the 16th is the
 * suffix, and the name ends at the first byte that is not printable. */
static size_t netbios_decode(uint8_t *p, size_t n)
{
    if (n < 32 || (n > 32 && p[32] != '.'))
        return n;
    uint8_t out[16];
    for (size_t i = 0; i < 16; i++) {
        uint8_t hi = (uint8_t)(p[2 * i] & 0xdf), lo = (uint8_t)(p[2 * i + 1] & 0xdf);
        if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
            return n;
        out[i] = (uint8_t)(((hi - 'A') << 4) | (lo - 'A'));
    }
    size_t len = 0;
    while (len < 15) {
        uint8_t c = out[len];
        bool printable = (c > 0x20 && c < 0x7f) || c == 1 || c == 2;
        if (!printable)
            break;
        len++;
    }
    memcpy(p, out, len);
    return len;
}

/* Zeek's dns_request: the query part of a row, from the last question. */
static void pending_from_query(struct dns_state *st, struct dns_pending *q, const struct dns_message *m)
{
    memset(q, 0, sizeof *q);
    q->used = true;
    q->seq = ++st->seq;
    q->ts_us = m->ts_us;
    q->id = m->id;
    q->opcode = m->opcode;
    bool standard = m->opcode == DNS_OPCODE_QUERY || m->opcode == DNS_OPCODE_NOTIFY || st->is_netbios;
    if (!standard || m->n_questions == 0)
        return;
    const struct dns_question *qq = &m->questions[m->n_questions - 1];
    q->has_query = q->has_qclass = true;
    q->qtype = qq->qtype;
    q->qclass = qq->qclass;
    q->TC = (m->flags & 0x0200) != 0;
    q->RD = (m->flags & 0x0100) != 0;
    q->Z = (uint8_t)((m->flags >> 4) & 7);
    size_t n = qq->name.n < DNS_NAME_MAX ? qq->name.n : DNS_NAME_MAX;
    memcpy(q->query, qq->name.p, n);
    lowercase(q->query, n);
    if (st->is_netbios)
        n = netbios_decode(q->query, n);
    q->query_len = (uint16_t)n;
}

struct row_build {
    struct dns_row row;
    struct byte_view answers[DNS_MAX_ROW_ANSWERS];
    uint32_t ttls[DNS_MAX_ROW_ANSWERS];
};

static void row_from_pending(struct row_build *rb, const struct dns_pending *q, bool netbios)
{
    memset(rb, 0, sizeof *rb);
    struct dns_row *r = &rb->row;
    r->answers = rb->answers;
    r->ttls = rb->ttls;
    r->ts_us = q->ts_us;
    r->trans_id = q->id;
    r->opcode = q->opcode;
    r->is_netbios = netbios;
    r->has_query = q->has_query;
    r->query.p = q->query;
    r->query.n = q->query_len;
    r->has_qclass = q->has_qclass;
    r->qclass = q->qclass;
    r->qtype = q->qtype;
    r->TC = q->TC;
    r->RD = q->RD;
    r->Z = q->Z;
}

static void add_answer(struct row_build *rb, struct byte_view text, uint32_t ttl)
{
    struct dns_row *r = &rb->row;
    if (text.n == 0 || r->n_answers >= DNS_MAX_ROW_ANSWERS)
        return;
    rb->answers[r->n_answers] = text;
    rb->ttls[r->n_answers] = ttl;
    r->n_answers++;
}

static const char *type_name_for_update(uint16_t t, char *tmp, size_t n)
{
    return dns_zeek_qtype_name(t, tmp, n);
}

/* RFC 2136 sections as Zeek words them: prerequisites in the answer
 * section, updates in the authority section. */
static struct byte_view update_text(struct dns_parse *ps, const struct dns_rr *rr, uint16_t zclass)
{
    char tn[24];
    const char *type = type_name_for_update(rr->rrtype, tn, sizeof tn);
    struct byte_view lower = pool_lower(ps, rr->name);
    int nl = (int)lower.n;
    const char *name = (const char *)lower.p;
    if (rr->section == DNS_SECTION_ANSWER) {
        if (rr->rrclass == DNS_CLASS_ANY)
            return rr->rrtype == DNS_TYPE_ANY ? pool_printf(ps, "pre: YXDomain %.*s", nl, name)
                                              : pool_printf(ps, "pre: RRSet %s %.*s", type, nl, name);
        if (rr->rrclass == DNS_CLASS_NONE)
            return rr->rrtype == DNS_TYPE_ANY ? pool_printf(ps, "pre: NXDomain %.*s", nl, name)
                                              : pool_printf(ps, "pre: NoRRSet %s %.*s", type, nl, name);
        return pool_printf(ps, "pre: RRSet %s %.*s %.*s", type, nl, name, (int)rr->zeek_text.n,
                           (const char *)rr->zeek_text.p);
    }
    if (rr->rrclass == DNS_CLASS_ANY && rr->rdlength == 0)
        return rr->rrtype == DNS_TYPE_ANY ? pool_printf(ps, "del: All RRSets %.*s", nl, name)
                                          : pool_printf(ps, "del: RRSet %s", type);
    if (rr->rrclass == DNS_CLASS_NONE)
        return pool_printf(ps, "del: %s %.*s %.*s", type, nl, name, (int)rr->zeek_text.n,
                           (const char *)rr->zeek_text.p);
    if (rr->rrclass != zclass)
        weird(ps->env, "DNS_dynamic_update_invalid_update", NULL);
    return pool_printf(ps, "add: %s %.*s %.*s", type, nl, name, (int)rr->zeek_text.n,
                       (const char *)rr->zeek_text.p);
}

/* Zeek's reply side of a row: rcode, rejected, and do_reply for each answer. */
static void row_add_reply(struct row_build *rb, struct dns_parse *ps, const struct dns_message *m)
{
    struct dns_row *r = &rb->row;
    r->opcode = m->opcode;
    r->has_rcode = true;
    r->rcode = m->rcode;
    if (m->rcode != 0 && m->qdcount == 0)
        r->rejected = true;
    if (m->opcode != DNS_OPCODE_UPDATE && m->n_questions > 0 && m->ancount == 0 && m->nscount == 0 &&
        m->arcount == 0)
        r->rejected = true;
    bool update = m->opcode == DNS_OPCODE_UPDATE && !ps->netbios;
    uint16_t zclass = m->n_questions > 0 ? m->questions[0].qclass : 1;
    for (size_t i = 0; i < m->n_rrs; i++) {
        const struct dns_rr *rr = &m->rrs[i];
        struct byte_view text = rr->zeek_text;
        if (update) {
            if (rr->section == DNS_SECTION_ADDITIONAL)
                continue;
            text = update_text(ps, rr, zclass);
        } else if (rr->section != DNS_SECTION_ANSWER || !zeek_replies_to(ps, rr->rrtype)) {
            continue;
        }
        if (!r->has_query) {
            r->has_query = true;
            r->query = pool_lower(ps, rr->name);
        }
        r->AA = (m->flags & 0x0400) != 0;
        r->RA = (m->flags & 0x0080) != 0;
        if (!r->has_rtt && m->ts_us != r->ts_us) {
            r->has_rtt = true;
            r->rtt_from_us = r->ts_us;
            r->rtt_to_us = m->ts_us;
        }
        add_answer(rb, text, rr->ttl);
    }
}

static void publish(struct app_env *env, const struct dns_message *m, const struct dns_row *r)
{
    struct dns_txn t = {m, r};
    if (env != NULL && env->publish != NULL)
        env->publish(env, EVENT_DNS, &t);
}

static void publish_unanswered(struct dns_state *st, struct app_env *env, struct dns_pending *q)
{
    struct row_build rb;
    row_from_pending(&rb, q, st->is_netbios);
    publish(env, NULL, &rb.row);
    q->used = false;
}

static struct dns_pending *pending_free_slot(struct dns_state *st, struct app_env *env)
{
    if (!st->first.used) {
        st->have_first = true;
        return &st->first;
    }
    if (st->more == NULL) {
        st->more = calloc(DNS_MAX_PENDING, sizeof *st->more);
        if (st->more == NULL) {
            publish_unanswered(st, env, &st->first);
            return &st->first;
        }
    }
    for (size_t i = 0; i < DNS_MAX_PENDING; i++)
        if (!st->more[i].used)
            return &st->more[i];
    /* Full: the oldest query will not be answered any more. */
    struct dns_pending *oldest = pending_oldest(st, false, 0);
    weird(env, "DNS_too_many_pending_queries", NULL);
    publish_unanswered(st, env, oldest);
    return oldest;
}

static bool addr_is_multicast(const struct ip_addr *a)
{
    return ip_addr_is_v4(a) ? (a->b[12] & 0xf0) == 0xe0 : a->b[0] == 0xff;
}

static void handle_message(struct dns_state *st, struct app_env *env, bool from_orig, const uint8_t *p,
                           size_t n)
{
    if (n < DNS_HEADER_LEN) {
        weird(env, "DNS_truncated_len_lt_hdr_len", NULL);
        return;
    }
    /* On the stack: a message lives only until it is published. */
    struct dns_scratch scratch;
    struct dns_scratch *sc = &scratch;
    struct dns_message *m = &sc->msg;
    bool first = st->messages == 0;
    m->ts_us = env != NULL ? env->ts_us : 0;
    m->tx_id = st->messages++;
    m->n_questions = 0;
    m->n_rrs = 0;
    parse_header(m, p);
    /* Zeek's DNS_Interpreter::ParseMessage: a first message that is a reply
     * from the originator turns the connection round, unless the responder
     * is a multicast group (UDP here; Zeek does it on TCP too, rarer than
     * rare, and a flip inside a TCP stream is not worth its risk). */
    if (first && m->qr && from_orig && !st->is_tcp && env != NULL && env->flip_roles != NULL && env->conn != NULL &&
        !addr_is_multicast(&env->conn->resp_h)) {
        env->flip_roles(env);
        from_orig = false;
    }
    m->from_orig = from_orig;
    const struct app_limits *limits = env != NULL && env->settings != NULL ? env->settings->limits : NULL;
    uint32_t max_depth = limits != NULL ? limits->dns_max_compression_depth : APP_DNS_MAX_COMPRESSION_DEPTH;
    struct dns_parse ps = {.p = p, .n = n, .env = env, .netbios = st->is_netbios, .msg = m, .pool = sc->pool,
                           .max_depth = max_depth};
    parse_body(&ps);

    bool tracked = m->opcode == DNS_OPCODE_QUERY || m->opcode == DNS_OPCODE_NOTIFY ||
                   m->opcode == DNS_OPCODE_UPDATE || st->is_netbios;
    if (!tracked) {
        weird_num(env, "DNS_unknown_opcode", m->opcode);
        publish(env, m, NULL);
        return;
    }
    if (!m->qr) {
        struct dns_pending q;
        pending_from_query(st, &q, m);
        if (st->no_assoc) {
            struct row_build rb;
            row_from_pending(&rb, &q, st->is_netbios);
            publish(env, m, &rb.row);
        } else {
            struct dns_pending *slot = pending_free_slot(st, env);
            *slot = q;
            publish(env, m, NULL);
        }
        return;
    }
    struct row_build rb;
    struct dns_pending *q = st->no_assoc ? NULL : pending_oldest(st, true, m->id);
    if (q != NULL) {
        row_from_pending(&rb, q, st->is_netbios);
        row_add_reply(&rb, &ps, m);
        publish(env, m, &rb.row);
        q->used = false;
    } else {
        struct dns_pending none = {.ts_us = m->ts_us, .id = m->id, .opcode = m->opcode};
        row_from_pending(&rb, &none, st->is_netbios);
        row_add_reply(&rb, &ps, m);
        publish(env, m, &rb.row);
    }
}

/* ---- framing ----------------------------------------------------------------- */

/* A DNS header that could start a real message: sane counts and opcode,
 * and, when the bytes are there, a first question that parses. */
static enum app_probe probe_message(const uint8_t *p, size_t n)
{
    if (n < DNS_HEADER_LEN)
        return APP_PROBE_MAYBE;
    struct dns_message m;
    parse_header(&m, p);
    /* 0 query, 4 notify, 5 update; 6-8 are NetBIOS registration opcodes */
    if (m.opcode == 1 || m.opcode == 2 || m.opcode == 3 || m.opcode > 8)
        return APP_PROBE_NO;
    if (m.qdcount > DNS_MAX_QDCOUNT)
        return APP_PROBE_NO;
    unsigned records = (unsigned)m.ancount + m.nscount + m.arcount;
    if (records > 512)
        return APP_PROBE_NO;
    /* without a question only a response with records makes sense (mDNS) */
    if (m.qdcount == 0 && (!m.qr || records == 0))
        return APP_PROBE_NO;
    if (!m.qr && m.rcode != 0)
        return APP_PROBE_NO;
    size_t pos = DNS_HEADER_LEN;
    for (;;) {
        if (pos >= n)
            return APP_PROBE_MAYBE;
        uint8_t b = p[pos];
        if (b == 0)
            break;
        if ((b & 0xc0) != 0)
            return APP_PROBE_NO;    /* the first name cannot point backwards into the header */
        pos += 1 + (size_t)b;
        if (pos - DNS_HEADER_LEN > 255)
            return APP_PROBE_NO;
    }
    pos++;
    if (n - pos < 4)
        return APP_PROBE_MAYBE;
    uint16_t qclass = load_be16(p + pos + 2) & 0x7fff;  /* mDNS uses the top bit */
    if (qclass != 1 && qclass != 3 && qclass != 4 && qclass != 254 && qclass != 255)
        return APP_PROBE_NO;
    return APP_PROBE_YES;
}

static enum app_probe dns_probe(const uint8_t *p, size_t n, bool from_orig)
{
    /* A UDP datagram starts with the header, a TCP stream with a length;
     * the caller does not say which, so accept either framing. */
    enum app_probe udp = probe_message(p, n);
    if (udp == APP_PROBE_YES)
        return udp;
    if (n < 2)
        return APP_PROBE_MAYBE;
    size_t len = load_be16(p);
    if (len >= DNS_HEADER_LEN) {
        enum app_probe tcp = probe_message(p + 2, n - 2 < len ? n - 2 : len);
        if (tcp != APP_PROBE_NO)
            return tcp;
    }
    return udp;
}

static void tcp_data(struct dns_state *st, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct dns_tcp_dir *d = &st->tcp[from_orig ? 0 : 1];
    while (n > 0) {
        if (d->lost) {
            /* after a gap, resume only where a message plausibly starts */
            if (n < 2 + DNS_HEADER_LEN || probe_message(p + 2, n - 2) == APP_PROBE_NO)
                return;
            d->lost = false;
        }
        if (d->len_have < 2) {
            if (bytes_fill_be16(d->len_bytes, &d->len_have, &p, &n, &d->need)) {
                d->have = 0;
                if (d->need == 0)
                    d->len_have = 0;
            }
            continue;
        }
        size_t take = d->need - d->have;
        if (take > n)
            take = n;
        if (d->have == 0 && take == d->need) {
            /* the whole message is in this chunk: no copy */
            handle_message(st, env, from_orig, p, take);
        } else {
            if (d->buf == NULL) {
                d->buf = malloc(65535);
                if (d->buf == NULL) {
                    d->lost = true;
                    d->len_have = 0;
                    return;
                }
            }
            memcpy(d->buf + d->have, p, take);
            d->have += take;
            if (d->have == d->need)
                handle_message(st, env, from_orig, d->buf, d->need);
        }
        p += take;
        n -= take;
        if (d->have == d->need || take == d->need) {
            d->len_have = 0;
            d->have = 0;
            d->need = 0;
        }
    }
}

static void dns_start(struct dns_state *st, const struct app_env *env)
{
    st->started = true;
    if (env == NULL || env->conn == NULL)
        return;
    const struct app_conn *c = env->conn;
    st->is_tcp = c->proto == 6;
    st->is_netbios = !st->is_tcp && c->resp_p == 137;
    st->no_assoc = !st->is_tcp && (c->resp_p == 5353 || c->orig_p == 5353);
}

static void dns_open(void *state)
{
    memset(state, 0, sizeof(struct dns_state));
}

static void dns_data(void *state, struct app_env *env, bool from_orig, const uint8_t *p, size_t n)
{
    struct dns_state *st = state;
    if (!st->started)
        dns_start(st, env);
    if (st->is_tcp)
        tcp_data(st, env, from_orig, p, n);
    else
        handle_message(st, env, from_orig, p, n);
}

static void dns_gap(void *state, struct app_env *env, bool from_orig, uint64_t len)
{
    struct dns_state *st = state;
    struct dns_tcp_dir *d = &st->tcp[from_orig ? 0 : 1];
    /* the message in progress is lost; if the gap ends exactly at its end we
     * could continue, but a length cannot be trusted across a hole */
    d->lost = true;
    d->len_have = 0;
    d->have = 0;
    d->need = 0;
}

static void dns_close(void *state, struct app_env *env)
{
    struct dns_state *st = state;
    /* unanswered queries, oldest first */
    for (;;) {
        struct dns_pending *q = pending_oldest(st, false, 0);
        if (q == NULL)
            break;
        publish_unanswered(st, env, q);
    }
    free(st->more);
    st->more = NULL;
    for (int i = 0; i < 2; i++) {
        free(st->tcp[i].buf);
        st->tcp[i].buf = NULL;
    }
}

static const uint16_t dns_udp_ports[] = {53, 137, 5353, 5355};
static const uint16_t dns_tcp_ports[] = {53};

/* One parser over each transport (the engine matches parsers by transport):
 * the same functions, their own ports. */
#define DNS_PARSER(transport, port_list)                                                           \
    {                                                                                              \
        .name = "dns", .ipproto = (transport), .ports = (port_list),                               \
        .n_ports = sizeof(port_list) / sizeof(port_list)[0], .probe = dns_probe,                   \
        .state_size = sizeof(struct dns_state), .open = dns_open, .data = dns_data, .gap = dns_gap, \
        .close = dns_close,                                                                        \
    }

const struct app_parser dns_parser = DNS_PARSER(17, dns_udp_ports);
const struct app_parser dns_tcp_parser = DNS_PARSER(6, dns_tcp_ports);
