/* core/engine: the packet pipeline behind `vigil read` and `vigil live`.
 * The caller (capture loop) feeds frames; the engine decodes, tracks flows
 * and writes logs, on the caller's thread (workers == 1) or spread over
 * worker threads by a symmetric address hash. */
#ifndef VIGIL_CORE_ENGINE_H
#define VIGIL_CORE_ENGINE_H

#include <stdint.h>

#include "core/checksum_probe.h"
#include "core/config.h"
#include "output/output.h"

struct engine;

struct engine_stats {
    uint64_t packets;
    uint64_t bytes;            /* captured bytes processed */
    uint64_t wire_bytes;       /* original lengths: more than bytes when a snaplen cut packets */
    uint64_t flows;            /* connections logged */
    uint64_t not_ip, malformed, truncated;
    uint64_t weirds;
    uint64_t flows_evicted;    /* memcap evictions */
    uint64_t fragments, frag_dropped;
    uint64_t sig_alerts;       /* --rules matches that alerted */
};

struct detect;

/* out may be NULL: everything is analysed and nothing written (fuzzing).
 * detect may be NULL: no detectors; otherwise every worker feeds it (the
 * caller keeps ownership and frees it after engine_free). The caller frees
 * the engine with engine_free(); NULL with err set on failure. */
struct engine *engine_new(const struct vigil_config *cfg, struct output *out, struct detect *detect,
                          char *err, size_t errlen);
void engine_packet(struct engine *e, int linktype, int64_t ts_us,
                   const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* Lanes (cfg.lanes: live on AF_PACKET rings): worker lane % workers is
 * driven by the thread of capture ring `lane`, which calls these, and only
 * that thread (concurrently with the other lanes' threads). The packet goes
 * straight to that worker. engine_lane_idle: the ring had nothing for a
 * while (call at least every 100 ms): the worker takes the run's requests
 * (flush, reloads, open-flow scans). Every other engine call comes from the
 * thread that drives the run; engine_finish once the lanes' threads ended. */
void engine_lane_packet(struct engine *e, unsigned lane, int linktype, int64_t ts_us, const uint8_t *data,
                        uint32_t caplen, uint32_t wirelen);
void engine_lane_idle(struct engine *e, unsigned lane);
/* Lanes: packets and bytes taken so far and the newest packet time, safe
 * to call while the lanes run. */
void engine_lane_progress(const struct engine *e, uint64_t *packets, uint64_t *bytes, int64_t *last_ts_us);
/* Live: hands every flow open since before started_before to the
 * detectors (long connections still open). Done by each worker at its next
 * batch, or at once without worker threads. */
void engine_scan_open_flows(struct engine *e, int64_t started_before);
/* Replaces the --rules set (NULL: none): workers switch between batches.
 * The old set may be freed once engine_rules_switched says so. */
void engine_set_rules(struct engine *e, const struct sig_set *rules);
bool engine_rules_switched(struct engine *e);
/* Ends every flow (reason: shutdown), drains the workers, flushes outputs. */
/* Live, about twice a second and around a feed reload: every worker takes
 * the current indicator set and writes out the lines it holds (a partly
 * filled batch is handed over), so each line reaches its file within a
 * second and a reload with no traffic never waits for idle workers. `read`
 * calls it only with --flush-interval. */
void engine_flush_tick(struct engine *e);
void engine_finish(struct engine *e);
void engine_get_stats(const struct engine *e, struct engine_stats *s);
/* Connections logged so far, safe to call while workers run (live's stats.log). */
uint64_t engine_flows_logged(const struct engine *e);

/* With checksums_auto: true once the offload probe has decided, *v saying
 * what it found (the first call after that is the time to say so). */
bool engine_checksum_verdict(struct engine *e, struct checksum_verdict *v);
void engine_free(struct engine *e);

#endif
