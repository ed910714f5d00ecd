/* The names of DCE-RPC interfaces and operations, read at run time from
 * data/dce_rpc_operations.tsv (a user may replace it through
 * $VIGIL_DATA_DIR): one line per operation, `uuid endpoint opnum operation
 * logged`, where `logged` F marks the operations Zeek's
 * DCE_RPC::ignored_operations leaves out of dce_rpc.log. */
#ifndef VIGIL_PROTO_DCE_RPC_NAMES_H
#define VIGIL_PROTO_DCE_RPC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dce_rpc_names;
struct app_env;

/* The shipped file (found by util/datadir.h). NULL with err set when it is
 * missing or malformed (line number in err). The caller frees it. */
struct dce_rpc_names *dce_rpc_names_load_default(char *err, size_t errlen);
struct dce_rpc_names *dce_rpc_names_load(const char *path, char *err, size_t errlen);
void dce_rpc_names_free(struct dce_rpc_names *names);
/* The app_parser worker hooks of the parsers that name calls (smb,
 * dce_rpc): the worker state is the shipped names, NULL when they cannot be
 * read (every name is then "unknown-..."). The worker state is freed with
 * dce_rpc_names_worker_close. */
void *dce_rpc_names_worker_open(void);
void dce_rpc_names_worker_close(void *names, struct app_env *env);

/* The endpoint of a text UUID, NULL when unknown. Valid while names lives. */
const char *dce_rpc_endpoint_name(const struct dce_rpc_names *names, const char *uuid);
/* The operation's name, NULL when unknown; *logged receives its log flag
 * (true when unknown). Valid while names lives. */
const char *dce_rpc_operation_name(const struct dce_rpc_names *names, const char *uuid, uint16_t opnum,
                                   bool *logged);

#endif
