/* The short-capture detectors' evidence and verdicts (short_score.h). */
#include "detect/short_score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ENTROPY_SAMPLE 1024
#define SUB_SEED 0x73686f727473756bULL

double payload_entropy_ratio(const uint8_t *p, size_t n)
{
    if (n < 16)
        return 0.0;
    if (n > ENTROPY_SAMPLE)
        n = ENTROPY_SAMPLE;
    uint32_t counts[256] = {0};
    for (size_t i = 0; i < n; i++)
        counts[p[i]]++;
    double most = n >= 256 ? 8.0 : log2((double)n);
    return entropy_bits(counts, 256) / most;
}

static double share(unsigned part, unsigned whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

bool icmp_tunnel_verdict(const struct icmp_evidence *e, const struct short_thresholds *th, char *why, size_t n)
{
    if (e->requests < th->icmp_min_requests)
        return false;
    double varying = share(e->varying, e->requests - 1); /* the first request has nothing to differ from */
    unsigned echoes = e->requests + e->replies;
    double mean = echoes ? (double)e->payload_bytes / echoes : 0.0;
    double random = share(e->random, echoes);
    double asymmetric = share(e->asymmetric, e->replies);
    bool large = mean >= th->icmp_large_payload;
    bool looks_random = random >= th->icmp_random_share;
    bool not_mirrored = e->replies > 0 && asymmetric >= th->icmp_asymmetric_share;
    if (varying < th->icmp_varying_share || !(large || looks_random || not_mirrored))
        return false;
    if (why)
        snprintf(why, n, "payloads varying %.0f%%, mean %.0f bytes, random-looking %.0f%%, replies not mirrored %.0f%%",
                 100 * varying, mean, 100 * random, 100 * asymmetric);
    return true;
}

void dns_domain_add_query(struct dns_domain_evidence *e, const char *sub, size_t sub_len, uint16_t qtype,
                          int64_t ts_us)
{
    if (e->queries == 0 || ts_us < e->first_us)
        e->first_us = ts_us;
    if (e->queries == 0 || ts_us > e->last_us)
        e->last_us = ts_us;
    e->queries++;
    if (dns_qtype_is_odd(qtype))
        e->odd_types++;
    if (sub_len == 0)
        return;
    for (size_t i = 0; i < sub_len; i++)
        if (sub[i] != '.') {
            e->chars[dns_char_bin((unsigned char)sub[i])]++;
            e->sub_chars++;
        }
    distinct_add(&e->subs, hash64(sub, sub_len, SUB_SEED));
}

double dns_domain_mean_length(const struct dns_domain_evidence *e)
{
    return e->queries ? (double)e->sub_chars / e->queries : 0.0;
}

double dns_domain_entropy(const struct dns_domain_evidence *e)
{
    return entropy_bits(e->chars, DNS_CHAR_BINS);
}

double dns_domain_odd_share(const struct dns_domain_evidence *e)
{
    return share(e->odd_types, e->queries);
}

double dns_domain_chars_per_minute(const struct dns_domain_evidence *e)
{
    double minutes = (double)(e->last_us - e->first_us) / 60e6;
    return (double)e->sub_chars / (minutes < 1.0 ? 1.0 : minutes);
}

bool dns_tunnel_verdict(const struct dns_domain_evidence *e, const struct short_thresholds *th)
{
    if (e->queries < th->dns_tunnel_min_queries || distinct_count(&e->subs) < th->dns_tunnel_min_unique ||
        dns_domain_mean_length(e) < th->dns_tunnel_min_length || dns_domain_entropy(e) < th->dns_tunnel_min_entropy)
        return false;
    return dns_domain_odd_share(e) >= th->dns_tunnel_odd_type_share ||
           dns_domain_chars_per_minute(e) >= th->dns_tunnel_bytes_per_minute;
}

bool txt_channel_verdict(const struct dns_domain_evidence *e, const struct short_thresholds *th)
{
    return e->txt_answers >= th->txt_min_queries && distinct_count(&e->answers) >= th->txt_min_distinct_answers &&
           share(e->encoded_answers, e->txt_answers) >= th->txt_min_encoded_share &&
           dns_domain_mean_length(e) < th->dns_tunnel_min_length;
}

static bool base64_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '-' || c == '_' || c == '=';
}

bool text_looks_encoded(const char *s, size_t n)
{
    if (n < 16)
        return false;
    uint32_t counts[128] = {0};
    bool upper = false, lower = false, digit = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!base64_char(c))
            return false;
        counts[c]++;
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        digit |= c >= '0' && c <= '9';
    }
    if ((int)upper + (int)lower + (int)digit < 2)
        return false;
    /* Random base64 of n characters shows about as many distinct ones as
     * n draws from 64 give; hex, from 16. Words repeat a few letters. */
    double alphabet = upper && lower ? 64.0 : 16.0;
    double draws = (double)(n < 256 ? n : 256);
    double expected_distinct = alphabet * (1.0 - pow(1.0 - 1.0 / alphabet, draws));
    return entropy_bits(counts, 128) >= 0.8 * log2(expected_distinct);
}
