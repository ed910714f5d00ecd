/* How a detector reports: one call per record, through the sink it was
 * given (detect/sink-t.h). A NULL sink or callback drops the record. */
#ifndef VIGIL_DETECT_SINK_H
#define VIGIL_DETECT_SINK_H

#include "detect/sink-t.h"

static inline void sink_alert(const struct detect_sink *s, const struct alert *a)
{
    if (s && s->alert)
        s->alert(s->ctx, a);
}

static inline void sink_finding(const struct detect_sink *s, const struct finding *f)
{
    if (s && s->finding)
        s->finding(s->ctx, f);
}

static inline void sink_sighting(const struct detect_sink *s, const struct intel_sighting *i)
{
    if (s && s->sighting)
        s->sighting(s->ctx, i);
}

static inline void sink_summary(const struct detect_sink *s, const struct sighting_summary *m)
{
    if (s && s->summary)
        s->summary(s->ctx, m);
}

static inline void sink_asset(const struct detect_sink *s, int event, int64_t ts_us, const struct asset_record *r)
{
    if (s && s->asset)
        s->asset(s->ctx, event, ts_us, r);
}

static inline void sink_phish(const struct detect_sink *s, const struct phish_record *m)
{
    if (s && s->phish)
        s->phish(s->ctx, m);
}

static inline void sink_flush(const struct detect_sink *s)
{
    if (s && s->flush)
        s->flush(s->ctx);
}

/* Gives the sink's resources back; the sink is empty afterwards. */
static inline void sink_release(struct detect_sink *s)
{
    if (s && s->release)
        s->release(s->ctx);
    if (s)
        *s = (struct detect_sink){0};
}

#endif
