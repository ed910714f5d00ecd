/* detect/short_config: the thresholds of the short-capture detectors
 * (icmp_tunnel.c, dns_short.c), read from data/short_capture.tsv or the file
 * of --short-thresholds ("setting<TAB>value<TAB>why" lines, # comments);
 * every setting must be there. */
#ifndef VIGIL_DETECT_SHORT_CONFIG_H
#define VIGIL_DETECT_SHORT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct short_thresholds {
    int64_t icmp_window_us;
    unsigned icmp_min_requests;
    double icmp_varying_share;
    unsigned icmp_large_payload;
    double icmp_entropy_ratio;
    double icmp_random_share;
    double icmp_asymmetric_share;

    int64_t dns_tunnel_window_us;
    unsigned dns_tunnel_min_queries;
    unsigned dns_tunnel_min_unique;
    unsigned dns_tunnel_min_length;
    double dns_tunnel_min_entropy;
    double dns_tunnel_odd_type_share;
    unsigned dns_tunnel_bytes_per_minute;

    int64_t dga_window_us;
    unsigned dga_min_domains;
    double dga_min_label_score;

    int64_t txt_window_us;
    unsigned txt_min_queries;
    unsigned txt_min_distinct_answers;
    double txt_min_encoded_share;
};

/* Reads path (NULL: the shipped data/short_capture.tsv). false with one line
 * in err naming the file and line when it cannot be read or a value is bad. */
bool short_thresholds_load(const char *path, struct short_thresholds *t, char *err, size_t errlen);

/* A short-capture detector's run state: size bytes (a struct that begins
 * with struct short_thresholds), zeroed, the thresholds of
 * cfg->short_thresholds loaded. *state = NULL with true when the behaviour
 * detectors are off; false with err set when the file or memory fails.
 * Freed with free(). */
struct detect_config;
bool short_run_open(const struct detect_config *cfg, size_t size, void **state, char *err, size_t errlen);

#endif
