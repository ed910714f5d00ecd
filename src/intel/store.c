/* The indicator store: open-addressing tables over a dense entry array,
 * strings and metadata interned in an append-only arena (so every pointer
 * handed out stays valid until intel_store_free). */
#include "intel/intel.h"
#include "intel/intel_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/hindex.h"

/* An indicator listed by more feeds than this keeps the first ones only: a
 * value in thousands of MISP events would otherwise cost quadratic merging. */
#define MAX_META_PER_ENTRY 1024
#define ARENA_BLOCK (1u << 20)
#define NO_ENTRY UINT32_MAX
#define MAX_ENTRIES (UINT32_MAX - 1)

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

struct arena {
    struct arena_block *head;
    size_t bytes;
};

/* Keyed by (type, normalised string): every type but ADDR and SUBNET. */
struct str_slot {
    uint32_t hash;
    uint32_t id;
};

struct addr_slot {
    struct ip_addr key;
    uint32_t id;
};

struct addr_table {
    struct addr_slot *slots;
    size_t cap, used;   /* cap is a power of two, or 0 */
    /* Eight bits per slot, set for each key's hash: most addresses on the
     * wire are in no feed, and this small bitmap (it stays in cache)
     * answers "no" without touching the large table. */
    uint64_t *filter;
};

static size_t filter_bits(size_t cap)
{
    return cap * 8;
}

static void filter_set(struct addr_table *t, uint32_t h)
{
    size_t bit = (size_t)h & (filter_bits(t->cap) - 1);
    t->filter[bit / 64] |= 1ULL << (bit % 64);
}

static bool filter_may_hold(const struct addr_table *t, uint32_t h)
{
    size_t bit = (size_t)h & (filter_bits(t->cap) - 1);
    return (t->filter[bit / 64] >> (bit % 64)) & 1;
}

struct intern_slot {
    const char *s;
    uint32_t hash;
    uint32_t len;
};

/* An interned meta. `self` lets an entry listed by one feed point its meta
 * list at the record itself instead of a one-element array. */
struct meta_rec {
    struct intel_meta m;
    const struct intel_meta *self;
    uint64_t hash;
};

struct intel_store {
    struct arena arena;
    struct intel_entry *entries;
    uint32_t *lens;                 /* strlen of entries[i].indicator */
    size_t n_entries, cap_entries;

    struct str_slot *str_slots;
    size_t str_cap, str_used;
    uint64_t *str_filter;           /* 8 bits per slot: see struct addr_table's filter */

    struct addr_table addrs;
    struct addr_table subnets[129]; /* by prefix length on the 16-byte form */
    uint8_t subnet_lens[129];       /* lengths present, longest first */
    unsigned n_subnet_lens;

    struct intern_slot *intern;
    size_t intern_cap, intern_used;

    struct meta_rec **metas;
    size_t meta_cap, meta_used;
};

/* ---- hashing ---- */

/* Indicators come from feed files and lookups from the wire: every table
 * hashes under the run's key (util/hash), and nothing walks a table in slot
 * order, so the key never shows. */
enum { STR_DOMAIN = 0x1000193, INTERN_DOMAIN = 0x51ed27, META_DOMAIN = 0x3e7a, ADDR_DOMAIN = 0xadd7 };

/* ---- arena ---- */

static void *arena_alloc(struct arena *a, size_t size, size_t align)
{
    struct arena_block *b = a->head;
    if (b != NULL) {
        size_t off = (b->used + align - 1) & ~(align - 1);
        if (off <= b->size && size <= b->size - off) {
            b->used = off + size;
            return b->data + off;
        }
    }
    size_t want = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
    if (want > SIZE_MAX - sizeof *b)
        return NULL;
    struct arena_block *nb = malloc(sizeof *nb + want);
    if (nb == NULL)
        return NULL;
    nb->size = want;
    a->bytes += sizeof *nb + want;
    if (size > ARENA_BLOCK / 4 && b != NULL) {
        /* a big one-off goes behind the current block so its free space is not lost */
        nb->used = size;
        nb->next = b->next;
        b->next = nb;
        return nb->data;
    }
    nb->used = size;
    nb->next = b;
    a->head = nb;
    return nb->data;
}

static char *arena_strdup(struct arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1, 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->bytes = 0;
}

/* ---- life cycle ---- */

struct intel_store *intel_store_new(void)
{
    return calloc(1, sizeof(struct intel_store));
}

void intel_store_free(struct intel_store *s)
{
    if (s == NULL)
        return;
    arena_free(&s->arena);
    free(s->entries);
    free(s->lens);
    free(s->str_slots);
    free(s->str_filter);
    free(s->addrs.slots);
    free(s->addrs.filter);
    for (unsigned i = 0; i < 129; i++) {
        free(s->subnets[i].slots);
        free(s->subnets[i].filter);
    }
    free(s->intern);
    free(s->metas);
    free(s);
}

size_t intel_store_count(const struct intel_store *s)
{
    return s ? s->n_entries : 0;
}

size_t intel_store_memory(const struct intel_store *s)
{
    if (s == NULL)
        return 0;
    size_t m = sizeof *s + s->arena.bytes;
    m += s->cap_entries * (sizeof *s->entries + sizeof *s->lens);
    m += s->str_cap * sizeof *s->str_slots + s->str_cap;   /* slots and filter */
    m += s->addrs.cap * sizeof(struct addr_slot);
    for (unsigned i = 0; i < 129; i++)
        m += s->subnets[i].cap * sizeof(struct addr_slot);
    m += s->intern_cap * sizeof *s->intern;
    m += s->meta_cap * sizeof *s->metas;
    return m;
}

/* ---- tables ---- */

/* A string or address table grown to new_cap slots (util/hindex.h; empty
 * slots hold id NO_ENTRY, every byte 0xff), its filter built again for
 * them: eight bits a slot, the bit of each key's hash set. False (nothing
 * changed) when out of memory. */
static bool table_grow(void **slots, size_t *cap, uint64_t **filter, size_t new_cap, size_t size,
                       bool (*used)(const void *), uint64_t (*hash)(const void *, const void *))
{
    uint64_t *f = calloc(filter_bits(new_cap) / 64, sizeof *f);
    if (f == NULL || !hindex_slots_regrow(slots, cap, new_cap, size, 0xff, used, hash, NULL)) {
        free(f);
        return false;
    }
    const unsigned char *p = *slots;
    for (size_t i = 0; i < new_cap; i++) {
        if (!used(p + i * size))
            continue;
        size_t bit = hash(NULL, p + i * size) & (filter_bits(new_cap) - 1);
        f[bit / 64] |= 1ULL << (bit % 64);
    }
    free(*filter);
    *filter = f;
    return true;
}

/* ---- string-keyed table ---- */

static uint32_t str_hash(enum intel_type t, const char *v, size_t n)
{
    return (uint32_t)hash_keyed(v, n, STR_DOMAIN * ((uint64_t)t + 1));
}

static bool entry_matches(const struct intel_store *s, uint32_t id, enum intel_type t, const char *v, size_t n)
{
    return s->entries[id].type == t && s->lens[id] == n && memcmp(s->entries[id].indicator, v, n) == 0;
}

/* The slot holding (t, v), or the empty slot where it would go. */
static struct str_slot *str_find(const struct intel_store *s, enum intel_type t, const char *v, size_t n, uint32_t h)
{
    size_t mask = s->str_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct str_slot *slot = &s->str_slots[i];
        if (slot->id == NO_ENTRY)
            return slot;
        if (slot->hash == h && entry_matches(s, slot->id, t, v, n))
            return slot;
    }
}

static bool str_slot_used(const void *slot)
{
    return ((const struct str_slot *)slot)->id != NO_ENTRY;
}

static uint64_t str_slot_hash(const void *ctx, const void *slot)
{
    return ((const struct str_slot *)slot)->hash;
}

static bool str_grow(struct intel_store *s)
{
    if (s->str_cap != 0 && (s->str_used + 1) * 2 <= s->str_cap)
        return true;
    return table_grow((void **)&s->str_slots, &s->str_cap, &s->str_filter, s->str_cap ? s->str_cap * 2 : 1024,
                      sizeof *s->str_slots, str_slot_used, str_slot_hash);
}

/* ---- address tables ---- */

static uint32_t addr_hash(const struct ip_addr *a)
{
    uint64_t x, y;
    memcpy(&x, a->b, 8);
    memcpy(&y, a->b + 8, 8);
    return (uint32_t)hash_keyed_pair(x, y, ADDR_DOMAIN);
}

static struct addr_slot *addr_find(const struct addr_table *t, const struct ip_addr *a)
{
    size_t mask = t->cap - 1;
    for (size_t i = addr_hash(a) & mask;; i = (i + 1) & mask) {
        struct addr_slot *slot = &t->slots[i];
        if (slot->id == NO_ENTRY || memcmp(slot->key.b, a->b, 16) == 0)
            return slot;
    }
}

static bool addr_slot_used(const void *slot)
{
    return ((const struct addr_slot *)slot)->id != NO_ENTRY;
}

static uint64_t addr_slot_hash(const void *ctx, const void *slot)
{
    return addr_hash(&((const struct addr_slot *)slot)->key);
}

static bool addr_grow(struct addr_table *t)
{
    if (t->cap != 0 && (t->used + 1) * 2 <= t->cap)
        return true;
    return table_grow((void **)&t->slots, &t->cap, &t->filter, t->cap ? t->cap * 2 : 64, sizeof *t->slots,
                      addr_slot_used, addr_slot_hash);
}

static void note_subnet_len(struct intel_store *s, uint8_t len)
{
    for (unsigned i = 0; i < s->n_subnet_lens; i++)
        if (s->subnet_lens[i] == len)
            return;
    unsigned i = s->n_subnet_lens++;
    while (i > 0 && s->subnet_lens[i - 1] < len) {
        s->subnet_lens[i] = s->subnet_lens[i - 1];
        i--;
    }
    s->subnet_lens[i] = len;
}

/* ---- interning ---- */

static bool intern_slot_used(const void *slot)
{
    return ((const struct intern_slot *)slot)->s != NULL;
}

static uint64_t intern_slot_hash(const void *ctx, const void *slot)
{
    return ((const struct intern_slot *)slot)->hash;
}

static const char *intern_string(struct intel_store *s, const char *str)
{
    if (str == NULL)
        return NULL;
    size_t n = strlen(str);
    if (n > UINT32_MAX)
        return NULL;
    if ((s->intern_cap == 0 || (s->intern_used + 1) * 2 > s->intern_cap) &&
        !hindex_slots_regrow((void **)&s->intern, &s->intern_cap, s->intern_cap ? s->intern_cap * 2 : 256,
                             sizeof *s->intern, 0, intern_slot_used, intern_slot_hash, NULL))
        return NULL;
    uint32_t h = (uint32_t)hash_keyed(str, n, INTERN_DOMAIN);
    size_t mask = s->intern_cap - 1;
    size_t i = h & mask;
    for (; s->intern[i].s != NULL; i = (i + 1) & mask)
        if (s->intern[i].hash == h && s->intern[i].len == n && memcmp(s->intern[i].s, str, n) == 0)
            return s->intern[i].s;
    char *copy = arena_strdup(&s->arena, str, n);
    if (copy == NULL)
        return NULL;
    s->intern[i] = (struct intern_slot){copy, h, (uint32_t)n};
    s->intern_used++;
    return copy;
}

/* Metas compare by pointer: their strings are interned. */
static bool meta_equal(const struct intel_meta *a, const struct intel_meta *b)
{
    return a->source == b->source && a->desc == b->desc && a->ref == b->ref && a->tags == b->tags &&
           a->actor == b->actor && a->malware == b->malware && a->attack == b->attack &&
           a->threat_level == b->threat_level && a->valid_from_us == b->valid_from_us &&
           a->valid_until_us == b->valid_until_us;
}

static uint64_t meta_hash(const struct intel_meta *m)
{
    uintptr_t words[10] = {
        (uintptr_t)m->source, (uintptr_t)m->desc,   (uintptr_t)m->ref,    (uintptr_t)m->tags,
        (uintptr_t)m->actor,  (uintptr_t)m->malware, (uintptr_t)m->attack, (uintptr_t)m->threat_level,
        (uintptr_t)m->valid_from_us, (uintptr_t)m->valid_until_us,
    };
    return hash_keyed(words, sizeof words, META_DOMAIN);
}

static bool meta_slot_used(const void *slot)
{
    return *(struct meta_rec *const *)slot != NULL;
}

static uint64_t meta_slot_hash(const void *ctx, const void *slot)
{
    return (*(struct meta_rec *const *)slot)->hash;
}

static struct meta_rec *intern_meta(struct intel_store *s, const struct intel_meta *in)
{
    struct intel_meta m = *in;
    const char **fields[] = {&m.source, &m.desc, &m.ref, &m.tags, &m.actor, &m.malware, &m.attack};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (*fields[i] == NULL)
            continue;
        *fields[i] = intern_string(s, *fields[i]);
        if (*fields[i] == NULL)
            return NULL;
    }
    if ((s->meta_cap == 0 || (s->meta_used + 1) * 2 > s->meta_cap) &&
        !hindex_slots_regrow((void **)&s->metas, &s->meta_cap, s->meta_cap ? s->meta_cap * 2 : 64, sizeof *s->metas,
                             0, meta_slot_used, meta_slot_hash, NULL))
        return NULL;
    uint64_t h = meta_hash(&m);
    size_t mask = s->meta_cap - 1;
    size_t i = h & mask;
    for (; s->metas[i] != NULL; i = (i + 1) & mask)
        if (s->metas[i]->hash == h && meta_equal(&s->metas[i]->m, &m))
            return s->metas[i];
    struct meta_rec *rec = arena_alloc(&s->arena, sizeof *rec, _Alignof(struct meta_rec));
    if (rec == NULL)
        return NULL;
    rec->m = m;
    rec->self = &rec->m;
    rec->hash = h;
    s->metas[i] = rec;
    s->meta_used++;
    return rec;
}

static bool meta_is_empty(const struct intel_meta *m)
{
    return m->source == NULL && m->desc == NULL && m->ref == NULL && m->tags == NULL && m->actor == NULL &&
           m->malware == NULL && m->attack == NULL && m->threat_level == 0 && m->valid_from_us == 0 &&
           m->valid_until_us == 0;
}

/* Adds rec to e's list unless already there. Lists hold n_meta rounded up
 * to a power of two, so a full list is recognised from n_meta alone. */
static void entry_add_meta(struct intel_store *s, struct intel_entry *e, struct meta_rec *rec)
{
    for (uint32_t i = 0; i < e->n_meta; i++)
        if (e->meta[i] == &rec->m)
            return;
    if (e->n_meta == 0) {
        e->meta = &rec->self;
        e->n_meta = 1;
        return;
    }
    if (e->n_meta >= MAX_META_PER_ENTRY)
        return;
    const struct intel_meta **list;
    if ((e->n_meta & (e->n_meta - 1)) == 0) {
        list = arena_alloc(&s->arena, 2 * (size_t)e->n_meta * sizeof *list, _Alignof(const struct intel_meta *));
        if (list == NULL)
            return;
        memcpy(list, e->meta, e->n_meta * sizeof *list);
        e->meta = list;
    } else {
        list = (const struct intel_meta **)(uintptr_t)e->meta;
    }
    list[e->n_meta++] = &rec->m;
}

/* ---- adding ---- */

static struct intel_entry *new_entry(struct intel_store *s, enum intel_type t, const char *v, size_t n)
{
    if (s->n_entries >= MAX_ENTRIES || n > UINT32_MAX)
        return NULL;
    if (s->n_entries == s->cap_entries) {
        size_t cap = s->cap_entries ? s->cap_entries * 2 : 1024;
        struct intel_entry *e = realloc(s->entries, cap * sizeof *e);
        if (e == NULL)
            return NULL;
        s->entries = e;
        uint32_t *l = realloc(s->lens, cap * sizeof *l);
        if (l == NULL)
            return NULL;
        s->lens = l;
        s->cap_entries = cap;
    }
    char *copy = arena_strdup(&s->arena, v, n);
    if (copy == NULL)
        return NULL;
    uint32_t id = (uint32_t)s->n_entries;
    struct intel_entry *e = &s->entries[id];
    *e = (struct intel_entry){.type = t, .indicator = copy, .id = id, .n_meta = 0, .meta = NULL};
    s->lens[id] = (uint32_t)n;
    s->n_entries++;
    return e;
}

/* Finds or creates the entry for a normalised value; *created says which.
 * NULL only when memory runs out. */
static struct intel_entry *find_or_create(struct intel_store *s, enum intel_type t, const char *v, size_t n,
                                          const struct ip_addr *key, int prefix_len, bool *created)
{
    *created = false;
    if (t == INTEL_ADDR || t == INTEL_SUBNET) {
        struct addr_table *tab = t == INTEL_ADDR ? &s->addrs : &s->subnets[prefix_len];
        if (!addr_grow(tab))
            return NULL;
        struct addr_slot *slot = addr_find(tab, key);
        if (slot->id != NO_ENTRY)
            return &s->entries[slot->id];
        struct intel_entry *e = new_entry(s, t, v, n);
        if (e == NULL)
            return NULL;
        slot->key = *key;
        slot->id = e->id;
        filter_set(tab, addr_hash(key));
        tab->used++;
        if (t == INTEL_SUBNET)
            note_subnet_len(s, (uint8_t)prefix_len);
        *created = true;
        return e;
    }
    if (!str_grow(s))
        return NULL;
    uint32_t h = str_hash(t, v, n);
    struct str_slot *slot = str_find(s, t, v, n, h);
    if (slot->id != NO_ENTRY)
        return &s->entries[slot->id];
    struct intel_entry *e = new_entry(s, t, v, n);
    if (e == NULL)
        return NULL;
    size_t bit = h & (s->str_cap * 8 - 1);
    s->str_filter[bit / 64] |= 1ULL << (bit % 64);
    slot->hash = h;
    slot->id = e->id;
    s->str_used++;
    *created = true;
    return e;
}

enum intel_add_result intel_store_add(struct intel_store *s, enum intel_type t, const char *value, size_t len,
                                      const struct intel_meta *meta)
{
    if (s == NULL || value == NULL || (unsigned)t >= INTEL_TYPE_COUNT)
        return INTEL_ADD_INVALID;
    char norm[INTEL_VALUE_MAX];
    struct ip_addr key;
    int prefix_len = 0;
    size_t n;
    if (t == INTEL_ADDR) {
        n = intel_normalize_addr(value, len, norm, sizeof norm, &key);
    } else if (t == INTEL_SUBNET) {
        struct ip_prefix p;
        n = intel_normalize_subnet(value, len, norm, sizeof norm, &p);
        key = p.addr;
        prefix_len = p.len;
    } else {
        n = intel_normalize(t, value, len, norm, sizeof norm);
    }
    if (n == 0)
        return INTEL_ADD_INVALID;
    bool created;
    struct intel_entry *e = find_or_create(s, t, norm, n, &key, prefix_len, &created);
    /* Out of memory: the indicator cannot be stored, which the loader must
     * report like a value it could not use. */
    if (e == NULL)
        return INTEL_ADD_INVALID;
    if (meta != NULL && !meta_is_empty(meta)) {
        struct meta_rec *rec = intern_meta(s, meta);
        if (rec != NULL)
            entry_add_meta(s, e, rec);
    }
    return created ? INTEL_ADD_NEW : INTEL_ADD_DUPLICATE;
}

/* ---- lookups ---- */

static const struct intel_entry *lookup_addr_table(const struct intel_store *s, const struct addr_table *t,
                                                   const struct ip_addr *a)
{
    if (t->cap == 0 || !filter_may_hold(t, addr_hash(a)))
        return NULL;
    const struct addr_slot *slot = addr_find(t, a);
    return slot->id == NO_ENTRY ? NULL : &s->entries[slot->id];
}

const struct intel_entry *intel_lookup_addr(const struct intel_store *s, const struct ip_addr *a)
{
    if (s == NULL || a == NULL)
        return NULL;
    const struct intel_entry *e = lookup_addr_table(s, &s->addrs, a);
    if (e != NULL)
        return e;
    for (unsigned i = 0; i < s->n_subnet_lens; i++) {
        unsigned len = s->subnet_lens[i];
        struct ip_addr masked = *a;
        for (unsigned byte = len / 8; byte < 16; byte++)
            masked.b[byte] = byte == len / 8 ? (uint8_t)(masked.b[byte] & (0xff00u >> (len % 8))) : 0;
        e = lookup_addr_table(s, &s->subnets[len], &masked);
        if (e != NULL)
            return e;
    }
    return NULL;
}

static const struct intel_entry *lookup_exact(const struct intel_store *s, enum intel_type t, const char *v,
                                              size_t n)
{
    if (s->str_cap == 0)
        return NULL;
    uint32_t h = str_hash(t, v, n);
    size_t bit = h & (s->str_cap * 8 - 1);
    if (!((s->str_filter[bit / 64] >> (bit % 64)) & 1))
        return NULL; /* most wire values are in no feed: answered from cache */
    const struct str_slot *slot = str_find(s, t, v, n, h);
    return slot->id == NO_ENTRY ? NULL : &s->entries[slot->id];
}

const struct intel_entry *intel_lookup_domain(const struct intel_store *s, const char *name, size_t len)
{
    if (s == NULL || name == NULL || s->str_cap == 0)
        return NULL;
    char norm[INTEL_VALUE_MAX];
    const char *v = name;
    size_t n = len;
    if (!intel_domain_is_canonical(name, len)) {
        n = intel_normalize(INTEL_DOMAIN, name, len, norm, sizeof norm);
        if (n == 0)
            return NULL;
        v = norm;
    }
    /* Stored domains have at least two labels, so the walk stops there. */
    for (;;) {
        const char *dot = memchr(v, '.', n);
        if (dot == NULL)
            return NULL;
        const struct intel_entry *e = lookup_exact(s, INTEL_DOMAIN, v, n);
        if (e != NULL)
            return e;
        n -= (size_t)(dot + 1 - v);
        v = dot + 1;
    }
}

const struct intel_entry *intel_lookup(const struct intel_store *s, enum intel_type t, const char *value, size_t len)
{
    if (s == NULL || value == NULL || (unsigned)t >= INTEL_TYPE_COUNT)
        return NULL;
    if (t == INTEL_DOMAIN)
        return intel_lookup_domain(s, value, len);
    char norm[INTEL_VALUE_MAX];
    if (t == INTEL_ADDR || t == INTEL_SUBNET) {
        struct ip_addr a;
        if (t == INTEL_ADDR) {
            if (intel_normalize_addr(value, len, norm, sizeof norm, &a) == 0)
                return NULL;
            return intel_lookup_addr(s, &a);
        }
        struct ip_prefix p;
        if (intel_normalize_subnet(value, len, norm, sizeof norm, &p) == 0 || s->subnets[p.len].cap == 0)
            return NULL;
        return lookup_addr_table(s, &s->subnets[p.len], &p.addr);
    }
    if (s->str_cap == 0)
        return NULL;
    if (intel_hash_is_canonical(t, value, len))
        return lookup_exact(s, t, value, len);
    size_t n = intel_normalize(t, value, len, norm, sizeof norm);
    return n == 0 ? NULL : lookup_exact(s, t, norm, n);
}

enum intel_validity intel_validity_at(const struct intel_entry *e, int64_t ts_us)
{
    bool before = false;
    for (uint32_t i = 0; i < e->n_meta; i++) {
        const struct intel_meta *m = e->meta[i];
        if (m->valid_from_us != 0 && ts_us < m->valid_from_us)
            before = true;
        else if (m->valid_until_us == 0 || ts_us < m->valid_until_us)
            return INTEL_VALIDITY_IN_WINDOW;
    }
    if (e->n_meta == 0)
        return INTEL_VALIDITY_IN_WINDOW;
    /* before one feed's window and after another's: the nearer story for a
     * hunter is that the traffic came first */
    return before ? INTEL_VALIDITY_BEFORE_VALID_FROM : INTEL_VALIDITY_AFTER_VALID_UNTIL;
}

