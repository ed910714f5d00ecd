/* x509.log, as Zeek's base/files/x509 writes it. */
#include "output/x509_log.h"

#include <string.h>

#include "output/conn_id.h"
#include "output/output_internal.h"

static const struct zeek_field x509_fields[] = {
    {"ts", ZEEK_TIME},
    {"fingerprint", ZEEK_STRING},
    {"certificate.version", ZEEK_COUNT},
    {"certificate.serial", ZEEK_STRING},
    {"certificate.subject", ZEEK_STRING},
    {"certificate.issuer", ZEEK_STRING},
    {"certificate.not_valid_before", ZEEK_TIME},
    {"certificate.not_valid_after", ZEEK_TIME},
    {"certificate.key_alg", ZEEK_STRING},
    {"certificate.sig_alg", ZEEK_STRING},
    {"certificate.key_type", ZEEK_STRING},
    {"certificate.key_length", ZEEK_COUNT},
    {"certificate.exponent", ZEEK_STRING},
    {"certificate.curve", ZEEK_STRING},
    {"san.dns", ZEEK_VECTOR_STRING},
    {"san.uri", ZEEK_VECTOR_STRING},
    {"san.email", ZEEK_VECTOR_STRING},
    {"san.ip", ZEEK_VECTOR_ADDR},
    {"basic_constraints.ca", ZEEK_BOOL},
    {"basic_constraints.path_len", ZEEK_COUNT},
    {"host_cert", ZEEK_BOOL},
    {"client_cert", ZEEK_BOOL},
};
static const struct zeek_schema x509_schema = ZEEK_SCHEMA("x509", x509_fields);

static void san_list(struct zrow *r, const struct x509_cert *x, enum x509_san_kind kind)
{
    size_t n = x->n_san[kind];
    if (n == 0) {
        zrow_unset(r);
        return;
    }
    zrow_list_begin(r);
    for (size_t i = 0; i < n && i < X509_SAN_MAX; i++) {
        size_t off = x->san[kind][i].off, len = x->san[kind][i].len;
        if (off + len <= sizeof(x->san_pool))
            zrow_item_string(r, x->san_pool + off, len);
    }
    zrow_list_end(r);
}

void output_x509(struct output_worker *w, const struct app_conn *c, const struct x509_cert *x)
{
    if (x->known)
        return;  /* Zeek's known_log_certs: a repeat within a day is not logged */
    struct zrow *r = zrow_begin(w, &x509_schema);
    if (r == NULL)
        return;
    zrow_for_conn(r, c);
    zrow_time(r, x->ts_us);
    zrow_string(r, x->fingerprint, strnlen(x->fingerprint, sizeof(x->fingerprint)));
    zrow_count(r, x->version);
    zrow_string(r, x->serial, strnlen(x->serial, sizeof(x->serial)));
    zrow_string(r, x->subject, strnlen(x->subject, sizeof(x->subject)));
    zrow_string(r, x->issuer, strnlen(x->issuer, sizeof(x->issuer)));
    zrow_time(r, x->not_valid_before_s * 1000000);
    zrow_time(r, x->not_valid_after_s * 1000000);
    zrow_text_or_unset(r, x->key_alg, sizeof(x->key_alg));
    zrow_text_or_unset(r, x->sig_alg, sizeof(x->sig_alg));
    zrow_cstr(r, x->key_type);
    zrow_opt_count(r, x->has_key_length, x->key_length);
    zrow_text_or_unset(r, x->exponent, sizeof(x->exponent));
    zrow_text_or_unset(r, x->curve, sizeof(x->curve));
    san_list(r, x, X509_SAN_DNS);
    san_list(r, x, X509_SAN_URI);
    san_list(r, x, X509_SAN_EMAIL);
    zrow_opt_addrs(r, x->san_ip, x->n_san_ip < X509_SAN_MAX ? x->n_san_ip : X509_SAN_MAX);
    if (zrow_present(r, x->has_basic_constraints))
        zrow_bool(r, x->ca);
    zrow_opt_count(r, x->has_path_len, x->path_len);
    zrow_bool(r, x->host_cert);
    zrow_bool(r, x->client_cert);
    zrow_end(r);
}

TXN_WRITER(x509);
