#include "asset/devices_detector.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/config-t.h"
#include "asset/device_behaviour.h"
#include "asset/fingerprint.h"
#include "asset/inventory.h"
#include "asset/observe.h"
#include "asset/oui.h"
#include "asset/record_text.h"
#include "asset/vendor_policy.h"
#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/sink.h"
#include "detect/stats-t.h"
#include "util/buf.h"
#include "util/datadir.h"

/* Device alerts: gid 1, sids 9700001 + enum asset_alert_kind. */
#define DEVICES_SID_BASE 9700001
#define ALERT_EXTRA_MAX (16 * 1024)  /* the record carried in EVE */

static const char *const shipped_fingerprints[] = {
    "data/devices/fingerprints.tsv",    /* Vigil's own, checked first */
    "data/devices/recog.tsv",
    "data/devices/fingerbank_dhcp.tsv",
};

struct devices_run {
    pthread_mutex_t lock;               /* everything below */
    struct oui_registry *oui;
    struct fingerprint_db *fingerprints;
    struct vendor_policy *policy;
    struct device_behaviour behaviour;
    struct inventory *inv;
    const struct detect_sink *sink;     /* of the worker (or report) holding the lock */
    int64_t last_us;
    struct buf extra;                   /* the alert's EVE fragment */
};

struct devices_worker {
    struct devices_run *run;
    const struct detect_sink *sink;
};

static void on_record(void *ctx, enum asset_event ev, int64_t ts, const struct asset_record *r)
{
    struct devices_run *run = ctx;
    sink_asset(run->sink, (int)ev, ts, r);
}

/* "T1071,T1571" -> attack[] (pointing into copy). */
static void split_attack(struct alert *a, char *copy)
{
    for (char *p = copy; *p && a->n_attack < ALERT_MAX_ATTACK;) {
        a->attack[a->n_attack++] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
}

static void on_alert(void *ctx, const struct asset_alert *da)
{
    struct devices_run *run = ctx;
    const struct asset_record *r = da->device;
    struct alert a = {
        .ts_us = da->ts_us,
        .signature_id = DEVICES_SID_BASE + (uint32_t)da->kind,
        .signature = da->msg,
        .category = da->category,
        .severity = da->severity,
        .note = da->note,
        .notice_msg = da->msg,
        .sub = r->vendor[0] ? r->vendor : NULL,
    };
    if (da->conn)
        alert_set_conn_record(&a, da->conn);
    if (r->n_addrs) {
        a.has_src = true;
        a.src = r->addrs[r->n_addrs - 1];
    }
    if (da->has_peer) {
        a.has_dst = true;
        a.dst = da->peer.addr;
        a.p = da->peer.port;
    }
    char attack[64];
    snprintf(attack, sizeof attack, "%s", da->attack);
    split_attack(&a, attack);
    char risk[64];
    asset_risk_text(r, risk, sizeof risk);
    const struct alert_meta meta[] = {
        {"device", r->key},
        {"vendor", r->vendor[0] ? r->vendor : "unknown"},
        {"device_type", r->device_type[0] ? r->device_type : "unknown"},
        {"risk", risk[0] ? risk : "none"},
    };
    a.meta = meta;
    a.n_meta = sizeof meta / sizeof *meta;
    /* The inventory record rides along in EVE as alert.context.asset. */
    buf_reset(&run->extra);
    struct json_writer j;
    json_init(&j, &run->extra, JSON_SURICATA);
    json_object_begin(&j);
    json_key(&j, "asset");
    json_object_begin(&j);
    asset_record_json_members(&j, r);
    json_object_end(&j);
    json_object_end(&j);
    if (json_complete(&j) && !run->extra.failed && run->extra.len > 2) {
        buf_putc(&run->extra, '\0');
        /* members without the outer braces */
        run->extra.data[run->extra.len - 2] = '\0';
        a.alert_context = run->extra.data + 1;
    }
    sink_alert(run->sink, &a);
}

/* The shipped file rel, or an error naming where it was looked for. */
static bool shipped_path(const char *rel, char *out, size_t n, char *err, size_t errlen)
{
    if (vigil_data_path(rel, out, n))
        return true;
    snprintf(err, errlen, "%s: not found (set VIGIL_DATA_DIR to the folder holding data/)", out);
    return false;
}

static bool load_fingerprints(struct devices_run *run, const struct devices_config *cfg, char *err, size_t errlen)
{
    char paths[DEVICES_MAX_FINGERPRINT_FILES][4096];
    const char *list[DEVICES_MAX_FINGERPRINT_FILES];
    size_t n = 0;
    if (cfg->n_fingerprints) {
        for (; n < cfg->n_fingerprints && n < DEVICES_MAX_FINGERPRINT_FILES; n++)
            list[n] = cfg->fingerprints[n];
    } else {
        for (; n < sizeof shipped_fingerprints / sizeof *shipped_fingerprints; n++) {
            if (!shipped_path(shipped_fingerprints[n], paths[n], sizeof paths[n], err, errlen))
                return false;
            list[n] = paths[n];
        }
    }
    run->fingerprints = fingerprint_db_load(list, n, err, errlen);
    return run->fingerprints != NULL;
}

static bool load_data(struct devices_run *run, const struct devices_config *cfg, struct inventory_config *ic,
                      char *err, size_t errlen)
{
    run->oui = oui_registry_load(cfg->ieee_dir ? cfg->ieee_dir : OUI_DEFAULT_DIR, err, errlen);
    if (run->oui == NULL || !load_fingerprints(run, cfg, err, errlen))
        return false;
    char policy[4096], behaviour[4096];
    const char *policy_path = cfg->vendor_policy, *behaviour_path = cfg->behaviour_file;
    if ((policy_path == NULL && !shipped_path("data/devices/vendor_policy.tsv", policy, sizeof policy, err, errlen)) ||
        (behaviour_path == NULL &&
         !shipped_path("data/devices/device_behaviour.tsv", behaviour, sizeof behaviour, err, errlen)))
        return false;
    run->policy = vendor_policy_load(policy_path ? policy_path : policy, err, errlen);
    if (run->policy == NULL ||
        !device_behaviour_load(behaviour_path ? behaviour_path : behaviour, &run->behaviour, err, errlen))
        return false;
    if (cfg->allow_file && !inventory_allow_load(ic, cfg->allow_file, err, errlen))
        return false;
    ic->oui = run->oui;
    ic->fingerprints = run->fingerprints;
    ic->policy = run->policy;
    ic->behaviour = &run->behaviour;
    return true;
}

static void devices_close(void *state)
{
    struct devices_run *run = state;
    if (run == NULL)
        return;
    inventory_free(run->inv);
    vendor_policy_free(run->policy);
    fingerprint_db_free(run->fingerprints);
    oui_registry_free(run->oui);
    buf_free(&run->extra);
    pthread_mutex_destroy(&run->lock);
    free(run);
}

static bool devices_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    *state = NULL;
    if (!cfg->devices)
        return true;
    struct devices_run *run = calloc(1, sizeof *run);
    struct inventory_config *ic = calloc(1, sizeof *ic);
    if (run == NULL || ic == NULL) {
        snprintf(err, errlen, "out of memory for the device inventory");
        free(run);
        free(ic);
        return false;
    }
    pthread_mutex_init(&run->lock, NULL);
    buf_init(&run->extra, 4096, ALERT_EXTRA_MAX);
    bool ok = load_data(run, cfg->devices_cfg, ic, err, errlen);
    if (ok && (run->inv = inventory_new(ic, on_record, on_alert, run)) == NULL) {
        snprintf(err, errlen, "out of memory for the device inventory");
        ok = false;
    }
    free(ic);
    if (!ok) {
        devices_close(run);
        return false;
    }
    *state = run;
    return true;
}

static void *devices_worker_open(void *state, const struct detect_sink *sink)
{
    struct devices_worker *w = calloc(1, sizeof *w);
    if (w) {
        w->run = state;
        w->sink = sink;
    }
    return w;
}

static void devices_worker_close(void *worker)
{
    free(worker);
}

/* Takes the run for this worker: its reports go to the worker's sink. */
static struct devices_run *enter(struct devices_worker *w, int64_t ts)
{
    struct devices_run *run = w->run;
    pthread_mutex_lock(&run->lock);
    run->sink = w->sink;
    if (ts > run->last_us)
        run->last_us = ts;
    return run;
}

static void leave(struct devices_run *run)
{
    run->sink = NULL;
    pthread_mutex_unlock(&run->lock);
}

static void devices_neighbor(void *worker, int64_t ts_us, const struct neighbor_binding *b, bool ndp)
{
    struct devices_run *run = enter(worker, ts_us);
    inventory_neighbor(run->inv, ts_us, b->mac, &b->ip, ndp ? NEIGHBOR_NDP : NEIGHBOR_ARP);
    leave(run);
}

static void devices_conn(void *worker, const struct conn_record *c)
{
    struct devices_run *run = enter(worker, c->last_ts_us);
    inventory_conn(run->inv, c);
    leave(run);
}

static void devices_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    if (!asset_transaction_relevant(c, kind, txn))
        return;
    struct devices_run *run = enter(worker, 0);
    asset_observe_transaction(run->inv, c, kind, txn);
    leave(run);
}

static void devices_report(void *state, const struct detect_sink *sink, int64_t now_us, bool final)
{
    struct devices_run *run = state;
    if (!final)
        return;
    pthread_mutex_lock(&run->lock);
    run->sink = sink;
    inventory_finish(run->inv, now_us > run->last_us ? now_us : run->last_us);
    run->sink = NULL;
    pthread_mutex_unlock(&run->lock);
}

static void devices_add_stats(void *state, struct detect_stats *all)
{
    struct devices_stats *st = &all->devices;
    all->has_devices = true;
    struct devices_run *run = state;
    struct inventory_stats is;
    pthread_mutex_lock(&run->lock);
    inventory_get_stats(run->inv, &is);
    pthread_mutex_unlock(&run->lock);
    *st = (struct devices_stats){is.devices, is.with_vendor, is.with_type, is.flagged, is.alerts, is.devices_dropped};
}

const struct detector devices_detector = {
    .name = "devices",
    .open = devices_open,
    .close = devices_close,
    .worker_open = devices_worker_open,
    .worker_close = devices_worker_close,
    .neighbor = devices_neighbor,
    .conn = devices_conn,
    .transaction = devices_transaction,
    .report = devices_report,
    .stats = devices_add_stats,
};
