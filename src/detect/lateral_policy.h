/* The lateral-movement detectors' policy: data/lateral_movement.tsv (or
 * --lateral-policy FILE): the RPC operations that mark each technique, the
 * thresholds, the executable endings and the admin shares. This reader
 * keeps what detect/lateral.c needs; the Kerberos and fan-out thresholds
 * of the same file are lateral_config.h's. */
#ifndef VIGIL_DETECT_LATERAL_POLICY_H
#define VIGIL_DETECT_LATERAL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lateral_class {
    LATERAL_NONE = 0,
    LATERAL_SERVICE_CREATE,
    LATERAL_SERVICE_START,
    LATERAL_TASK_CREATE,
    LATERAL_WMI_EXEC,
    LATERAL_NETLOGON_AUTH,
    LATERAL_REPLICATION,
    LATERAL_DC_SERVICE,
};

#define LATERAL_NAME_MAX 64

struct lateral_operation {
    enum lateral_class cls;
    char endpoint[LATERAL_NAME_MAX];
    char operation[LATERAL_NAME_MAX];   /* "*": any */
};

struct lateral_policy {
    struct lateral_operation *ops;
    size_t n_ops;
    char (*extensions)[16];
    size_t n_extensions;
    char (*admin_shares)[LATERAL_NAME_MAX];
    size_t n_admin_shares;
    uint64_t zerologon_calls;
    int64_t zerologon_window_us;
    int64_t exec_after_write_us;
    int64_t service_start_us;
};

/* path NULL: the shipped file. false with err (file:line) on failure. */
bool lateral_policy_load(struct lateral_policy *p, const char *path, char *err, size_t errlen);
void lateral_policy_free(struct lateral_policy *p);

/* The classes an RPC call belongs to (a call may be dc_service and
 * another): the first match other than dc_service, and *dc_service. */
enum lateral_class lateral_policy_class(const struct lateral_policy *p, const char *endpoint, const char *operation,
                                        bool *dc_service);
/* True when a file name (its ending) or its first bytes make it an executable. */
bool lateral_policy_is_executable(const struct lateral_policy *p, const char *name, const uint8_t *head, size_t n);
/* True when a tree path ("\\host\ADMIN$") names an admin share. */
bool lateral_policy_is_admin_share(const struct lateral_policy *p, const char *path);

#endif
