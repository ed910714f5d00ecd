#include "asset/observe.h"

#include <stdio.h>
#include <string.h>

#include "proto/banner-t.h"
#include "proto/dhcp-t.h"
#include "proto/dns-t.h"
#include "proto/event-t.h"
#include "proto/http-t.h"
#include "proto/ssh-t.h"
#include "proto/x509-t.h"
#include "util/ascii.h"

/* UPnP description and ONVIF fields read from the first response bytes. */
#define XML_FIELD_MAX 96

enum { PORT_NETBIOS_NS = 137, PORT_MDNS = 5353, PORT_LLMNR = 5355 };
enum { DHCP_OPT_DNS = 6, DHCP_OPT_HOSTNAME = 12, DHCP_OPT_REQUESTED = 50, DHCP_OPT_PARAMS = 55,
       DHCP_OPT_VENDOR = 60, DHCP_OPT_FQDN = 81 };
enum { DNS_TYPE_A = 1, DNS_TYPE_NB = 32, DNS_TYPE_AAAA = 28 };

bool asset_transaction_relevant(const struct app_conn *c, enum event_kind kind, const void *txn)
{
    switch (kind) {
    case EVENT_DHCP:
        return ((const struct dhcp_txn *)txn)->kind == DHCP_TXN_MESSAGE;
    case EVENT_DNS:
        return ((const struct dns_txn *)txn)->msg &&
               (c->resp_p == PORT_MDNS || c->resp_p == PORT_LLMNR || c->resp_p == PORT_NETBIOS_NS ||
                c->orig_p == PORT_MDNS);
    case EVENT_HTTP: {
        const struct http_txn *h = txn;
        return h->server.p || h->www_authenticate.p || h->response_body_head_len;
    }
    case EVENT_X509:
    case EVENT_SSH:
    case EVENT_BANNER:
        return true;
    default:
        return false;
    }
}

/* ---- DHCP ---- */

static const struct dhcp_option *dhcp_opt(const struct dhcp_message *m, uint8_t code)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (m->options[i].code == code)
            return &m->options[i];
    return NULL;
}

static void opt_text(const struct dhcp_option *o, size_t skip, char *out, size_t n)
{
    size_t len = 0;
    if (o && o->len > skip)
        for (size_t i = skip; i < o->len && len + 1 < n; i++)
            out[len++] = o->data[i] >= 0x20 && o->data[i] < 0x7f ? (char)o->data[i] : '?';
    out[len] = '\0';
}

/* Option 55 as "1,3,6,15": at most 255 codes of 3 digits and a comma, so
 * out holds 4 * 255 + 1 bytes. Written by hand: every DHCP request has one. */
static void param_list_text(const struct dhcp_option *o, char *out)
{
    size_t len = 0;
    for (size_t i = 0; i < o->len && i < 255; i++) {
        if (i)
            out[len++] = ',';
        len += ascii_u8_decimal(out + len, o->data[i]);
    }
    out[len] = '\0';
}

static void observe_dhcp(struct inventory *inv, const struct dhcp_message *m)
{
    if (m->htype != 1 || m->hlen != 6)
        return;
    struct dhcp_client_info d = {.ts_us = m->ts_us};
    memcpy(d.mac, m->chaddr, 6);
    char name[256], fqdn[256], vendor[256], params[4 * 255 + 1];
    if (m->op == 2) {
        /* server -> client: the address it leased and the resolver to use */
        static const uint8_t none[4];
        if (memcmp(m->yiaddr, none, 4) != 0 && m->has_msg_type && m->msg_type == 5) {
            d.has_addr = true;
            ip_addr_from_v4(&d.addr, m->yiaddr);
        }
        const struct dhcp_option *dns = dhcp_opt(m, DHCP_OPT_DNS);
        if (dns && dns->len >= 4) {
            d.has_resolver = true;
            ip_addr_from_v4(&d.resolver, dns->data);
        }
        if (d.has_addr || d.has_resolver)
            inventory_dhcp(inv, &d);
        return;
    }
    const struct dhcp_option *req = dhcp_opt(m, DHCP_OPT_REQUESTED);
    static const uint8_t none[4];
    if (memcmp(m->ciaddr, none, 4) != 0) {
        d.has_addr = true;
        ip_addr_from_v4(&d.addr, m->ciaddr);
    } else if (req && req->len == 4) {
        d.has_addr = false; /* only requested: the ACK decides */
    }
    opt_text(dhcp_opt(m, DHCP_OPT_HOSTNAME), 0, name, sizeof name);
    opt_text(dhcp_opt(m, DHCP_OPT_FQDN), 3, fqdn, sizeof fqdn);
    if (name[0]) {
        d.host_name = name;
        d.host_name_source = "dhcp";
    } else if (fqdn[0]) {
        d.host_name = fqdn;
        d.host_name_source = "dhcp";
    }
    const struct dhcp_option *pl = dhcp_opt(m, DHCP_OPT_PARAMS);
    if (pl && pl->len) {
        param_list_text(pl, params);
        d.param_list = params;
    }
    opt_text(dhcp_opt(m, DHCP_OPT_VENDOR), 0, vendor, sizeof vendor);
    if (vendor[0])
        d.vendor_class = vendor;
    inventory_dhcp(inv, &d);
}

/* ---- mDNS, LLMNR, NetBIOS name service ---- */

static void observe_names(struct inventory *inv, const struct app_conn *c, const struct dns_txn *t)
{
    const struct dns_message *m = t->msg;
    bool netbios = c->resp_p == PORT_NETBIOS_NS;
    const char *source = netbios ? "netbios" : c->resp_p == PORT_LLMNR ? "llmnr" : "mdns";
    int8_t sender_local = m->from_orig ? c->local_orig : c->local_resp;
    const struct ip_addr *sender = m->from_orig ? &c->orig_h : &c->resp_h;
    if (netbios) {
        /* A registration (opcode 5, 8) or a positive answer names its sender. */
        const struct dns_row *row = t->row;
        if (row && row->has_query && row->query.n &&
            (m->opcode == 5 || m->opcode == 8 || (m->qr && m->rcode == 0 && m->n_rrs)))
            inventory_name(inv, m->ts_us, sender, sender_local, (const char *)row->query.p, row->query.n, source);
        return;
    }
    if (!m->qr)
        return;
    for (size_t i = 0; i < m->n_rrs; i++) {
        const struct dns_rr *rr = &m->rrs[i];
        if ((rr->rrtype != DNS_TYPE_A && rr->rrtype != DNS_TYPE_AAAA) || rr->kind != DNS_RDATA_ADDR || rr->name.n == 0)
            continue;
        /* The record names an address: it is that device's name when the
         * device announced it itself. */
        if (ip_addr_cmp(&rr->addr, sender) != 0)
            continue;
        inventory_name(inv, m->ts_us, &rr->addr, sender_local, (const char *)rr->name.p, rr->name.n, source);
    }
}

/* ---- HTTP: Server, WWW-Authenticate, UPnP descriptions, ONVIF ---- */

/* The text of the first <tag>...</tag> (any namespace prefix) in p. */
static bool xml_field(const uint8_t *p, size_t n, const char *tag, char *out, size_t outn)
{
    size_t tl = strlen(tag);
    for (const uint8_t *s = p; s < p + n;) {
        const uint8_t *lt = memchr(s, '<', (size_t)(p + n - s));
        if (lt == NULL)
            return false;
        const uint8_t *gt = memchr(lt, '>', (size_t)(p + n - lt));
        if (gt == NULL)
            return false;
        const uint8_t *name = lt + 1;
        const uint8_t *colon = memchr(name, ':', (size_t)(gt - name));
        if (colon)
            name = colon + 1;
        if ((size_t)(gt - name) == tl && memcmp(name, tag, tl) == 0) {
            const uint8_t *end = memchr(gt, '<', (size_t)(p + n - gt));
            if (end == NULL)
                return false;
            size_t len = 0;
            for (const uint8_t *q = gt + 1; q < end && len + 1 < outn; q++)
                out[len++] = *q >= 0x20 && *q < 0x7f ? (char)*q : ' ';
            out[len] = '\0';
            return len > 0;
        }
        s = gt + 1;
    }
    return false;
}

static void observe_description(struct inventory *inv, const struct app_conn *c, const struct http_txn *h)
{
    const uint8_t *b = h->response_body_head;
    size_t n = h->response_body_head_len;
    char maker[XML_FIELD_MAX], model[XML_FIELD_MAX], text[2 * XML_FIELD_MAX + 2];
    if (xml_field(b, n, "manufacturer", maker, sizeof maker)) {
        /* UPnP device description (the LOCATION an SSDP message gave) */
        if (!xml_field(b, n, "modelName", model, sizeof model) && !xml_field(b, n, "deviceType", model, sizeof model))
            model[0] = '\0';
        snprintf(text, sizeof text, "%s %s", maker, model);
        inventory_evidence(inv, h->ts_us, &c->resp_h, c->local_resp, FP_UPNP, text, strlen(text));
    } else if (xml_field(b, n, "Manufacturer", maker, sizeof maker)) {
        /* ONVIF GetDeviceInformationResponse */
        if (!xml_field(b, n, "Model", model, sizeof model))
            model[0] = '\0';
        snprintf(text, sizeof text, "%s %s", maker, model);
        inventory_evidence(inv, h->ts_us, &c->resp_h, c->local_resp, FP_ONVIF, text, strlen(text));
    }
}

static void observe_http(struct inventory *inv, const struct app_conn *c, const struct http_txn *h)
{
    if (h->server.p)
        inventory_evidence(inv, h->ts_us, &c->resp_h, c->local_resp, FP_HTTP_SERVER, (const char *)h->server.p,
                           h->server.n);
    if (h->www_authenticate.p)
        inventory_evidence(inv, h->ts_us, &c->resp_h, c->local_resp, FP_HTTP_WWWAUTH,
                           (const char *)h->www_authenticate.p, h->www_authenticate.n);
    if (h->response_body_head_len && h->response_content_type.p &&
        memmem(h->response_content_type.p, h->response_content_type.n, "xml", 3))
        observe_description(inv, c, h);
}

static void observe_banner(struct inventory *inv, const struct app_conn *c, const struct banner_txn *b, int64_t ts)
{
    static const enum fp_source sources[] = {
        [BANNER_SSDP_SERVER] = FP_SSDP_SERVER, [BANNER_SSDP_TYPE] = FP_UPNP,
        [BANNER_RTSP_SERVER] = FP_RTSP_SERVER, [BANNER_TELNET] = FP_TELNET_BANNER,
    };
    if ((unsigned)b->kind >= sizeof sources / sizeof *sources)
        return;
    const struct ip_addr *who = b->from_orig ? &c->orig_h : &c->resp_h;
    int8_t local = b->from_orig ? c->local_orig : c->local_resp;
    inventory_evidence(inv, ts, who, local, sources[b->kind], b->text, b->len);
}

void asset_observe_transaction(struct inventory *inv, const struct app_conn *c, enum event_kind kind, const void *txn)
{
    switch (kind) {
    case EVENT_DHCP: {
        const struct dhcp_txn *t = txn;
        if (t->kind == DHCP_TXN_MESSAGE && t->msg)
            observe_dhcp(inv, t->msg);
        break;
    }
    case EVENT_DNS:
        if (((const struct dns_txn *)txn)->msg)
            observe_names(inv, c, txn);
        break;
    case EVENT_HTTP:
        observe_http(inv, c, txn);
        break;
    case EVENT_X509: {
        const struct x509_cert *x = txn;
        inventory_evidence(inv, x->ts_us, &c->resp_h, c->local_resp, FP_TLS_SUBJECT, x->subject, strlen(x->subject));
        break;
    }
    case EVENT_SSH: {
        const struct ssh_txn *s = txn;
        const struct ssh_side *srv = &s->server;
        if (srv->has_banner && srv->software_version_len)
            inventory_evidence(inv, s->ts_us, &c->resp_h, c->local_resp, FP_SSH_BANNER,
                               srv->banner + srv->software_version_off, srv->software_version_len);
        break;
    }
    case EVENT_BANNER:
        observe_banner(inv, c, txn, c->start_us);
        break;
    default:
        break;
    }
}
