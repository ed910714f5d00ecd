/* Kerberos abuse, from the messages of proto/krb.c (detect/kerberos_abuse.h):
 *  - Kerberoasting: TGS-REPs whose ticket is RC4-encrypted, for many
 *    distinct services, to one client in a window (T1558.003);
 *  - AS-REP roasting: an AS-REP to an AS-REQ without pre-authentication,
 *    its enc-part RC4 (T1558.004): the account does not require
 *    pre-authentication and the reply is crackable offline;
 *  - one account getting service tickets for many hosts in a window
 *    (T1078.002, T1021): stolen credentials used across the network.
 * Ordinary logons (AES tickets, a few services) raise nothing. The state is
 * the run's, shared by the workers under one lock: a client's exchanges
 * with its KDC may be spread over several workers. */
#include "detect/kerberos_abuse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/alert.h"
#include "detect/config-t.h"
#include "detect/domain_controllers.h"
#include "detect/lateral_config.h"
#include "detect/sink.h"
#include "proto/krb-t.h"
#include "proto/krb_names-t.h"
#include "proto/ldap-t.h"
#include "util/hash.h"

#define KRB_SID_KERBEROAST 9300101u
#define KRB_SID_ASREP_ROAST 9300102u
#define KRB_SID_ACCOUNT_HOSTS 9300103u
#define KRB_TRACKED_KEYS 4096       /* clients and accounts followed at once */
#define KDC_MAX 64                  /* servers remembered as having answered Kerberos or LDAP */

enum { WINDOW_ROASTERS, WINDOW_ACCOUNTS }; /* client address -> RC4 services; account -> hosts */

struct krb_run {
    struct lateral_run base;        /* its lock also guards kdcs[] */
    size_t n_kdcs;
    struct ip_addr kdcs[KDC_MAX];
    struct dc_registry *dcs;        /* the run's domain controllers (may be NULL); not owned */
};

static bool krb_open(const struct detect_config *cfg, void **state, char *err, size_t errlen)
{
    if (!lateral_run_open(cfg, sizeof(struct krb_run), 2, KRB_TRACKED_KEYS, state, err, errlen))
        return false;
    if (*state)
        ((struct krb_run *)*state)->dcs = cfg->domain_controllers;
    return true;
}

bool kdc_answered(const void *state, const struct ip_addr *addr)
{
    struct krb_run *r = (struct krb_run *)state;
    if (r == NULL)
        return false;
    bool found = false;
    pthread_mutex_lock(&r->base.lock);
    for (size_t i = 0; i < r->n_kdcs && !found; i++)
        found = memcmp(&r->kdcs[i], addr, sizeof *addr) == 0;
    pthread_mutex_unlock(&r->base.lock);
    return found;
}

/* Caller holds the lock. A server that answers Kerberos or LDAP is
 * evidence of a domain controller for the lateral-movement detector
 * (detect/domain_controllers.h locks itself, a leaf lock). */
static void note_kdc(struct krb_run *r, const struct ip_addr *addr, enum dc_evidence evidence)
{
    if (r->dcs)
        dc_registry_add_evidence(r->dcs, addr, evidence);
    for (size_t i = 0; i < r->n_kdcs; i++)
        if (memcmp(&r->kdcs[i], addr, sizeof *addr) == 0)
            return;
    if (r->n_kdcs < KDC_MAX)
        r->kdcs[r->n_kdcs++] = *addr;
}

/* "cname@realm", the account a ticket is for. */
static void account_of(const struct krb_message *m, char *out, size_t n)
{
    snprintf(out, n, "%s@%s", m->cname.set ? m->cname.text : "", m->realm.set ? m->realm.text : "");
}

/* The host of a service principal: "cifs/fs01.corp:445" -> "fs01.corp";
 * empty when the service is not one that logs on to a host. */
static size_t service_host(const struct krb_text *sname, const char **host)
{
    static const char *const classes[] = {"cifs/", "host/", "termsrv/", "wsman/", "http/", "rpcss/"};
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        size_t k = strlen(classes[i]);
        if (sname->len > k && strncasecmp(sname->text, classes[i], k) == 0) {
            const char *h = sname->text + k;
            size_t len = strcspn(h, ":/");
            *host = h;
            return len;
        }
    }
    return 0;
}

static void emit(struct lateral_worker *w, const struct app_conn *c, const struct krb_message *m, uint32_t sid,
                 const char *signature, const char *note, const char *msg, const char *sub, const char *attack1,
                 const char *attack2, uint64_t n, const char *first_uid)
{
    const struct alert_meta meta[] = {{"evidence_uid", first_uid}, {"evidence_uid", c->uid}};
    struct alert a = {
        .ts_us = m->ts_us,
        .app_proto = "krb5",
        .signature_id = sid,
        .signature = signature,
        .category = "Attempted Credential Theft",
        .severity = 1,
        .note = note,
        .notice_msg = msg,
        .sub = sub,
        .has_n = n > 0,
        .n = n,
        .attack = {attack1, attack2},
        .n_attack = attack2 ? 2 : 1,
        .meta = meta,
        .n_meta = first_uid && first_uid[0] && strcmp(first_uid, c->uid) != 0 ? 2 : 1,
    };
    if (a.n_meta == 1)
        a.meta = meta + 1;
    alert_set_app_conn(&a, c);
    a.to_client = !m->from_orig;
    sink_alert(w->sink, &a);
}

static void kerberoasting(struct lateral_worker *w, const struct app_conn *c, const struct krb_message *m)
{
    struct krb_run *r = w->run;
    const struct lateral_thresholds *th = &r->base.th;
    if (m->msg_type != KRB_MSG_TGS_REP || !m->has_ticket_etype || !m->sname.set ||
        !lateral_list_has(th->kerberoast_etypes, th->n_kerberoast_etypes, m->ticket_etype))
        return;
    uint64_t key = hash_keyed(&c->orig_h, sizeof c->orig_h, 0x6b72623101);
    uint64_t value = hash_keyed(m->sname.text, m->sname.len, 0x6b72623102);
    char first_uid[UID_LEN];
    unsigned n;
    if (!lateral_count(&r->base, WINDOW_ROASTERS, key, value, m->ts_us, th->kerberoast_window_us,
                       th->kerberoast_services, c->uid, &n, first_uid))
        return;
    char client[64], msg[1400], account[2 * KRB_TEXT_MAX + 2];
    ip_addr_format(&c->orig_h, client, sizeof client);
    account_of(m, account, sizeof account);
    snprintf(msg, sizeof msg, "%s (%s) got RC4 service tickets for %u services in %llds: Kerberoasting", client,
             account, n, (long long)(th->kerberoast_window_us / 1000000));
    emit(w, c, m, KRB_SID_KERBEROAST, "VIGIL KERBEROS Kerberoasting: RC4 service tickets for many services",
         "Vigil::Kerberoasting", msg, account, "T1558.003", NULL, n, first_uid);
}

static void asrep_roasting(struct lateral_worker *w, const struct app_conn *c, const struct krb_message *m)
{
    const struct krb_run *r = w->run;
    if (m->msg_type != KRB_MSG_AS_REP || m->request_preauth || !m->has_etype ||
        !lateral_list_has(r->base.th.asrep_etypes, r->base.th.n_asrep_etypes, m->etype))
        return;
    char client[64], msg[1400], account[2 * KRB_TEXT_MAX + 2];
    ip_addr_format(&c->orig_h, client, sizeof client);
    account_of(m, account, sizeof account);
    const char *etype = krb_cipher_name(m->etype);
    snprintf(msg, sizeof msg, "AS-REP for %s to %s without pre-authentication, encrypted %s: AS-REP roasting",
             account, client, etype ? etype : "weakly");
    emit(w, c, m, KRB_SID_ASREP_ROAST, "VIGIL KERBEROS AS-REP roasting: AS-REP without pre-authentication",
         "Vigil::ASREP_Roasting", msg, account, "T1558.004", NULL, 0, NULL);
}

static void account_hosts(struct lateral_worker *w, const struct app_conn *c, const struct krb_message *m)
{
    struct krb_run *r = w->run;
    const struct lateral_thresholds *th = &r->base.th;
    const char *host;
    size_t hn;
    if (m->msg_type != KRB_MSG_TGS_REP || !m->cname.set || (hn = service_host(&m->sname, &host)) == 0)
        return;
    if (m->has_ticket_etype && lateral_list_has(th->kerberoast_etypes, th->n_kerberoast_etypes, m->ticket_etype))
        return; /* counted as Kerberoasting */
    char account[2 * KRB_TEXT_MAX + 2];
    account_of(m, account, sizeof account);
    uint64_t key = hash_keyed(account, strlen(account), 0x6b72623103);
    uint64_t value = hash_keyed(host, hn, 0x6b72623104);
    char first_uid[UID_LEN];
    unsigned n;
    if (!lateral_count(&r->base, WINDOW_ACCOUNTS, key, value, m->ts_us, th->account_window_us, th->account_hosts,
                       c->uid, &n, first_uid))
        return;
    char msg[1400];
    snprintf(msg, sizeof msg, "account %s got service tickets for %u hosts in %llds", account, n,
             (long long)(th->account_window_us / 1000000));
    emit(w, c, m, KRB_SID_ACCOUNT_HOSTS, "VIGIL KERBEROS one account authenticating to many hosts",
         "Vigil::Account_Many_Hosts", msg, account, "T1078.002", "T1021", n, first_uid);
}

static void krb_transaction(void *worker, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    struct lateral_worker *w = worker;
    struct krb_run *run = w->run;
    if (kind == EVENT_LDAP) {
        const struct ldap_txn *t = txn;
        if (t->message && t->message->result) {
            pthread_mutex_lock(&run->base.lock);
            note_kdc(run, &c->resp_h, DC_EVIDENCE_LDAP);
            pthread_mutex_unlock(&run->base.lock);
        }
        return;
    }
    if (kind != EVENT_KRB)
        return;
    const struct krb_message *m = ((const struct krb_txn *)txn)->msg;
    if (m == NULL)
        return;
    if (!m->from_orig) {
        pthread_mutex_lock(&run->base.lock);
        note_kdc(run, &c->resp_h, DC_EVIDENCE_KERBEROS);
        pthread_mutex_unlock(&run->base.lock);
    }
    kerberoasting(w, c, m);
    asrep_roasting(w, c, m);
    account_hosts(w, c, m);
}

const struct detector kerberos_abuse_detector = {
    .name = "kerberos_abuse",
    .open = krb_open,
    .close = lateral_run_close,
    .worker_open = lateral_worker_open,
    .worker_close = lateral_worker_close,
    .transaction = krb_transaction,
};
