#include "output/detect_sink.h"

#include "output/assets_log.h"
#include "output/finding_log.h"
#include "output/intel_log.h"
#include "output/notice_log.h"
#include "output/phish_log.h"
#include "output/sightings_log.h"

static void on_alert(void *ctx, const struct alert *a)
{
    output_alert(ctx, a);
}
static void on_finding(void *ctx, const struct finding *f)
{
    output_finding(ctx, f);
}
static void on_sighting(void *ctx, const struct intel_sighting *s)
{
    output_intel(ctx, s);
}
static void on_summary(void *ctx, const struct sighting_summary *s)
{
    output_sighting(ctx, s);
}
static void on_asset(void *ctx, int event, int64_t ts_us, const struct asset_record *r)
{
    output_asset(ctx, (enum asset_event)event, ts_us, r);
}
static void on_phish(void *ctx, const struct phish_record *m)
{
    output_phish(ctx, m);
}
static void on_flush(void *ctx)
{
    output_worker_flush(ctx);
}
static void on_release(void *ctx)
{
    output_worker_free(ctx);
}

struct detect_sink output_detect_sink(struct output_worker *w)
{
    if (w == NULL)
        return (struct detect_sink){0};
    return (struct detect_sink){
        .ctx = w,
        .alert = on_alert,
        .finding = on_finding,
        .sighting = on_sighting,
        .summary = on_summary,
        .asset = on_asset,
        .phish = on_phish,
        .flush = on_flush,
    };
}

bool output_detect_sink_open(struct output *o, struct detect_sink *sink)
{
    struct output_worker *w = output_worker_new(o);
    *sink = output_detect_sink(w);
    if (w == NULL)
        return false;
    sink->release = on_release;
    return true;
}
