/* Private to sig/: a rule buffer's bytes in a transaction, and transforms. */
#ifndef VIGIL_SIG_BUFFERS_H
#define VIGIL_SIG_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sig/rule.h"

struct sig_bytes {
    const uint8_t *p;
    size_t n;
};

/* Room for a buffer that has to be composed or transformed. */
struct sig_scratch {
    uint8_t data[32 * 1024];
};

/* The index-th instance of a buffer (several DNS questions, certificates,
 * recipients); false when there is none. response: the response side of
 * buffers both messages have (http.header, file.data...). */
bool sig_txn_buffer(int kind, const void *txn, unsigned buffer, unsigned index, bool response,
                    struct sig_scratch *s, struct sig_bytes *out);
/* The app a transaction belongs to (DCE-RPC over an SMB pipe is SMB's). */
int sig_app_of_txn(int kind, const void *txn);
/* A DCE-RPC request's interface (text), its major version and the opnum;
 * false when the transaction is not one. */
bool sig_txn_dcerpc(int kind, const void *txn, const char **iface, uint16_t *version, uint16_t *opnum);
bool sig_buffer_is_response(unsigned buffer);
bool sig_buffer_has_sides(unsigned buffer);
bool sig_buffer_is_request(unsigned buffer);

/* transform.c: applies a list's transforms; the result may be in `s`. */
void sig_transform(const struct sig_list *l, struct sig_bytes *b, struct sig_scratch *s);

#endif
