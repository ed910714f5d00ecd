/* detect/beacon_weights: the weights of the beacon score (detect/beacon.c),
 * read from data/beacon_weights.tsv or the file of --beacon-weights
 * ("setting<TAB>value<TAB>why" lines, # comments; every setting required). */
#ifndef VIGIL_DETECT_BEACON_WEIGHTS_H
#define VIGIL_DETECT_BEACON_WEIGHTS_H

#include <stdbool.h>
#include <stddef.h>

struct beacon_weights {
    double timing, hours, size, count;  /* the base score's weights, each 0..1 */
    double prevalence_weight;           /* 0..1: how much a destination every host reaches loses */
    unsigned prevalence_min_hosts;      /* hosts to a destination before prevalence counts */
    /* A session's keepalives: every connection on one 5-tuple, median size
     * (both directions) at most keepalive_max_bytes; such a series loses
     * keepalive_weight of its score. */
    double keepalive_weight;            /* 0..1 */
    unsigned keepalive_max_bytes;
    /* Unsteady requests: when at most request_share_high of the requests
     * (the bytes the source sends) fall within request_band_percent of one
     * size, the series loses up to request_weight of its score (all of it
     * at request_share_low or less). */
    double request_weight;              /* 0..1 */
    unsigned request_band_percent;
    double request_share_low, request_share_high;     /* 0..1, low < high */
};

/* Reads path (NULL: the shipped data/beacon_weights.tsv). false with one
 * line in err naming the file and line when it cannot be read, a setting is
 * unknown, missing or out of range. */
bool beacon_weights_load(const char *path, struct beacon_weights *w, char *err, size_t errlen);

#endif
