/* detect/lateral_config: what the lateral-movement detectors
 * (kerberos_abuse.c, fanout.c) share: their thresholds, the "threshold
 * NAME VALUE" lines of the lateral-movement policy (data/lateral_movement.tsv
 * or the file of --lateral-policy, lateral_policy.h), and the run and
 * worker states both build on: the windowed counts behind one lock, shared
 * by the workers. */
#ifndef VIGIL_DETECT_LATERAL_CONFIG_H
#define VIGIL_DETECT_LATERAL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "detect/sink-t.h"
#include "detect/window_count.h"

struct detect_config;

#define LATERAL_LIST_MAX 16
#define LATERAL_WINDOWS_MAX 2

struct lateral_thresholds {
    unsigned kerberoast_services;
    int64_t kerberoast_window_us;
    size_t n_kerberoast_etypes;
    int32_t kerberoast_etypes[LATERAL_LIST_MAX];
    size_t n_asrep_etypes;
    int32_t asrep_etypes[LATERAL_LIST_MAX];
    unsigned account_hosts;
    int64_t account_window_us;
    unsigned fanout_hosts;
    int64_t fanout_window_us;
    size_t n_fanout_ports;
    uint16_t fanout_ports[LATERAL_LIST_MAX];
};

/* The policy file the lateral-movement detectors share (--lateral-policy replaces it). */
#define LATERAL_POLICY_FILE "data/lateral_movement.tsv"

/* Reads the thresholds of path (NULL: the shipped LATERAL_POLICY_FILE).
 * false with one line in err naming the file and line when it cannot be
 * read or a value is bad; every setting must be there. */
bool lateral_thresholds_load(const char *path, struct lateral_thresholds *t, char *err, size_t errlen);
/* Whether name is one of these thresholds (for the policy's reader, which
 * refuses names neither knows). */
bool lateral_thresholds_is_setting(const char *name);

/* Whether v is one of list[0..n). */
bool lateral_list_has(const int32_t *list, size_t n, int32_t v);

/* The start of either detector's run state. */
struct lateral_run {
    struct lateral_thresholds th;
    pthread_mutex_t lock;                           /* guards windows[] and the detector's own tables */
    size_t n_windows;
    struct window_table windows[LATERAL_WINDOWS_MAX];
};

/* A worker of either detector. */
struct lateral_worker {
    void *run;                                      /* the detector's run state */
    const struct detect_sink *sink;                 /* the worker's, valid until worker_close */
};

/* Allocates a run state of size bytes (a struct that begins with struct
 * lateral_run), loads the thresholds and makes n_windows tables of
 * max_keys keys. *state = NULL with true when the behaviour detectors are
 * off; false with err set when the thresholds or memory fail. */
bool lateral_run_open(const struct detect_config *cfg, size_t size, size_t n_windows, size_t max_keys, void **state,
                      char *err, size_t errlen);
/* Frees what lateral_run_open made (the detector frees its own tables first). */
void lateral_run_close(void *state);
/* A worker over state (which must outlive it), emitting through sink; the
 * caller frees it with lateral_worker_close(). NULL when out of memory. */
void *lateral_worker_open(void *state, const struct detect_sink *sink);
void lateral_worker_close(void *worker);
/* Counts value under key in windows[window] (locks inside). True once per
 * window of the key: when its distinct count reaches threshold; *n and
 * first_uid (the window's first connection) then say what it reached. */
bool lateral_count(struct lateral_run *r, size_t window, uint64_t key, uint64_t value, int64_t ts_us,
                   int64_t window_us, unsigned threshold, const char *uid, unsigned *n, char first_uid[UID_LEN]);

#endif
