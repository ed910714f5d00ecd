#include "detect/sink_tee.h"

#include "detect/sink.h"

/* Each record handed to both sinks, first then second. */
#define TEE(kind, type)                                                                                                \
    static void tee_##kind(void *ctx, const type *record)                                                              \
    {                                                                                                                  \
        struct sink_pair *p = ctx;                                                                                     \
        sink_##kind(&p->first, record);                                                                                \
        sink_##kind(&p->second, record);                                                                               \
    }

TEE(alert, struct alert)
TEE(finding, struct finding)
TEE(sighting, struct intel_sighting)
TEE(summary, struct sighting_summary)
TEE(phish, struct phish_record)

static void tee_asset(void *ctx, int event, int64_t ts_us, const struct asset_record *r)
{
    struct sink_pair *p = ctx;
    sink_asset(&p->first, event, ts_us, r);
    sink_asset(&p->second, event, ts_us, r);
}

static void tee_flush(void *ctx)
{
    struct sink_pair *p = ctx;
    sink_flush(&p->first);
    sink_flush(&p->second);
}

static void tee_release(void *ctx)
{
    struct sink_pair *p = ctx;
    sink_release(&p->first);
}

struct detect_sink sink_tee(struct sink_pair *p)
{
    return (struct detect_sink){
        .ctx = p, .alert = tee_alert, .finding = tee_finding, .sighting = tee_sighting,
        .summary = tee_summary, .asset = tee_asset, .phish = tee_phish, .flush = tee_flush, .release = tee_release,
    };
}
