#include "detect/lateral.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/domain_controllers.h"
#include "detect/lateral_policy.h"
#include "detect/sink.h"
#include "proto/dce_rpc-t.h"
#include "proto/smb-t.h"
#include "util/reader.h"
#include "util/utf16.h"

#define SID_REMOTE_SERVICE 9410001u
#define SID_REMOTE_TASK 9410002u
#define SID_REMOTE_WMI 9410003u
#define SID_ZEROLOGON 9410004u
#define SID_DCSYNC 9410005u

#define LATERAL_MAX_PAIRS 4096          /* client/server pairs a worker follows (oldest forgotten) */
#define LATERAL_MAX_DCSYNC 1024         /* replication calls awaiting judgement per report */
#define SERVICE_TEXT_MAX 256

enum lateral_alerted {
    ALERTED_SERVICE = 1 << 0,
    ALERTED_TASK = 1 << 1,
    ALERTED_WMI = 1 << 2,
    ALERTED_ZEROLOGON = 1 << 3,
};

/* What one client did to one server. */
struct lateral_pair {
    bool used;
    struct ip_addr client, server;
    int64_t last_us;
    int64_t exe_us;                     /* an executable written to an admin share */
    char exe_uid[UID_LEN];
    char exe_name[SERVICE_TEXT_MAX];
    int64_t create_us;                  /* a service created */
    char create_uid[UID_LEN];
    char service[SERVICE_TEXT_MAX], binary[SERVICE_TEXT_MAX];
    int64_t netlogon_start_us;          /* the current Zerologon window */
    uint64_t netlogon_calls;
    unsigned alerted;
};

struct dcsync_call {
    struct app_conn conn;
    int64_t ts_us;
};

struct lateral_state {
    struct lateral_policy policy;
    struct dc_registry *dcs;            /* the run's (cfg), or owned_dcs */
    struct dc_registry *owned_dcs;
    pthread_mutex_t lock;               /* guards the DCSync candidates */
    struct dcsync_call *dcsync;
    size_t n_dcsync;
    size_t dcsync_dropped;
};

struct lateral_worker {
    struct lateral_state *st;
    const struct detect_sink *sink;
    struct lateral_pair *pairs;         /* LATERAL_MAX_PAIRS */
};

/* ---- run and worker state ---- */

static bool lateral_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    *state = NULL;
    if (!cfg->behavior)
        return true;
    struct lateral_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!lateral_policy_load(&st->policy, cfg->lateral_policy_path, err, errlen)) {
        free(st);
        return false;
    }
    st->dcs = cfg->domain_controllers;
    if (st->dcs == NULL)
        st->dcs = st->owned_dcs = dc_registry_new();
    pthread_mutex_init(&st->lock, NULL);
    *state = st;
    return true;
}

static void lateral_close(void *state)
{
    struct lateral_state *st = state;
    if (st == NULL)
        return;
    lateral_policy_free(&st->policy);
    dc_registry_free(st->owned_dcs);
    pthread_mutex_destroy(&st->lock);
    free(st->dcsync);
    free(st);
}

static void *lateral_worker_open(void *state, const struct detect_sink *sink)
{
    struct lateral_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->st = state;
    w->sink = sink;
    w->pairs = calloc(LATERAL_MAX_PAIRS, sizeof *w->pairs);
    if (w->pairs == NULL) {
        free(w);
        return NULL;
    }
    return w;
}

static void lateral_worker_close(void *worker)
{
    struct lateral_worker *w = worker;
    if (w)
        free(w->pairs);
    free(w);
}

/* The pair of a connection's ends; a full table forgets its least recent pair. */
static struct lateral_pair *pair_of(struct lateral_worker *w, const struct app_conn *c, int64_t ts_us)
{
    struct lateral_pair *victim = &w->pairs[0];
    for (size_t i = 0; i < LATERAL_MAX_PAIRS; i++) {
        struct lateral_pair *p = &w->pairs[i];
        if (p->used && ip_addr_cmp(&p->client, &c->orig_h) == 0 && ip_addr_cmp(&p->server, &c->resp_h) == 0) {
            p->last_us = ts_us;
            return p;
        }
        if (!p->used) {
            if (victim->used)
                victim = p;
        } else if (victim->used && p->last_us < victim->last_us) {
            victim = p;
        }
    }
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->client = c->orig_h;
    victim->server = c->resp_h;
    victim->last_us = ts_us;
    return victim;
}

/* ---- SVCCTL arguments (MS-SCMR RCreateServiceW), for the alert ---- */

/* An NDR conformant varying UTF-16 string at *off: max, offset, count, chars. */
static bool ndr_wstring(const uint8_t *p, size_t n, size_t *off, char *out, size_t cap)
{
    if (*off + 12 > n)
        return false;
    uint64_t count = load_le32(p + *off + 8);
    *off += 12;
    if (count > (n - *off) / 2)
        return false;
    utf16le_to_utf8(p + *off, (size_t)count * 2, out, cap); /* the terminating NUL ends out too */
    *off += (size_t)count * 2;
    *off = (*off + 3) & ~(size_t)3;
    return true;
}

static void svcctl_create_args(const uint8_t *stub, size_t n, char *service, char *binary)
{
    size_t off = 20; /* the SCM handle */
    char display[SERVICE_TEXT_MAX];
    if (!ndr_wstring(stub, n, &off, service, SERVICE_TEXT_MAX) || off + 4 > n)
        return;
    uint32_t referent = load_le32(stub + off);
    off += 4;
    if (referent && !ndr_wstring(stub, n, &off, display, sizeof display))
        return;
    off += 16; /* access, type, start type, error control */
    ndr_wstring(stub, n, &off, binary, SERVICE_TEXT_MAX);
}

/* ---- alerts ---- */

struct lateral_report {
    uint32_t sid;
    const char *signature, *note, *category;
    const char *attack[4];
    unsigned n_attack;
    char msg[1024];
    struct alert_meta meta[8];
    size_t n_meta;
};

static void report_meta(struct lateral_report *r, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0' || r->n_meta == sizeof r->meta / sizeof *r->meta)
        return;
    for (size_t i = 0; i < r->n_meta; i++)
        if (strcmp(r->meta[i].key, key) == 0 && strcmp(r->meta[i].value, value) == 0)
            return;
    r->meta[r->n_meta++] = (struct alert_meta){key, value};
}

static void report_emit(const struct detect_sink *sink, const struct app_conn *c, int64_t ts_us,
                        const struct lateral_report *r)
{
    struct alert a = {
        .ts_us = ts_us,
        .app_proto = "dcerpc",
        .signature_id = r->sid,
        .signature = r->signature,
        .category = r->category,
        .severity = 1,
        .note = r->note,
        .notice_msg = r->msg,
        .meta = r->meta,
        .n_meta = r->n_meta,
        .n_attack = r->n_attack,
    };
    for (unsigned i = 0; i < r->n_attack; i++)
        a.attack[i] = r->attack[i];
    alert_set_app_conn(&a, c);
    sink_alert(sink, &a);
}

/* An executable the same client wrote to an admin share shortly before:
 * the execution is also lateral tool transfer over SMB. */
static void report_add_transfer(struct lateral_report *r, const struct lateral_pair *p, int64_t ts_us,
                                int64_t window_us)
{
    if (!p->exe_us || ts_us - p->exe_us > window_us)
        return;
    r->attack[r->n_attack++] = "T1021.002";
    r->attack[r->n_attack++] = "T1570";
    report_meta(r, "evidence_uid", p->exe_uid);
    report_meta(r, "file", p->exe_name);
}

static void execution_alert(struct lateral_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t,
                            struct lateral_pair *p, enum lateral_class cls)
{
    struct lateral_report r = {.category = "Targeted Malicious Activity was Detected", .n_attack = 1};
    unsigned bit;
    char server[64];
    ip_addr_format(&c->resp_h, server, sizeof server);
    if (cls == LATERAL_SERVICE_START) {
        bit = ALERTED_SERVICE;
        r.sid = SID_REMOTE_SERVICE;
        r.signature = "VIGIL LATERAL remote service created and started over SVCCTL (PsExec-style)";
        r.note = "Vigil::Remote_Service_Execution";
        r.attack[0] = "T1569.002";
        snprintf(r.msg, sizeof r.msg, "service %s created and started on %s over %s%s%s", p->service[0] ? p->service : "?",
                 server, t->named_pipe ? t->named_pipe : t->endpoint, p->binary[0] ? ": " : "", p->binary);
        report_meta(&r, "evidence_uid", p->create_uid);
        report_meta(&r, "service", p->service);
        report_meta(&r, "binary_path", p->binary);
    } else if (cls == LATERAL_TASK_CREATE) {
        bit = ALERTED_TASK;
        r.sid = SID_REMOTE_TASK;
        r.signature = "VIGIL LATERAL scheduled task registered remotely";
        r.note = "Vigil::Remote_Scheduled_Task";
        r.attack[0] = "T1053.005";
        snprintf(r.msg, sizeof r.msg, "%s %s on %s", t->endpoint, t->operation, server);
    } else {
        bit = ALERTED_WMI;
        r.sid = SID_REMOTE_WMI;
        r.signature = "VIGIL LATERAL remote WMI method execution";
        r.note = "Vigil::Remote_WMI_Execution";
        r.attack[0] = "T1047";
        snprintf(r.msg, sizeof r.msg, "%s %s on %s", t->endpoint, t->operation, server);
    }
    if (p->alerted & bit)
        return;
    p->alerted |= bit;
    report_meta(&r, "operation", t->operation);
    report_add_transfer(&r, p, t->ts_us, w->st->policy.exec_after_write_us);
    report_emit(w->sink, c, t->ts_us, &r);
}

static void netlogon_call(struct lateral_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t,
                          struct lateral_pair *p)
{
    const struct lateral_policy *pol = &w->st->policy;
    if (!p->netlogon_start_us || t->ts_us - p->netlogon_start_us > pol->zerologon_window_us) {
        p->netlogon_start_us = t->ts_us;
        p->netlogon_calls = 0;
    }
    p->netlogon_calls++;
    if (p->netlogon_calls < pol->zerologon_calls || (p->alerted & ALERTED_ZEROLOGON))
        return;
    p->alerted |= ALERTED_ZEROLOGON;
    struct lateral_report r = {
        .sid = SID_ZEROLOGON,
        .signature = "VIGIL LATERAL Zerologon: burst of NETLOGON authentication attempts (CVE-2020-1472)",
        .note = "Vigil::Zerologon_Attempt",
        .category = "Targeted Malicious Activity was Detected",
        .attack = {"T1210"},
        .n_attack = 1,
    };
    char server[64];
    ip_addr_format(&c->resp_h, server, sizeof server);
    snprintf(r.msg, sizeof r.msg, "%llu NETLOGON challenge/authenticate calls to %s within %llds",
             (unsigned long long)p->netlogon_calls, server, (long long)(pol->zerologon_window_us / 1000000));
    report_meta(&r, "reference", "CVE-2020-1472"); /* not "cve": the correlator would make the server the incident's host */
    report_emit(w->sink, c, t->ts_us, &r);
}

static void dcsync_candidate(struct lateral_state *st, const struct app_conn *c, int64_t ts_us)
{
    pthread_mutex_lock(&st->lock);
    bool known = false;
    for (size_t i = 0; i < st->n_dcsync && !known; i++)
        known = ip_addr_cmp(&st->dcsync[i].conn.orig_h, &c->orig_h) == 0 &&
                ip_addr_cmp(&st->dcsync[i].conn.resp_h, &c->resp_h) == 0;
    if (!known && st->n_dcsync == LATERAL_MAX_DCSYNC)
        st->dcsync_dropped++;
    if (!known && st->n_dcsync < LATERAL_MAX_DCSYNC) {
        struct dcsync_call *a = realloc(st->dcsync, (st->n_dcsync + 1) * sizeof *a);
        if (a) {
            st->dcsync = a;
            st->dcsync[st->n_dcsync++] = (struct dcsync_call){.conn = *c, .ts_us = ts_us};
        }
    }
    pthread_mutex_unlock(&st->lock);
}

static void rpc_call(struct lateral_worker *w, const struct app_conn *c, const struct dce_rpc_txn *t)
{
    bool dc_service;
    enum lateral_class cls = lateral_policy_class(&w->st->policy, t->endpoint, t->operation, &dc_service);
    if (dc_service && t->answered)
        dc_registry_add_evidence(w->st->dcs, &c->resp_h,
                                 strcmp(t->endpoint, "drsuapi") == 0 ? DC_EVIDENCE_DRSUAPI : DC_EVIDENCE_NETLOGON);
    if (cls == LATERAL_NONE)
        return;
    if (cls == LATERAL_REPLICATION) {
        dcsync_candidate(w->st, c, t->ts_us);
        return;
    }
    struct lateral_pair *p = pair_of(w, c, t->ts_us);
    switch (cls) {
    case LATERAL_SERVICE_CREATE:
        p->create_us = t->ts_us;
        memcpy(p->create_uid, c->uid, UID_LEN);
        p->service[0] = p->binary[0] = '\0';
        if (t->stub)
            svcctl_create_args(t->stub, t->stub_len, p->service, p->binary);
        break;
    case LATERAL_SERVICE_START:
        if (p->create_us && t->ts_us - p->create_us <= w->st->policy.service_start_us)
            execution_alert(w, c, t, p, cls);
        break;
    case LATERAL_TASK_CREATE:
    case LATERAL_WMI_EXEC:
        execution_alert(w, c, t, p, cls);
        break;
    case LATERAL_NETLOGON_AUTH:
        netlogon_call(w, c, t, p);
        break;
    default:
        break;
    }
}

static void smb_write(struct lateral_worker *w, const struct app_conn *c, const struct smb_file_txn *t)
{
    if (strcmp(t->action, "SMB::FILE_WRITE") != 0 || t->offset != 0)
        return;
    const struct lateral_policy *pol = &w->st->policy;
    if (!lateral_policy_is_admin_share(pol, t->path) || !lateral_policy_is_executable(pol, t->name, t->data, t->data_len))
        return;
    struct lateral_pair *p = pair_of(w, c, t->ts_us);
    p->exe_us = t->ts_us;
    memcpy(p->exe_uid, c->uid, UID_LEN);
    snprintf(p->exe_name, sizeof p->exe_name, "%s\\%s", t->path, t->name ? t->name : "");
}

static void lateral_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct lateral_worker *w = worker;
    if (kind == EVENT_DCE_RPC)
        rpc_call(w, c, txn);
    else if (kind == EVENT_SMB_FILES)
        smb_write(w, c, txn);
}

/* DCSync: judged now, when every controller the capture showed so far is known. */
static void lateral_report(void *state, const struct detect_sink *sink, int64_t now_us, bool final)
{
    struct lateral_state *st = state;
    pthread_mutex_lock(&st->lock);
    for (size_t i = 0; i < st->n_dcsync; i++) {
        const struct dcsync_call *d = &st->dcsync[i];
        if (dc_registry_evidence(st->dcs, &d->conn.orig_h))
            continue;
        struct lateral_report r = {
            .sid = SID_DCSYNC,
            .signature = "VIGIL LATERAL DCSync: directory replication requested by a host that is not a domain controller",
            .note = "Vigil::DCSync",
            .category = "Targeted Malicious Activity was Detected",
            .attack = {"T1003.006"},
            .n_attack = 1,
        };
        char client[64], server[64];
        ip_addr_format(&d->conn.orig_h, client, sizeof client);
        ip_addr_format(&d->conn.resp_h, server, sizeof server);
        snprintf(r.msg, sizeof r.msg, "DRSGetNCChanges from %s (not a domain controller) to %s", client, server);
        report_meta(&r, "operation", "DRSGetNCChanges");
        report_emit(sink, &d->conn, d->ts_us, &r);
    }
    st->n_dcsync = 0;
    pthread_mutex_unlock(&st->lock);
}

const struct detector lateral_detector = {
    .name = "lateral",
    .open = lateral_open,
    .close = lateral_close,
    .worker_open = lateral_worker_open,
    .worker_close = lateral_worker_close,
    .transaction = lateral_transaction,
    .report = lateral_report,
};
