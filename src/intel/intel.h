/* intel/: threat-intelligence indicators. A `struct intel_store` is built
 * once by the loaders (MISP, STIX 2.1, CSV, plain lists, Zeek intel files),
 * then only read: lookups are safe from any number of threads at once. A
 * reload builds a new store and swaps it in (detect/), so a store is never
 * changed while it is matched against.
 *
 * Every value is normalised the same way when it is loaded and when it is
 * looked up (intel_normalize), so "EVIL.example." in a feed matches the DNS
 * name "evil.example" on the wire. */
#ifndef VIGIL_INTEL_INTEL_H
#define VIGIL_INTEL_INTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/intel-t.h"
#include "util/addr.h"

/* Parses "Intel::ADDR", "ADDR", "ip", "ipv4", "ip-dst", "domain", "hostname",
 * "url", "md5", "sha1", "sha256", "ja3", "ja3-fingerprint-md5", "ja4",
 * "email", "email-src", "x509-fingerprint-sha256", "user-agent", ... (the
 * names CSV headers, MISP attribute types and Zeek intel files use).
 * Returns false when unknown. */
bool intel_type_parse(const char *name, size_t len, enum intel_type *out);
/* Guesses the type of a bare value from a plain list: an address (a port
 * allowed), a CIDR, a 32/40/64 hex-digit hash, an email, a URL (has "://",
 * or a '/' or ':port' after a plausible host), a domain (its last label two
 * or more letters, or an A-label, so "e.g." or "v1.2" is none). A guess is
 * always valid for intel_normalize. Returns false when it is none of them. */
bool intel_type_infer(const char *value, size_t len, enum intel_type *out);

/* MISP composite attribute types ("domain|ip", "filename|md5",
 * "ip-dst|port", "hostname|port", ...): their value holds n_parts values
 * separated by '|'. parts[i] is the type of the i-th part, or
 * INTEL_TYPE_COUNT when that part is no indicator (a file name, a port).
 * Returns false when misp_type is not a composite type Vigil knows (then
 * intel_type_parse may still know it as a plain type). For a composite type
 * intel_type_parse returns the type of its first indicator part. */
bool intel_type_parse_composite(const char *misp_type, size_t len, enum intel_type parts[2], unsigned *n_parts);

/* One typed value inside a (possibly composite) attribute; points into the
 * caller's value, not NUL-terminated. */
struct intel_typed_value {
    enum intel_type type;
    const char *value;
    size_t len;
};
/* The indicators held by a value of the named type: one for a plain type,
 * up to two for a composite one ("domain|ip" + "evil.example|1.2.3.4" gives
 * DOMAIN "evil.example" and ADDR "1.2.3.4"; "filename|md5" gives only the
 * FILE_HASH). Returns how many were written to out (0 when the type is
 * unknown, or the composite value lacks its '|'). */
unsigned intel_split_typed_value(const char *type_name, size_t type_len, const char *value, size_t len,
                                 struct intel_typed_value out[2]);

/* The type a value really has when a feed mislabels it in a common way:
 * ADDR written as a CIDR ("10.0.0.0/8") -> SUBNET, DOMAIN (or "hostname")
 * holding an address -> ADDR, DOMAIN holding "scheme://..." -> URL.
 * Otherwise returns `declared`. Loaders call it before intel_store_add and
 * count the result under the refined type. */
enum intel_type intel_type_refine(enum intel_type declared, const char *value, size_t len);

/* The longest normalised value, NUL included. Longer values are invalid
 * when loaded and never match when looked up (lookups use a stack buffer of
 * this size). */
#define INTEL_VALUE_MAX 4096

/* Canonical form of a value of type t into out (NUL-terminated):
 *  - DOMAIN: lower case, trailing dot removed, IDN U-labels to punycode
 *    A-labels (libidn2), "*." prefix removed; must look like a host name.
 *  - URL: scheme dropped, host lower case (and IDN to punycode), default port
 *    (80/443/21) dropped, percent-encoding of unreserved characters decoded
 *    and other escapes upper-cased, fragment dropped, empty path = "/".
 *    "hxxp://" and "[.]" defanging is undone.
 *  - EMAIL: lower case, "Name <a@b>" reduced to "a@b", defanging undone.
 *  - FILE_HASH, CERT_HASH, JA3: lower-case hex of 32, 40 or 64 digits (':' removed).
 *  - ADDR/SUBNET: the textual form Zeek prints (ip_addr_format); a SUBNET
 *    keeps "/len" with the host bits cleared. Defanged "1[.]2[.]3[.]4" accepted.
 *  - JA4, USER_AGENT: surrounding whitespace trimmed.
 * Details: a DOMAIN needs at least two labels and a non-numeric last label
 * (a feed listing "com" must not match every name); a leading "." is removed
 * like "*."; an ADDR may carry a port ("1.2.3.4:8080", "[2001:db8::1]:443",
 * dropped) or a full-length prefix ("/32"); a SUBNET without "/len" is the
 * single address; a URL drops ports 80 and 443 whatever its scheme (and
 * 21 for ftp) so that a result is its own normal form, its userinfo is
 * dropped, and control, space and non-ASCII bytes in its path are
 * percent-encoded; a JA3 is exactly 32 digits (it is an MD5).
 * Defanging undone for DOMAIN, URL (before its path only), EMAIL, ADDR,
 * SUBNET: "[.]" "(.)" "{.}" "[dot]" -> ".", "[@]" "[at]" -> "@", "[:]" -> ":",
 * "[/]" -> "/", and for URL "hxxp"/"hxxps"/"fxp" schemes.
 * Normalising a normalised value gives it back unchanged.
 * Returns the length, or 0 when the value is not valid for the type. */
size_t intel_normalize(enum intel_type t, const char *value, size_t len, char *out, size_t outlen);

struct intel_store;

/* An empty store; the caller frees it with intel_store_free(). NULL when out
 * of memory. */
struct intel_store *intel_store_new(void);
void intel_store_free(struct intel_store *s);
size_t intel_store_count(const struct intel_store *s);
size_t intel_store_memory(const struct intel_store *s);   /* bytes held, for reports */

enum intel_add_result {
    INTEL_ADD_NEW,            /* a new indicator */
    INTEL_ADD_DUPLICATE,      /* already there: meta merged (an identical meta is not added twice) */
    INTEL_ADD_INVALID,        /* value not valid for its type: nothing stored */
};
/* Normalises value and stores it with a copy of meta (meta may be NULL). */
enum intel_add_result intel_store_add(struct intel_store *s, enum intel_type t, const char *value, size_t len,
                                      const struct intel_meta *meta);

enum intel_validity intel_validity_at(const struct intel_entry *e, int64_t ts_us);

/* Lookups. All take raw wire values and normalise them themselves (a cheap
 * path for values that are already canonical: lower-case names and hashes).
 * They return NULL when nothing matches, else an entry owned by s: valid
 * until the next intel_store_add or intel_store_free. */
/* Exact address first, then the longest SUBNET containing it. Owned by s, as
 * all lookups' results. */
const struct intel_entry *intel_lookup_addr(const struct intel_store *s, const struct ip_addr *a);
/* The name itself, then each parent domain ("a.b.evil.com" -> "b.evil.com"
 * -> "evil.com" -> "com"), so a listed domain matches all its subdomains.
 * Owned by s, as all lookups' results. */
const struct intel_entry *intel_lookup_domain(const struct intel_store *s, const char *name, size_t len);
/* URL, FILE_HASH, JA3, JA4, EMAIL, CERT_HASH, USER_AGENT: exact after
 * normalisation (for URL pass "scheme://host/path" or "host/path"). Owned by
 * s, as all lookups' results. */
const struct intel_entry *intel_lookup(const struct intel_store *s, enum intel_type t, const char *value, size_t len);

/* --- loaders (intel/feed_*.c) --- */

enum intel_format {
    INTEL_FORMAT_AUTO,
    INTEL_FORMAT_MISP,        /* MISP event JSON, or a MISP feed folder (manifest.json) */
    INTEL_FORMAT_STIX,        /* STIX 2.1 bundle */
    INTEL_FORMAT_CSV,         /* CSV with a header row naming the columns */
    INTEL_FORMAT_LIST,        /* one indicator per line, '#' comments, type inferred */
    INTEL_FORMAT_ZEEK,        /* Zeek intel framework file: #fields indicator indicator_type meta.source ... */
    INTEL_FORMAT_COUNT,
};
const char *intel_format_name(enum intel_format f);  /* static string: "misp", "stix", "csv", "list", "zeek" */

#define INTEL_REPORT_EXAMPLES 20

/* What loading a feed did: intel check prints it; --intel prints a line. */
struct intel_load_report {
    uint64_t files;                         /* files read */
    uint64_t per_format[INTEL_FORMAT_COUNT];/* files per format */
    uint64_t added[INTEL_TYPE_COUNT];       /* new indicators per type */
    uint64_t duplicates;                    /* indicators already loaded (merged) */
    uint64_t invalid;                       /* values not valid for their type */
    uint64_t unsupported;                   /* STIX patterns / MISP types / CSV types Vigil cannot match */
    uint64_t skipped_not_ids;               /* MISP attributes with to_ids false */
    uint64_t skipped_revoked;               /* STIX indicators marked revoked */
    uint64_t errors;                        /* files or records that could not be parsed at all */
    /* The first INTEL_REPORT_EXAMPLES unsupported/invalid/error items, each
     * "file:line-or-id: reason: value" (value cut to 120 bytes). */
    unsigned n_examples;
    char examples[INTEL_REPORT_EXAMPLES][256];
};
/* Adds one example line to the report (formatted like printf), counting nothing. */
void intel_report_example(struct intel_load_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Loads a file, or every regular file under a directory (recursively,
 * sorted, hidden files skipped; a MISP feed folder is read through its
 * manifest.json), detecting each file's format from its content unless fmt
 * says otherwise. Counts go into rep (accumulated, not reset).
 * Returns 0, or -1 with a one-line reason in err when the path cannot be
 * read at all or nothing in it is a feed. A file that is partly broken
 * (malformed JSON, a bad line) is not an error: what could be read is kept,
 * and rep->errors and examples say what was not. */
int intel_load_path(struct intel_store *s, const char *path, enum intel_format fmt,
                    struct intel_load_report *rep, char *err, size_t errlen);

/* Format detection on the first bytes of a file (and its name; n may be
 * the whole file, at most the first 64 KiB are read). Returns
 * INTEL_FORMAT_AUTO when the bytes are no feed: binary (a NUL byte or
 * invalid UTF-8 in the first 4 KiB), JSON that is neither MISP nor STIX, or
 * text in which no format is recognised (a plain list needs an indicator
 * among its first 200 lines, so a README or LICENSE is not one). */
enum intel_format intel_detect_format(const char *name, const uint8_t *head, size_t n);

/* Per-format loaders over a whole file's bytes (the fuzz targets call these).
 * `name` is the file name, used as the default meta.source and in examples. */
void intel_load_misp(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep);
void intel_load_stix(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep);
void intel_load_csv(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep);
void intel_load_list(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep);
void intel_load_zeek(struct intel_store *s, const char *name, const uint8_t *p, size_t n, struct intel_load_report *rep);

#endif
