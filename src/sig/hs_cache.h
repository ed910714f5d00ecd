/* Private to sig/: compiled Hyperscan databases cached on disk, found by
 * the SHA-256 of what their compilation reads. */
#ifndef VIGIL_SIG_HS_CACHE_H
#define VIGIL_SIG_HS_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <hs.h>

#include "sig/arena.h"

#define SIG_HS_CACHE_PATH 4096

/* The cache directory: $VIGIL_RULES_CACHE ("off": none), else
 * $XDG_CACHE_HOME/vigil/hs, else $HOME/.cache/vigil/hs. false: no cache. */
bool sig_hs_cache_default(char *out, size_t outlen);

/* The key of one database, fed with everything its compilation reads. */
struct sig_hs_key {
    void *md;                   /* EVP_MD_CTX; NULL after a failure (no key, no cache) */
};
void sig_hs_key_init(struct sig_hs_key *k);
void sig_hs_key_add(struct sig_hs_key *k, const void *p, size_t n);
bool sig_hs_key_end(struct sig_hs_key *k, char hex[65]);

/* NULL when the directory holds no usable database for the key. The
 * database is placed in arena when it can (*in_arena: then it is freed
 * with the arena, never with hs_free_database), else Hyperscan allocates
 * it; arena may be NULL. */
hs_database_t *sig_hs_cache_load(const char *dir, const char *hex, struct sig_arena *arena, bool *in_arena);
/* Best effort: a cache that cannot be written only costs the next load. */
void sig_hs_cache_store(const char *dir, const char *hex, const hs_database_t *db);

#endif
