#include "detect/devices.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asset/fingerprint.h"
#include "asset/inventory.h"
#include "asset/observe.h"
#include "asset/oui.h"
#include "asset/vendor_policy.h"
#include "output/assets_log.h"
#include "util/datadir.h"

static const char *const shipped_fingerprints[] = {
    "data/devices/fingerprints.tsv",    /* Vigil's own, checked first */
    "data/devices/recog.tsv",
    "data/devices/fingerbank_dhcp.tsv",
};

struct devices {
    pthread_mutex_t lock;
    struct oui_registry *oui;
    struct fingerprint_db *fingerprints;
    struct vendor_policy *policy;
    struct inventory *inv;
    struct output_worker *out;
    devices_alert_fn on_alert;
    void *alert_ctx;
    int64_t last_us;
};

static void on_record(void *ctx, enum asset_event ev, int64_t ts, const struct asset_record *r)
{
    struct devices *d = ctx;
    if (d->out)
        output_asset(d->out, ev, ts, r);
}

static void on_alert(void *ctx, const struct asset_alert *a)
{
    struct devices *d = ctx;
    if (d->on_alert)
        d->on_alert(d->alert_ctx, a);
}

/* The shipped file rel, or an error naming where it was looked for. */
static bool shipped_path(const char *rel, char *out, size_t n, char *err, size_t errlen)
{
    if (vigil_data_path(rel, out, n))
        return true;
    snprintf(err, errlen, "%s: not found (set VIGIL_DATA_DIR to the folder holding data/)", out);
    return false;
}

/* One CIDR or address per line, '#' comments. */
static bool load_allowed(const char *path, struct inventory_config *ic, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open the device allow list", path);
        return false;
    }
    char line[256];
    size_t lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line;
        s[strcspn(s, "#\r\n")] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strcspn(s, " \t");
        s[len] = '\0';
        if (len == 0)
            continue;
        struct ip_prefix p;
        struct ip_addr a;
        if (strchr(s, '/') == NULL && ip_addr_parse(s, &a)) {
            p.addr = a;
            p.len = 128;
        } else if (!ip_prefix_parse(s, &p)) {
            snprintf(err, errlen, "%s:%zu: not an address or CIDR prefix: %s", path, lineno, s);
            ok = false;
            break;
        }
        if (ic->n_allowed == INVENTORY_MAX_ALLOWED) {
            snprintf(err, errlen, "%s: more than %d entries", path, INVENTORY_MAX_ALLOWED);
            ok = false;
            break;
        }
        ic->allowed[ic->n_allowed++] = p;
    }
    fclose(f);
    return ok;
}

static bool load_data(struct devices *d, const struct devices_config *cfg, struct inventory_config *ic, char *err,
                      size_t errlen)
{
    d->oui = oui_registry_load(cfg->ieee_dir ? cfg->ieee_dir : OUI_DEFAULT_DIR, err, errlen);
    if (d->oui == NULL)
        return false;
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
    d->fingerprints = fingerprint_db_load(list, n, err, errlen);
    if (d->fingerprints == NULL)
        return false;
    char policy[4096];
    const char *policy_path = cfg->vendor_policy;
    if (policy_path == NULL) {
        if (!shipped_path("data/devices/vendor_policy.tsv", policy, sizeof policy, err, errlen))
            return false;
        policy_path = policy;
    }
    d->policy = vendor_policy_load(policy_path, err, errlen);
    if (d->policy == NULL)
        return false;
    if (cfg->allow_file && !load_allowed(cfg->allow_file, ic, err, errlen))
        return false;
    ic->oui = d->oui;
    ic->fingerprints = d->fingerprints;
    ic->policy = d->policy;
    return true;
}

struct devices *devices_new(const struct devices_config *cfg, struct output *out, devices_alert_fn alert_fn,
                            void *alert_ctx, char *err, size_t errlen)
{
    struct devices *d = calloc(1, sizeof *d);
    struct inventory_config *ic = calloc(1, sizeof *ic);
    if (d == NULL || ic == NULL) {
        snprintf(err, errlen, "out of memory for the device inventory");
        free(d);
        free(ic);
        return NULL;
    }
    pthread_mutex_init(&d->lock, NULL);
    d->on_alert = alert_fn;
    d->alert_ctx = alert_ctx;
    bool ok = load_data(d, cfg, ic, err, errlen);
    if (ok) {
        d->inv = inventory_new(ic, on_record, on_alert, d);
        if (out)
            d->out = output_worker_new(out);
        if (d->inv == NULL || (out && d->out == NULL)) {
            snprintf(err, errlen, "out of memory for the device inventory");
            ok = false;
        }
    }
    free(ic);
    if (!ok) {
        devices_free(d);
        return NULL;
    }
    return d;
}

void devices_free(struct devices *d)
{
    if (d == NULL)
        return;
    inventory_free(d->inv);
    if (d->out)
        output_worker_free(d->out);
    vendor_policy_free(d->policy);
    fingerprint_db_free(d->fingerprints);
    oui_registry_free(d->oui);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static void note_time(struct devices *d, int64_t ts)
{
    if (ts > d->last_us)
        d->last_us = ts;
}

void devices_neighbor(struct devices *d, int64_t ts_us, const struct neighbor_binding *b, bool ndp)
{
    pthread_mutex_lock(&d->lock);
    note_time(d, ts_us);
    inventory_neighbor(d->inv, ts_us, b->mac, &b->ip, ndp ? NEIGHBOR_NDP : NEIGHBOR_ARP);
    pthread_mutex_unlock(&d->lock);
}

void devices_conn(struct devices *d, const struct conn_record *c)
{
    pthread_mutex_lock(&d->lock);
    note_time(d, c->last_ts_us);
    inventory_conn(d->inv, c);
    pthread_mutex_unlock(&d->lock);
}

void devices_transaction(struct devices *d, const struct app_conn *c, int kind, const void *txn)
{
    if (!asset_transaction_relevant(c, kind, txn))
        return;
    pthread_mutex_lock(&d->lock);
    asset_observe_transaction(d->inv, c, kind, txn);
    pthread_mutex_unlock(&d->lock);
}

void devices_finish(struct devices *d, int64_t now_us)
{
    pthread_mutex_lock(&d->lock);
    inventory_finish(d->inv, now_us > d->last_us ? now_us : d->last_us);
    if (d->out)
        output_worker_flush(d->out);
    pthread_mutex_unlock(&d->lock);
}

void devices_get_stats(struct devices *d, struct devices_stats *st)
{
    struct inventory_stats is;
    pthread_mutex_lock(&d->lock);
    inventory_get_stats(d->inv, &is);
    pthread_mutex_unlock(&d->lock);
    *st = (struct devices_stats){is.devices, is.with_vendor, is.with_type, is.flagged, is.alerts, is.devices_dropped};
}
