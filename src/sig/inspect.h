/* Private to sig/: matching one rule list against one buffer. */
#ifndef VIGIL_SIG_INSPECT_H
#define VIGIL_SIG_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sig/rule.h"

/* Per-worker state of one evaluation. */
struct sig_inspect {
    void *match_data;           /* pcre2_match_data_8, one per worker */
    /* JIT-compiled copies of the set's pcres, made on first use: most
     * never run, and JIT-compiling ET Open's 4,000 costs a tenth of a load. */
    void **jit;                 /* pcre2_code_8 per sig_pcre.index; NULL: not made (or JIT unavailable) */
    uint8_t *jit_tried;
    size_t n_jit;
    int budget;
    uint64_t vars[SIG_MAX_VARS];  /* byte_extract results */
    size_t b64_len;
    uint8_t b64[8192];          /* what the last base64_decode produced */
};

bool sig_inspect_init(struct sig_inspect *in, size_t n_pcres);
void sig_inspect_free(struct sig_inspect *in);
bool sig_inspect_list(struct sig_inspect *in, const struct sig_list *l, const uint8_t *buf, size_t len);
bool sig_range_match(const struct sig_range *r, uint64_t v);

#endif
