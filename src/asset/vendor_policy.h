/* asset/vendor_policy: vendors flagged by public decisions (the FCC Covered
 * List, national decisions on high-risk vendors), read from a TSV file
 * (data/devices/vendor_policy.tsv by default, --vendor-policy FILE). Each
 * entry names a group, a level, the organisation-name variants that belong
 * to it, the reason and the source; see data/devices/README.md. */
#ifndef VIGIL_ASSET_VENDOR_POLICY_H
#define VIGIL_ASSET_VENDOR_POLICY_H

#include <stddef.h>

struct vendor_flag {
    const char *group;          /* "hikvision" */
    const char *level;          /* "covered", "restricted", "watch" */
    const char *reason;
    const char *source;         /* URL or document of the decision */
};

struct vendor_policy;

/* The caller frees it with vendor_policy_free(); NULL with a one-line reason
 * in err when the file cannot be read or a line is malformed. */
struct vendor_policy *vendor_policy_load(const char *path, char *err, size_t errlen);
void vendor_policy_free(struct vendor_policy *p);
size_t vendor_policy_size(const struct vendor_policy *p);

/* The entry whose name variant appears, as whole words and case-blind, in
 * organisation; NULL when none does. Points into p: valid while p lives. */
const struct vendor_flag *vendor_policy_match(const struct vendor_policy *p, const char *organisation);

#endif
