/* dns.log as Zeek's base/protocols/dns writes it (with the opcode fields of
 * Zeek 8.1), and Suricata 8's EVE "dns" event, version 3 (or 7's version 2 with
 * --eve-dns-version 2): one event per
 * message, "request" or "response", with the questions in "queries", the
 * records in "answers"/"authorities"/"additionals" and the answers again
 * by type in "grouped". */
#include "output/dns_log.h"

#include "output/conn_id.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "output/eve.h"
#include "output/output_internal.h"
#include "output/zeek_log.h"
#include "proto/dns-t.h"
#include "proto/dns_names-t.h"    /* the Zeek and Suricata names of types, classes, rcodes, opcodes */

static const struct zeek_field dns_fields[] = {
    ZEEK_FIELDS_TS_UID_ID,
    {"proto", ZEEK_ENUM},
    {"trans_id", ZEEK_COUNT},
    {"rtt", ZEEK_INTERVAL},
    {"query", ZEEK_STRING},
    {"qclass", ZEEK_COUNT},
    {"qclass_name", ZEEK_STRING},
    {"qtype", ZEEK_COUNT},
    {"qtype_name", ZEEK_STRING},
    {"rcode", ZEEK_COUNT},
    {"rcode_name", ZEEK_STRING},
    {"AA", ZEEK_BOOL},
    {"TC", ZEEK_BOOL},
    {"RD", ZEEK_BOOL},
    {"RA", ZEEK_BOOL},
    {"Z", ZEEK_COUNT},
    {"answers", ZEEK_VECTOR_STRING},
    {"TTLs", ZEEK_VECTOR_INTERVAL},
    {"rejected", ZEEK_BOOL},
    {"opcode", ZEEK_COUNT},
    {"opcode_name", ZEEK_STRING},
};
static const struct zeek_schema dns_schema = ZEEK_SCHEMA("dns", dns_fields);

static void write_zeek(struct output_worker *w, const struct app_conn *c, const struct dns_row *d)
{
    char tmp[32];
    struct zrow *r = zrow_begin_conn(w, &dns_schema, d->ts_us, c);
    if (r == NULL)
        return;
    zrow_enum(r, c->proto == 6 ? "tcp" : "udp");
    zrow_count(r, d->trans_id);
    if (zrow_present(r, d->has_rtt))
        zrow_interval_between(r, d->rtt_from_us, d->rtt_to_us);
    if (zrow_present(r, d->has_query))
        zrow_string(r, d->query.p, d->query.n);
    if (d->has_qclass) {
        zrow_count(r, d->qclass);
        zrow_cstr(r, dns_zeek_class_name(d->qclass, tmp, sizeof tmp));
        zrow_count(r, d->qtype);
        const char *qtype_name = dns_zeek_qtype_name(d->qtype, tmp, sizeof tmp);
        /* NetBIOS reuses SRV's number for its status query */
        if (d->is_netbios && d->qtype == 33)
            qtype_name = "NBSTAT";
        zrow_cstr(r, qtype_name);
    } else {
        zrow_unset_n(r, 4);
    }
    if (d->has_rcode) {
        zrow_count(r, d->rcode);
        zrow_cstr(r, dns_zeek_rcode_name(d->rcode, tmp, sizeof tmp));
    } else {
        zrow_unset_n(r, 2);
    }
    zrow_bool(r, d->AA);
    zrow_bool(r, d->TC);
    zrow_bool(r, d->RD);
    zrow_bool(r, d->RA);
    zrow_count(r, d->Z);
    if (d->n_answers == 0) {
        zrow_unset_n(r, 2);
    } else {
        zrow_list_begin(r);
        for (size_t i = 0; i < d->n_answers; i++)
            zrow_item_string(r, d->answers[i].p, d->answers[i].n);
        zrow_list_end(r);
        zrow_list_begin(r);
        for (size_t i = 0; i < d->n_answers; i++)
            zrow_item_interval(r, (int64_t)d->ttls[i] * 1000000);
        zrow_list_end(r);
    }
    zrow_bool(r, d->rejected);
    zrow_count(r, d->opcode);
    zrow_cstr(r, dns_zeek_opcode_name(d->opcode, d->is_netbios, tmp, sizeof tmp));
    zrow_end(r);
}

/* ---- EVE --------------------------------------------------------------- */

static void eve_name(struct json_writer *j, const char *key, struct byte_view s)
{
    if (s.n == 0)
        json_kv_str(j, key, "<root>");
    else
        json_kv_strn(j, key, s.p, s.n);
}

/* Suricata prints IPv6 answers uncompressed, as 8 groups of 4 hex digits. */
static void eve_addr(struct json_writer *j, const char *key, const struct dns_rr *rr)
{
    char text[48];
    if (rr->rrtype == 1) {
        size_t n = ip_addr_format(&rr->addr, text, sizeof text);
        json_kv_strn(j, key, text, n);
        return;
    }
    size_t n = ip6_format_full(rr->addr.b, text, sizeof text);
    json_kv_strn(j, key, text, n);
}

/* TXT strings concatenated, without their length bytes. */
static void eve_txt(struct json_writer *j, const char *key, struct byte_view raw)
{
    uint8_t text[DNS_POOL_SIZE < 65536 ? DNS_POOL_SIZE : 65536];
    size_t n = 0, i = 0;
    while (i < raw.n) {
        size_t sl = raw.p[i++];
        if (sl > raw.n - i)
            sl = raw.n - i;
        if (sl > sizeof text - n)
            sl = sizeof text - n;
        memcpy(text + n, raw.p + i, sl);
        n += sl;
        i += sl;
    }
    if (key != NULL)
        json_kv_strn(j, key, text, n);
    else
        json_string(j, text, n);
}

/* One character-string of a TXT record's rdata, from *at; false at the end.
 * A length running past the rdata is cut to it. */
static bool txt_next(struct byte_view raw, size_t *at, struct byte_view *out)
{
    if (*at >= raw.n)
        return false;
    size_t len = raw.p[(*at)++];
    if (len > raw.n - *at)
        len = raw.n - *at;
    out->p = raw.p + *at;
    out->n = len;
    *at += len;
    return true;
}

/* Suricata 7 and 8 write a TXT record as one answer (and one grouped value)
 * per character-string, an empty one included (rust/src/dns/log.rs). */
static bool is_txt_per_string(const struct dns_rr *rr)
{
    return rr->kind == DNS_RDATA_TXT && rr->rrtype == 16;
}

/* A record's numbers as members of its EVE object, in a table's order. */
struct rr_number {
    const char *key;
    size_t offset;              /* in struct dns_rr */
    size_t size;                /* 1, 2 or 4 bytes */
};
#define RR_NUMBER(key, member) {(key), offsetof(struct dns_rr, member), sizeof(((struct dns_rr *)0)->member)}

static const struct rr_number soa_numbers[] = {
    RR_NUMBER("serial", serial), RR_NUMBER("refresh", refresh), RR_NUMBER("retry", retry),
    RR_NUMBER("expire", expire), RR_NUMBER("minimum", minimum),
};
static const struct rr_number sshfp_numbers[] = {RR_NUMBER("algo", sshfp_algo), RR_NUMBER("type", sshfp_type)};
static const struct rr_number srv_numbers[] = {
    RR_NUMBER("priority", priority), RR_NUMBER("weight", weight), RR_NUMBER("port", port),
};

static void eve_numbers(struct json_writer *j, const struct dns_rr *rr, const struct rr_number *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *at = (const char *)rr + v[i].offset;
        uint32_t u32 = 0;
        uint16_t u16 = 0;
        if (v[i].size == 4)
            memcpy(&u32, at, 4);
        else if (v[i].size == 2)
            memcpy(&u16, at, 2);
        json_kv_uint(j, v[i].key, v[i].size == 4 ? u32 : v[i].size == 2 ? u16 : *(const uint8_t *)at);
    }
}

static void eve_soa(struct json_writer *j, const struct dns_rr *rr)
{
    json_object_begin(j);
    eve_name(j, "mname", rr->target);
    eve_name(j, "rname", rr->rname);
    eve_numbers(j, rr, soa_numbers, sizeof soa_numbers / sizeof soa_numbers[0]);
    json_object_end(j);
}

static void eve_sshfp(struct json_writer *j, const struct dns_rr *rr)
{
    char hex[3 * 256];
    size_t n = 0;
    for (size_t i = 0; i < rr->raw.n && n + 3 < sizeof hex; i++)
        n += (size_t)snprintf(hex + n, sizeof hex - n, "%s%02x", i ? ":" : "", rr->raw.p[i]);
    json_object_begin(j);
    json_kv_strn(j, "fingerprint", hex, n);
    eve_numbers(j, rr, sshfp_numbers, sizeof sshfp_numbers / sizeof sshfp_numbers[0]);
    json_object_end(j);
}

static void eve_srv(struct json_writer *j, const struct dns_rr *rr)
{
    json_object_begin(j);
    eve_numbers(j, rr, srv_numbers, sizeof srv_numbers / sizeof srv_numbers[0]);
    eve_name(j, "name", rr->target);
    json_object_end(j);
}

static bool is_name_type(uint16_t t)
{
    return t == 2 || t == 5 || t == 12 || t == 15; /* NS CNAME PTR MX */
}

/* Suricata's schema allows the srv and sshfp objects in answers only: in
 * the authority and additional sections an SRV record gives its target as
 * rdata, and an SSHFP record its name and type alone. */
static void eve_rr(struct json_writer *j, const struct dns_rr *rr, bool answer, const struct byte_view *txt_string)
{
    char tmp[16];
    json_object_begin(j);
    eve_name(j, "rrname", rr->name);
    json_kv_str(j, "rrtype", dns_suricata_rrtype_name(rr->rrtype, tmp, sizeof tmp));
    json_kv_uint(j, "ttl", rr->ttl);
    if (txt_string != NULL) {
        json_kv_strn(j, "rdata", txt_string->p, txt_string->n);
    } else if (rr->kind == DNS_RDATA_ADDR) {
        eve_addr(j, "rdata", rr);
    } else if (rr->kind == DNS_RDATA_NAME && is_name_type(rr->rrtype)) {
        eve_name(j, "rdata", rr->target);
    } else if (rr->kind == DNS_RDATA_TXT) {
        eve_txt(j, "rdata", rr->raw);
    } else if (rr->rrtype == 10) {
        json_kv_strn(j, "rdata", rr->raw.p, rr->raw.n);
    } else if (rr->kind == DNS_RDATA_SOA) {
        json_key(j, "soa");
        eve_soa(j, rr);
    } else if (rr->kind == DNS_RDATA_SSHFP && answer) {
        json_key(j, "sshfp");
        eve_sshfp(j, rr);
    } else if (rr->kind == DNS_RDATA_NAME && rr->rrtype == 33 && answer) {
        json_key(j, "srv");
        eve_srv(j, rr);
    } else if (rr->kind == DNS_RDATA_NAME && rr->rrtype == 33) {
        eve_name(j, "rdata", rr->target);
    }
    json_object_end(j);
}

/* A grouped value, or false when Suricata groups nothing for this type
 * (SPF, although its data is TXT's, is not grouped). */
static bool eve_grouped_value(struct json_writer *j, const struct dns_rr *rr, bool write)
{
    bool ok = rr->kind == DNS_RDATA_ADDR || (rr->kind == DNS_RDATA_NAME && is_name_type(rr->rrtype)) ||
              (rr->kind == DNS_RDATA_TXT && rr->rrtype != 99) || rr->rrtype == 10 || rr->kind == DNS_RDATA_SOA ||
              rr->kind == DNS_RDATA_SSHFP || (rr->kind == DNS_RDATA_NAME && rr->rrtype == 33);
    if (!ok || !write)
        return ok;
    if (rr->kind == DNS_RDATA_ADDR) {
        char text[48];
        if (rr->rrtype == 1) {
            size_t n = ip_addr_format(&rr->addr, text, sizeof text);
            json_string(j, text, n);
        } else {
            size_t n = ip6_format_full(rr->addr.b, text, sizeof text);
            json_string(j, text, n);
        }
    } else if (rr->kind == DNS_RDATA_NAME && is_name_type(rr->rrtype)) {
        if (rr->target.n == 0)
            json_cstr(j, "<root>");
        else
            json_string(j, rr->target.p, rr->target.n);
    } else if (is_txt_per_string(rr)) {
        struct byte_view s;
        for (size_t at = 0; txt_next(rr->raw, &at, &s);)
            json_string(j, s.p, s.n);
    } else if (rr->kind == DNS_RDATA_TXT) {
        eve_txt(j, NULL, rr->raw);
    } else if (rr->rrtype == 10) {
        json_string(j, rr->raw.p, rr->raw.n);
    } else if (rr->kind == DNS_RDATA_SOA) {
        eve_soa(j, rr);
    } else if (rr->kind == DNS_RDATA_SSHFP) {
        eve_sshfp(j, rr);
    } else {
        eve_srv(j, rr);
    }
    return true;
}

static void eve_section(struct json_writer *j, const char *key, const struct dns_message *m,
                        enum dns_section s)
{
    bool open = false;
    for (size_t i = 0; i < m->n_rrs; i++) {
        const struct dns_rr *rr = &m->rrs[i];
        if (rr->section != s)
            continue;
        /* an EDNS OPT record without options is not worth a line */
        if (rr->rrtype == 41 && rr->rdlength == 0)
            continue;
        if (!open) {
            json_key(j, key);
            json_array_begin(j);
            open = true;
        }
        if (!is_txt_per_string(rr)) {
            eve_rr(j, rr, s == DNS_SECTION_ANSWER, NULL);
            continue;
        }
        struct byte_view str;
        for (size_t at = 0; txt_next(rr->raw, &at, &str);)
            eve_rr(j, rr, s == DNS_SECTION_ANSWER, &str);
    }
    if (open)
        json_array_end(j);
}

static void eve_grouped(struct json_writer *j, const struct dns_message *m)
{
    bool open = false;
    char tmp[16];
    for (size_t i = 0; i < m->n_rrs; i++) {
        const struct dns_rr *rr = &m->rrs[i];
        if (rr->section != DNS_SECTION_ANSWER || !eve_grouped_value(j, rr, false))
            continue;
        bool seen = false;  /* keys in order of first appearance */
        for (size_t k = 0; k < i && !seen; k++)
            seen = m->rrs[k].section == DNS_SECTION_ANSWER && m->rrs[k].rrtype == rr->rrtype &&
                   eve_grouped_value(j, &m->rrs[k], false);
        if (seen)
            continue;
        if (!open) {
            json_key(j, "grouped");
            json_object_begin(j);
            open = true;
        }
        json_key(j, dns_suricata_rrtype_name(rr->rrtype, tmp, sizeof tmp));
        json_array_begin(j);
        for (size_t k = i; k < m->n_rrs; k++)
            if (m->rrs[k].section == DNS_SECTION_ANSWER && m->rrs[k].rrtype == rr->rrtype)
                eve_grouped_value(j, &m->rrs[k], true);
        json_array_end(j);
    }
    if (open)
        json_object_end(j);
}

static void eve_flags(struct json_writer *j, const struct dns_message *m)
{
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%x", m->flags);
    json_kv_str(j, "flags", tmp);
    static const struct {
        uint16_t bit;
        const char *key;
    } bits[] = {{0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"}, {0x0080, "ra"}, {0x0040, "z"}};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (m->flags & bits[i].bit)
            json_kv_bool(j, bits[i].key, true);
}

/* An EVE dns event up to its "type"; NULL: no EVE output. Version 3
 * events are addressed as their packet travelled; version 2 ones along the
 * connection (client to server, Suricata's LOG_DIR_FLOW), so a version 2
 * answer names the client as src_ip, even when its query was never seen. */
static struct json_writer *dns_event_begin(struct output_worker *w, const struct app_conn *c,
                                           const struct dns_message *m, unsigned version, const char *type)
{
    bool along_connection = version == 2 || m->from_orig;
    struct json_writer *j = eve_begin_app_object(w, c, along_connection, m->ts_us, "dns");
    if (j == NULL)
        return NULL;
    json_kv_uint(j, "version", version);
    json_kv_str(j, "type", type);
    return j;
}

static void dns_event_end(struct output_worker *w, struct json_writer *j, const struct app_conn *c)
{
    json_object_end(j);
    eve_community_id(j, c->community_id);
    eve_end(w);
}

/* Suricata 7 (dns version 2): a request is one "query" event per question. */
static void write_eve_v2_queries(struct output_worker *w, const struct app_conn *c, const struct dns_message *m)
{
    char tmp[16];
    for (size_t i = 0; i < m->n_questions; i++) {
        /* Suricata writes the version in query events since 7.0.7 */
        struct json_writer *j = dns_event_begin(w, c, m, 2, "query");
        if (j == NULL)
            return;
        const struct dns_question *q = &m->questions[i];
        json_kv_uint(j, "id", m->id);
        eve_name(j, "rrname", q->name);
        json_kv_str(j, "rrtype", dns_suricata_rrtype_name(q->qtype, tmp, sizeof tmp));
        json_kv_uint(j, "tx_id", m->tx_id);
        json_kv_uint(j, "opcode", m->opcode);
        dns_event_end(w, j, c);
    }
}

/* Suricata 7 (dns version 2): a response is one "answer" event, with the
 * first question's name and type and the answers also grouped by type. */
static void write_eve_v2_answer(struct output_worker *w, const struct app_conn *c, const struct dns_message *m)
{
    struct json_writer *j = dns_event_begin(w, c, m, 2, "answer");
    if (j == NULL)
        return;
    char tmp[16];
    json_kv_uint(j, "id", m->id);
    eve_flags(j, m);
    json_kv_uint(j, "opcode", m->opcode);
    if (m->n_questions > 0) {
        eve_name(j, "rrname", m->questions[0].name);
        json_kv_str(j, "rrtype", dns_suricata_rrtype_name(m->questions[0].qtype, tmp, sizeof tmp));
    }
    json_kv_str(j, "rcode", dns_suricata_rcode_name(m->rcode, tmp, sizeof tmp));
    eve_section(j, "answers", m, DNS_SECTION_ANSWER);
    eve_grouped(j, m);
    eve_section(j, "authorities", m, DNS_SECTION_AUTHORITY);
    dns_event_end(w, j, c);
}

static void write_eve(struct output_worker *w, const struct app_conn *c, const struct dns_message *m)
{
    if (w->o->formats & OUTPUT_EVE_DNS_V2) {
        if (m->qr)
            write_eve_v2_answer(w, c, m);
        else
            write_eve_v2_queries(w, c, m);
        return;
    }
    struct json_writer *j = dns_event_begin(w, c, m, 3, m->qr ? "response" : "request");
    if (j == NULL)
        return;
    char tmp[16];
    json_kv_uint(j, "tx_id", m->tx_id);
    json_kv_uint(j, "id", m->id);
    eve_flags(j, m);
    json_kv_uint(j, "opcode", m->opcode);
    json_kv_str(j, "rcode", dns_suricata_rcode_name(m->rcode, tmp, sizeof tmp));
    if (m->n_questions > 0) {
        json_key(j, "queries");
        json_array_begin(j);
        for (size_t i = 0; i < m->n_questions; i++) {
            const struct dns_question *q = &m->questions[i];
            json_object_begin(j);
            eve_name(j, "rrname", q->name);
            json_kv_str(j, "rrtype", dns_suricata_rrtype_name(q->qtype, tmp, sizeof tmp));
            if (q->name_truncated)
                json_kv_bool(j, "rrname_truncated", true);
            json_object_end(j);
        }
        json_array_end(j);
    }
    eve_section(j, "answers", m, DNS_SECTION_ANSWER);
    eve_grouped(j, m);
    eve_section(j, "authorities", m, DNS_SECTION_AUTHORITY);
    eve_section(j, "additionals", m, DNS_SECTION_ADDITIONAL);
    dns_event_end(w, j, c);
}

void output_dns(struct output_worker *w, const struct app_conn *c, const struct dns_txn *t)
{
    if (t->row != NULL)
        write_zeek(w, c, t->row);
    if (t->msg != NULL)
        write_eve(w, c, t->msg);
}

TXN_WRITER(dns);
