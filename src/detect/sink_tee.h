/* detect/sink_tee: one sink that reports to two — the writer's sink and a
 * subscriber that also wants every report (the incident correlator).
 * Release gives back the first only: the subscriber belongs to whoever
 * subscribed it. */
#ifndef VIGIL_DETECT_SINK_TEE_H
#define VIGIL_DETECT_SINK_TEE_H

#include "detect/sink-t.h"

struct sink_pair {
    struct detect_sink first, second;
};

/* A sink forwarding to p->first then p->second; p must outlive it. */
struct detect_sink sink_tee(struct sink_pair *p);

#endif
