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
};

/* Reads path (NULL: the shipped data/beacon_weights.tsv). false with one
 * line in err naming the file and line when it cannot be read, a setting is
 * unknown, missing or out of range. */
bool beacon_weights_load(const char *path, struct beacon_weights *w, char *err, size_t errlen);

#endif
