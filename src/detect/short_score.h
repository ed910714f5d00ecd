/* detect/short_score: the evidence the short-capture detectors gather in a
 * window and the verdicts over it (thresholds: detect/short_config.h). Pure
 * functions, no state: the unit tests call them directly. */
#ifndef VIGIL_DETECT_SHORT_SCORE_H
#define VIGIL_DETECT_SHORT_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/dns_name.h"
#include "detect/short_config.h"
#include "detect/sketch.h"

/* Byte entropy of p[0..n) as a share of the most n bytes can have
 * (log2 of n, at most 8 bits); 0 under 16 bytes, too few to tell. Reads at
 * most the first 1024 bytes. */
double payload_entropy_ratio(const uint8_t *p, size_t n);

/* ICMP echoes between one requester and one responder. */
struct icmp_evidence {
    unsigned requests;          /* echo requests */
    unsigned varying;           /* requests whose payload past byte 16 differs from the previous request's */
    unsigned replies;           /* echo replies */
    unsigned asymmetric;        /* replies that do not mirror the last request (size, content, id/seq) */
    unsigned random;            /* echoes (either way) whose payload looks random */
    uint64_t payload_bytes;     /* echo payload bytes, both ways */
};

/* Whether the echoes are a tunnel: enough requests, payloads that vary,
 * and large, random-looking or not mirrored. why (may be NULL) gets the
 * signs seen, "varying 98%, mean 612 bytes, random 95%, asymmetric 100%". */
bool icmp_tunnel_verdict(const struct icmp_evidence *e, const struct short_thresholds *th, char *why, size_t n);

/* The queries of one client under one domain. */
struct dns_domain_evidence {
    unsigned queries;
    unsigned odd_types;         /* dns_qtype_is_odd */
    uint64_t sub_chars;         /* subdomain characters, dots excluded */
    uint32_t chars[DNS_CHAR_BINS];
    struct distinct subs;       /* distinct subdomain parts */
    int64_t first_us, last_us;
    unsigned txt_answers;       /* answered TXT queries */
    unsigned encoded_answers;   /* of which text_looks_encoded */
    struct distinct answers;    /* distinct TXT answers */
};

/* Adds one query: its subdomain part, type, time. */
void dns_domain_add_query(struct dns_domain_evidence *e, const char *sub, size_t sub_len, uint16_t qtype,
                          int64_t ts_us);
/* Mean subdomain length, character entropy (bits), share of odd types,
 * subdomain characters a minute (over at least a minute). */
double dns_domain_mean_length(const struct dns_domain_evidence *e);
double dns_domain_entropy(const struct dns_domain_evidence *e);
double dns_domain_odd_share(const struct dns_domain_evidence *e);
double dns_domain_chars_per_minute(const struct dns_domain_evidence *e);

/* A DNS tunnel: many queries, many distinct, long, random-looking
 * subdomains, in odd record types or at a high rate. */
bool dns_tunnel_verdict(const struct dns_domain_evidence *e, const struct short_thresholds *th);
/* A TXT command channel: repeated TXT answers that change and look
 * encoded, for short query names (long ones are the tunnel's). */
bool txt_channel_verdict(const struct dns_domain_evidence *e, const struct short_thresholds *th);

/* Text that looks like encoded data: at least 16 characters of the base64
 * (standard or URL-safe) or hex alphabet, letters mixed with digits or both
 * cases, and random-looking (entropy near the most its length allows). */
bool text_looks_encoded(const char *s, size_t n);

#endif
