/* Indicator types and feed formats by name: Zeek's Intel:: names, the words
 * MISP, STIX and plain lists use for them, and MISP's composite types
 * ("ip-dst|port") split into their parts. */
#include "intel/intel.h"
#include "intel/intel_internal.h"

#include <string.h>
#include <strings.h>

#define TYPE_NAME_MAX 64

static const char *const format_names[INTEL_FORMAT_COUNT] = {
    [INTEL_FORMAT_AUTO] = "auto", [INTEL_FORMAT_MISP] = "misp", [INTEL_FORMAT_STIX] = "stix",
    [INTEL_FORMAT_CSV] = "csv",   [INTEL_FORMAT_LIST] = "list", [INTEL_FORMAT_ZEEK] = "zeek",
};

const char *intel_format_name(enum intel_format f)
{
    return (unsigned)f < INTEL_FORMAT_COUNT ? format_names[f] : "unknown";
}

struct type_word {
    const char *word;
    enum intel_type type;
};

/* Spelled after fold_type_name: lower case, '_' and ' ' as '-'. */
static const struct type_word type_words[] = {
    {"addr", INTEL_ADDR},
    {"address", INTEL_ADDR},
    {"ip", INTEL_ADDR},
    {"ipv4", INTEL_ADDR},
    {"ipv6", INTEL_ADDR},
    {"ip-address", INTEL_ADDR},
    {"ipaddress", INTEL_ADDR},
    {"ip-addr", INTEL_ADDR},
    {"ipv4-addr", INTEL_ADDR},
    {"ipv6-addr", INTEL_ADDR},
    {"ipv4-address", INTEL_ADDR},
    {"ipv6-address", INTEL_ADDR},
    {"ip-src", INTEL_ADDR},
    {"ip-dst", INTEL_ADDR},
    {"subnet", INTEL_SUBNET},
    {"cidr", INTEL_SUBNET},
    {"netblock", INTEL_SUBNET},
    {"network", INTEL_SUBNET},
    {"ip-range", INTEL_SUBNET},
    {"ip-cidr", INTEL_SUBNET},
    {"domain", INTEL_DOMAIN},
    {"hostname", INTEL_DOMAIN},
    {"host", INTEL_DOMAIN},
    {"fqdn", INTEL_DOMAIN},
    {"domain-name", INTEL_DOMAIN},
    {"dns", INTEL_DOMAIN},
    {"url", INTEL_URL},
    {"uri", INTEL_URL},
    {"file-hash", INTEL_FILE_HASH},
    {"filehash", INTEL_FILE_HASH},
    {"hash", INTEL_FILE_HASH},
    {"md5", INTEL_FILE_HASH},
    {"sha1", INTEL_FILE_HASH},
    {"sha256", INTEL_FILE_HASH},
    {"sha-1", INTEL_FILE_HASH},
    {"sha-256", INTEL_FILE_HASH},
    {"file-md5", INTEL_FILE_HASH},
    {"file-sha1", INTEL_FILE_HASH},
    {"file-sha256", INTEL_FILE_HASH},
    {"md5-hash", INTEL_FILE_HASH},
    {"sha1-hash", INTEL_FILE_HASH},
    {"sha256-hash", INTEL_FILE_HASH},
    {"ja3", INTEL_JA3},
    {"ja3s", INTEL_JA3},
    {"ja3-hash", INTEL_JA3},
    {"ja3-fingerprint", INTEL_JA3},
    {"ja3-fingerprint-md5", INTEL_JA3},
    {"ja3s-fingerprint-md5", INTEL_JA3},
    {"ja4", INTEL_JA4},
    {"ja4s", INTEL_JA4},
    {"ja4-fingerprint", INTEL_JA4},
    {"email", INTEL_EMAIL},
    {"e-mail", INTEL_EMAIL},
    {"mail", INTEL_EMAIL},
    {"email-addr", INTEL_EMAIL},
    {"email-address", INTEL_EMAIL},
    {"email-src", INTEL_EMAIL},
    {"email-dst", INTEL_EMAIL},
    {"email-reply-to", INTEL_EMAIL},
    {"whois-registrant-email", INTEL_EMAIL},
    {"cert-hash", INTEL_CERT_HASH},
    {"cert", INTEL_CERT_HASH},
    {"certificate", INTEL_CERT_HASH},
    {"x509", INTEL_CERT_HASH},
    {"x509-fingerprint-sha256", INTEL_CERT_HASH},
    {"x509-fingerprint-sha1", INTEL_CERT_HASH},
    {"x509-fingerprint-md5", INTEL_CERT_HASH},
    {"cert-sha1", INTEL_CERT_HASH},
    {"cert-sha256", INTEL_CERT_HASH},
    {"software", INTEL_USER_AGENT},
    {"user-agent", INTEL_USER_AGENT},
    {"useragent", INTEL_USER_AGENT},
    {"ua", INTEL_USER_AGENT},
    {"http-user-agent", INTEL_USER_AGENT},
};

struct composite_word {
    const char *word;
    enum intel_type parts[2];
};

static const struct composite_word composite_words[] = {
    {"domain|ip", {INTEL_DOMAIN, INTEL_ADDR}},
    {"hostname|ip", {INTEL_DOMAIN, INTEL_ADDR}},
    {"hostname|port", {INTEL_DOMAIN, INTEL_TYPE_COUNT}},
    {"ip-src|port", {INTEL_ADDR, INTEL_TYPE_COUNT}},
    {"ip-dst|port", {INTEL_ADDR, INTEL_TYPE_COUNT}},
    {"filename|md5", {INTEL_TYPE_COUNT, INTEL_FILE_HASH}},
    {"filename|sha1", {INTEL_TYPE_COUNT, INTEL_FILE_HASH}},
    {"filename|sha256", {INTEL_TYPE_COUNT, INTEL_FILE_HASH}},
};

/* Lower case, '_' and ' ' as '-', "Intel::" dropped, surrounding blanks
 * trimmed. Returns the length, or 0 when empty or too long. */
static size_t fold_type_name(const char *name, size_t len, char out[TYPE_NAME_MAX])
{
    if (name == NULL)
        return 0;
    intel_trim(&name, &len);
    if (len >= 7 && strncasecmp(name, "intel::", 7) == 0) {
        name += 7;
        len -= 7;
    }
    if (len == 0 || len >= TYPE_NAME_MAX)
        return 0;
    intel_fold_name(name, len, '_', ' ', '-', out);
    return len;
}

bool intel_type_parse_composite(const char *misp_type, size_t len, enum intel_type parts[2], unsigned *n_parts)
{
    char folded[TYPE_NAME_MAX];
    if (fold_type_name(misp_type, len, folded) == 0)
        return false;
    for (size_t i = 0; i < sizeof composite_words / sizeof composite_words[0]; i++) {
        if (strcmp(folded, composite_words[i].word) == 0) {
            parts[0] = composite_words[i].parts[0];
            parts[1] = composite_words[i].parts[1];
            *n_parts = 2;
            return true;
        }
    }
    return false;
}

bool intel_type_parse(const char *name, size_t len, enum intel_type *out)
{
    char folded[TYPE_NAME_MAX];
    if (fold_type_name(name, len, folded) == 0)
        return false;
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++) {
        if (strcmp(folded, type_words[i].word) == 0) {
            *out = type_words[i].type;
            return true;
        }
    }
    enum intel_type parts[2];
    unsigned n = 0;
    if (intel_type_parse_composite(name, len, parts, &n)) {
        for (unsigned i = 0; i < n; i++) {
            if (parts[i] != INTEL_TYPE_COUNT) {
                *out = parts[i];
                return true;
            }
        }
    }
    return false;
}

unsigned intel_split_typed_value(const char *type_name, size_t type_len, const char *value, size_t len,
                                 struct intel_typed_value out[2])
{
    if (value == NULL)
        return 0;
    enum intel_type parts[2];
    unsigned n_parts = 0;
    if (!intel_type_parse_composite(type_name, type_len, parts, &n_parts)) {
        enum intel_type t;
        if (!intel_type_parse(type_name, type_len, &t))
            return 0;
        out[0] = (struct intel_typed_value){t, value, len};
        return 1;
    }
    const char *bar = memchr(value, '|', len);
    if (bar == NULL)
        return 0;
    const char *piece[2] = {value, bar + 1};
    size_t piece_len[2] = {(size_t)(bar - value), len - (size_t)(bar - value) - 1};
    unsigned n = 0;
    for (unsigned i = 0; i < n_parts && i < 2; i++)
        if (parts[i] != INTEL_TYPE_COUNT)
            out[n++] = (struct intel_typed_value){parts[i], piece[i], piece_len[i]};
    return n;
}
