/* detect/sketch: the fixed-size building blocks the behaviour detectors keep
 * per pair, domain or host, and the capped tables (util/hindex.h) that hold them.
 *
 *  - the distinct-count estimates hash with util/hash's unkeyed hash64
 *    (their value must not change from run to run). Table indexes use the
 *    run-keyed util/hash: which entry a full table evicts follows the id
 *    clock, never a slot, so the key never shows in a finding.
 *  - the tables' index and ids are util/hindex.h's generic hindex and
 *    idalloc; the caller keeps entries in arrays.
 *  - loghist: counts of values in 256 log-spaced bins (uint16, halved when
 *    one saturates), with interpolated quantiles and median absolute
 *    deviation.
 *  - distinct: a distinct-count estimator, exact up to 64 values and a
 *    256-register HyperLogLog beyond, in the same 260 bytes.
 *  - strpool: interned, reference-counted strings, so that a name shared by
 *    many bindings and pairs is stored once. */
#ifndef VIGIL_DETECT_SKETCH_H
#define VIGIL_DETECT_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/hash.h"
#include "util/hindex.h"

/* --- loghist --- */

#define LOGHIST_BINS 256

/* Bin 0 holds [0, base); bin i >= 1 holds [base*ratio^(i-1), base*ratio^i);
 * the last bin also takes everything above. edge[i] is bin i's lower bound,
 * edge[LOGHIST_BINS] the last bin's upper one. */
struct loghist_scale {
    double base, ratio, log_ratio;
    double edge[LOGHIST_BINS + 1];
};

void loghist_scale_init(struct loghist_scale *s, double base, double ratio);

struct loghist {
    uint16_t c[LOGHIST_BINS];
    uint32_t total;
};

unsigned loghist_bin(const struct loghist_scale *s, double v);
void loghist_add_bin(struct loghist *h, unsigned bin);
void loghist_merge(struct loghist *into, const struct loghist *from);
/* p in [0,1]; values spread evenly within a bin. 0 when empty. */
double loghist_quantile(const struct loghist *h, const struct loghist_scale *s, double p);
/* Median of |x - center| over the histogram. */
double loghist_mad(const struct loghist *h, const struct loghist_scale *s, double center);

/* --- distinct --- */

#define DISTINCT_EXACT 64
#define DISTINCT_REGS 256

struct distinct {
    uint16_t n_exact;
    bool hll;
    union {
        uint32_t exact[DISTINCT_EXACT];
        uint8_t reg[DISTINCT_REGS];
    } u;
};

void distinct_add(struct distinct *d, uint64_t hash);
uint64_t distinct_count(const struct distinct *d);

/* --- strpool --- */

#define STRPOOL_NONE UINT32_MAX
#define STRPOOL_MAX_LEN 255

struct strpool_entry {
    char *s;
    uint32_t refs, len, hash32;
};

struct strpool {
    struct strpool_entry *e;
    uint32_t n_alloc;        /* entries allocated in e */
    uint32_t *free_ids;
    uint32_t n_free, n_used;
    struct hindex index;
};

bool strpool_init(struct strpool *p);
void strpool_free(struct strpool *p);
/* The id of s[0..n) with one more reference; STRPOOL_NONE on failure or n > STRPOOL_MAX_LEN. */
uint32_t strpool_intern(struct strpool *p, const char *s, size_t n);
void strpool_ref(struct strpool *p, uint32_t id);
void strpool_unref(struct strpool *p, uint32_t id);
/* NULL for STRPOOL_NONE. Owned by the pool: valid while id holds a reference. */
const char *strpool_str(const struct strpool *p, uint32_t id);

/* --- small numeric helpers shared by the scorers --- */

static inline double clamp01(double v)
{
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* Shannon entropy in bits of a character-count array. */
double entropy_bits(const uint32_t *counts, size_t n);

#endif
