/* intel/ internals shared by the store, the normaliser and the loaders.
 * Not for use outside src/intel/. */
#ifndef VIGIL_INTEL_INTERNAL_H
#define VIGIL_INTEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intel/intel.h"
#include "util/addr.h"

/* intel_normalize for ADDR that also returns the parsed address. */
size_t intel_normalize_addr(const char *value, size_t len, char *out, size_t outlen, struct ip_addr *a);
/* intel_normalize for SUBNET that also returns the prefix (len on the 16-byte form, host bits cleared). */
size_t intel_normalize_subnet(const char *value, size_t len, char *out, size_t outlen, struct ip_prefix *p);

/* True when name is already what intel_normalize(INTEL_DOMAIN) returns, so a
 * lookup can use it as is. */
bool intel_domain_is_canonical(const char *name, size_t len);
/* True when value is already canonical lower-case hex of one of the lengths type t allows. */
bool intel_hash_is_canonical(enum intel_type t, const char *value, size_t len);

/* ASCII whitespace trimmed from both ends. */
void intel_trim(const char **p, size_t *len);

/* A feed's type or column name folded for lookup: s[0..n) in ASCII lower
 * case, each of the two separators sep_a and sep_b as `to`, and a NUL, into
 * out (n + 1 bytes). The text feeds fold to '_', MISP and STIX types to '-'. */
void intel_fold_name(const char *s, size_t n, char sep_a, char sep_b, char to, char *out);

/* Longest value cut into an example line. */
#define INTEL_EXAMPLE_VALUE_MAX 120

/* Adds one value from a feed: refines the declared type, stores it, and
 * counts the outcome in rep (added per type, duplicates, invalid with an
 * example "file:line: invalid TYPE: value"). Returns the store's answer. */
enum intel_add_result intel_feed_add(struct intel_store *s, struct intel_load_report *rep, const char *file,
                                     uint64_t line, enum intel_type t, const char *value, size_t len,
                                     const struct intel_meta *meta);
/* Counts one record that could not be used and records an example
 * "file:line: reason: value" (value cut to INTEL_EXAMPLE_VALUE_MAX bytes,
 * control bytes shown as '?'). `counter` is one of rep's counters. */
void intel_feed_reject(struct intel_load_report *rep, uint64_t *counter, const char *file, uint64_t line,
                       const char *reason, const char *value, size_t len);

/* Detection helpers (feed_text.c) over the first bytes of a file: a CSV
 * header row naming a value column; a line a plain list would load. */
bool intel_csv_header_ok(const uint8_t *head, size_t n);
bool intel_list_has_indicator(const uint8_t *head, size_t n);

/* "/path?query": what some feeds list as a URL, which Vigil cannot match
 * without a host (counted as unsupported, not invalid). */
bool intel_url_is_bare_path(const char *value, size_t len);

/* The last path component, for meta.source and example lines: points into
 * path (a static "" when path is NULL). */
const char *intel_base_name(const char *path);

#endif
