#include "detect/sink_tee.h"

#include "detect/sink.h"

static void tee_alert(void *ctx, const struct alert *a)
{
    struct sink_pair *p = ctx;
    sink_alert(&p->first, a);
    sink_alert(&p->second, a);
}

static void tee_finding(void *ctx, const struct finding *f)
{
    struct sink_pair *p = ctx;
    sink_finding(&p->first, f);
    sink_finding(&p->second, f);
}

static void tee_sighting(void *ctx, const struct intel_sighting *s)
{
    struct sink_pair *p = ctx;
    sink_sighting(&p->first, s);
    sink_sighting(&p->second, s);
}

static void tee_summary(void *ctx, const struct sighting_summary *s)
{
    struct sink_pair *p = ctx;
    sink_summary(&p->first, s);
    sink_summary(&p->second, s);
}

static void tee_asset(void *ctx, int event, int64_t ts_us, const struct asset_record *r)
{
    struct sink_pair *p = ctx;
    sink_asset(&p->first, event, ts_us, r);
    sink_asset(&p->second, event, ts_us, r);
}

static void tee_phish(void *ctx, const struct phish_record *m)
{
    struct sink_pair *p = ctx;
    sink_phish(&p->first, m);
    sink_phish(&p->second, m);
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
