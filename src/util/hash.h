/* util/hash: the keyed hash of every table whose keys come from the wire or
 * from files (IP fragments, log-reader field names, behaviour tables).
 *
 * SipHash-1-3 under a key drawn once per run from the kernel's random pool:
 * keys an attacker computed to share a bucket under a fixed hash spread out
 * under a key they do not know. Tables hashed with it must never let the
 * key show in what Vigil prints (iterate in insertion or time order, never in
 * bucket order). VIGIL_HASH_SEED=<hex> fixes the key, for tests that check
 * exactly that. */
#ifndef VIGIL_UTIL_HASH_H
#define VIGIL_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_key {
    uint64_t k0, k1;
};

/* The run's key. Thread-safe; drawn on first use. Static storage: valid for
 * the whole run. */
const struct hash_key *hash_run_key(void);

uint64_t siphash13(const struct hash_key *key, const void *data, size_t n);

/* The same hash fed in pieces: hashing "a.b" in one piece or as "a", ".",
 * "b" gives one value, so a dotted name can extend its parent's state. */
struct hash_stream {
    uint64_t v[4];
    uint64_t tail;   /* bytes not yet making a whole word */
    uint64_t len;
};
void hash_stream_init(struct hash_stream *st, const struct hash_key *key);
void hash_stream_add(struct hash_stream *st, const void *data, size_t n);
uint64_t hash_stream_end(const struct hash_stream *st);

/* The run's key mixed with a table's domain constant, written to *out;
 * returns out. */
const struct hash_key *hash_domain_key(uint64_t domain, struct hash_key *out);

/* SipHash-1-3 under the run's key; `domain` separates tables that hash the
 * same bytes for different purposes. */
uint64_t hash_keyed(const void *data, size_t n, uint64_t domain);

/* A keyed mix of one 128-bit value (an address) under the run's key: a
 * table's index where SipHash would cost too much per lookup. */
uint64_t hash_keyed_pair(uint64_t x, uint64_t y, uint64_t domain);

/* Unkeyed, for the distinct-count estimates only (detect/sketch): their
 * value must not change from run to run, and no table is indexed by it. */
uint64_t hash64(const void *data, size_t n, uint64_t seed);

#endif
