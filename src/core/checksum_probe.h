/* Checksum offload detection, Suricata's `checksum-validation: auto`: the
 * first packets of a capture are held and decoded with verification on; if
 * more than one checksum in ten is wrong, the capture was taken on a host
 * whose NIC fills checksums in after capture, and verification is turned
 * off for the whole capture, those first packets included. A capture with a
 * few genuinely bad checksums keeps verification (they become weirds). */
#ifndef VIGIL_CORE_CHECKSUM_PROBE_H
#define VIGIL_CORE_CHECKSUM_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"

struct checksum_verdict {
    bool offloaded;          /* verification turned off */
    uint64_t verified, bad;  /* checksums computed over the sample, and wrong */
    uint64_t packets;        /* packets in the sample */
};

struct checksum_probe;

/* NULL when out of memory. cfg: the run's decoder settings. The caller frees
 * it with checksum_probe_free(). */
struct checksum_probe *checksum_probe_new(const struct decode_config *cfg);
void checksum_probe_free(struct checksum_probe *p);

/* Holds a copy of the packet; true when the sample is complete (then call
 * checksum_probe_decide). false also when a copy could not be made: the
 * sample then ends there. */
bool checksum_probe_add(struct checksum_probe *p, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                        uint32_t caplen, uint32_t wirelen);

/* Decides over what was held (also when the capture ended early). */
void checksum_probe_decide(struct checksum_probe *p, struct checksum_verdict *v);

/* lane: as given to checksum_probe_add (the worker a capture ring chose). */
typedef void (*checksum_probe_replay_fn)(void *ctx, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                                         uint32_t caplen, uint32_t wirelen);

/* Hands every held packet, in order, to fn, and lets them go. */
void checksum_probe_replay(struct checksum_probe *p, checksum_probe_replay_fn fn, void *ctx);
/* Hands the held packets of one lane, in order, to fn, and keeps them:
 * once decided, the probe is read-only, so each lane's own thread replays
 * its packets concurrently with the others (live on AF_PACKET rings). */
void checksum_probe_replay_lane(const struct checksum_probe *p, unsigned lane, checksum_probe_replay_fn fn, void *ctx);

#endif
