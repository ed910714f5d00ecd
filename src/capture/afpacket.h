/* capture/afpacket: live capture on Linux through AF_PACKET v3. One
 * TPACKET_V3 ring per worker, the rings joined in one PACKET_FANOUT_HASH
 * group with PACKET_FANOUT_FLAG_DEFRAG, so the kernel keeps a flow (and
 * the fragments of a datagram, reassembled) on one ring; BPF filters are
 * compiled by libpcap and run in the kernel. Used by capture.c only. */
#ifndef VIGIL_CAPTURE_AFPACKET_H
#define VIGIL_CAPTURE_AFPACKET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "capture/capture.h"

struct afpacket;

/* NULL and a one-line reason naming the interface; *unsupported is set
 * when the interface is not an Ethernet-like link (the caller falls back
 * to libpcap). Every socket is opened here: nothing later needs a
 * privilege. The caller closes it with afpacket_close(). */
struct afpacket *afpacket_open(const char *iface, const struct capture_live_config *cfg, bool *unsupported,
                               char *err, size_t errlen);
/* Installs the compiled filter on every ring (in the kernel). */
bool afpacket_set_filter(struct afpacket *a, const char *filter, char *err, size_t errlen);
struct afpacket_callbacks {
    capture_packet_fn packet;                     /* on the ring's thread */
    void *ctx;
    void (*idle)(void *ctx);                      /* on the caller's thread, every 100 ms */
    void *idle_ctx;
    void (*lane_idle)(void *ctx, unsigned lane);  /* on the ring's thread, when it had nothing */
    void *lane_idle_ctx;
};

/* One thread per ring (pinned as the config said), until *stop; then each
 * thread empties its ring. The caller's thread runs the idle callback. */
enum capture_status afpacket_run(struct afpacket *a, const struct afpacket_callbacks *cb, volatile sig_atomic_t *stop,
                                 char *msg, size_t msglen);
void afpacket_get_stats(struct afpacket *a, struct capture_stats *st);
void afpacket_close(struct afpacket *a);

#endif
