#include "util/hash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/mix.h"

static struct hash_key run_key;
static pthread_once_t run_key_once = PTHREAD_ONCE_INIT;

/* Written once, before any reader sees it (pthread_once orders it). */
static void draw_run_key(void)
{
    const char *fixed = getenv("VIGIL_HASH_SEED");
    if (fixed != NULL && fixed[0] != '\0') {
        uint64_t v = strtoull(fixed, NULL, 16);
        run_key.k0 = v;
        run_key.k1 = v ^ 0x736f6d6570736575ULL;
        return;
    }
    if (getrandom(&run_key, sizeof run_key, 0) == (ssize_t)sizeof run_key)
        return;
    /* No entropy source (very old kernel or seccomp): weaker, never fixed. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    run_key.k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
    run_key.k1 = (uint64_t)getpid() * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)(uintptr_t)&ts;
}

const struct hash_key *hash_run_key(void)
{
    pthread_once(&run_key_once, draw_run_key);
    return &run_key;
}

static inline uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                                                                       \
    do {                                                                                                               \
        v0 += v1;                                                                                                      \
        v1 = rotl(v1, 13);                                                                                             \
        v1 ^= v0;                                                                                                      \
        v0 = rotl(v0, 32);                                                                                             \
        v2 += v3;                                                                                                      \
        v3 = rotl(v3, 16);                                                                                             \
        v3 ^= v2;                                                                                                      \
        v0 += v3;                                                                                                      \
        v3 = rotl(v3, 21);                                                                                             \
        v3 ^= v0;                                                                                                      \
        v2 += v1;                                                                                                      \
        v1 = rotl(v1, 17);                                                                                             \
        v1 ^= v2;                                                                                                      \
        v2 = rotl(v2, 32);                                                                                             \
    } while (0)

static void compress_word(struct hash_stream *st, uint64_t m)
{
    uint64_t v0 = st->v[0], v1 = st->v[1], v2 = st->v[2], v3 = st->v[3];
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
    st->v[0] = v0, st->v[1] = v1, st->v[2] = v2, st->v[3] = v3;
}

void hash_stream_init(struct hash_stream *st, const struct hash_key *key)
{
    st->v[0] = 0x736f6d6570736575ULL ^ key->k0;
    st->v[1] = 0x646f72616e646f6dULL ^ key->k1;
    st->v[2] = 0x6c7967656e657261ULL ^ key->k0;
    st->v[3] = 0x7465646279746573ULL ^ key->k1;
    st->tail = 0;
    st->len = 0;
}

void hash_stream_add(struct hash_stream *st, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0 && (st->len & 7) != 0) {
        st->tail |= (uint64_t)*p++ << (8 * (st->len & 7));
        st->len++;
        n--;
        if ((st->len & 7) == 0) {
            compress_word(st, st->tail);
            st->tail = 0;
        }
    }
    for (; n >= 8; p += 8, n -= 8, st->len += 8) {
        uint64_t m;
        memcpy(&m, p, 8); /* SipHash reads little-endian words, as every supported host stores them */
        compress_word(st, m);
    }
    for (; n > 0; n--, st->len++)
        st->tail |= (uint64_t)*p++ << (8 * (st->len & 7));
}

uint64_t hash_stream_end(const struct hash_stream *st)
{
    struct hash_stream s = *st;
    uint64_t last = s.tail | (uint64_t)s.len << 56;
    compress_word(&s, last);
    uint64_t v0 = s.v[0], v1 = s.v[1], v2 = s.v[2] ^ 0xff, v3 = s.v[3];
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash13(const struct hash_key *key, const void *data, size_t n)
{
    struct hash_stream st;
    hash_stream_init(&st, key);
    hash_stream_add(&st, data, n);
    return hash_stream_end(&st);
}

const struct hash_key *hash_domain_key(uint64_t domain, struct hash_key *out)
{
    const struct hash_key *run = hash_run_key();
    out->k0 = run->k0 ^ domain;
    out->k1 = run->k1;
    return out;
}

uint64_t hash_keyed(const void *data, size_t n, uint64_t domain)
{
    struct hash_key k;
    return siphash13(hash_domain_key(domain, &k), data, n);
}

uint64_t hash_keyed_pair(uint64_t x, uint64_t y, uint64_t domain)
{
    const struct hash_key *run = hash_run_key();
    return mix64((x ^ run->k0 ^ domain) * 0x9e3779b97f4a7c15ULL ^ mix64(y ^ run->k1));
}

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t murmur_round(uint64_t h, uint64_t word)
{
    return rotl(h ^ (word * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
}

uint64_t hash64(const void *data, size_t n, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t h = seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
    for (; n >= 8; p += 8, n -= 8)
        h = murmur_round(h, load64(p));
    if (n > 0) {
        uint8_t tail[8] = {0};
        memcpy(tail, p, n);
        h = murmur_round(h, load64(tail));
    }
    return mix64_murmur(h);
}
