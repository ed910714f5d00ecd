/* NTLM authentication (Zeek's ntlm.log) as the carrying protocols see it:
 * SMB session setup (inside SPNEGO), DCE-RPC auth trailers, HTTP
 * Authorization headers: the `struct ntlm_session` a carrier keeps per
 * connection (fed and closed through proto/ntlm.h) and the `struct
 * ntlm_txn` it publishes as EVENT_NTLM once per connection, as Zeek logs
 * it. Type-only. */
#ifndef VIGIL_PROTO_NTLM_T_H
#define VIGIL_PROTO_NTLM_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NTLM_NAME_MAX 256   /* longer names are cut (counted as the weird NTLM_name_too_long) */

/* What ntlm.log shows; each string is present when its has_ flag is set. */
struct ntlm_txn {
    int64_t ts_us;                  /* the first NTLM message of the connection */
    bool has_username, has_hostname, has_domainname;
    char username[NTLM_NAME_MAX], hostname[NTLM_NAME_MAX], domainname[NTLM_NAME_MAX];
    bool has_server_nb, has_server_dns, has_server_tree;
    char server_nb_computer_name[NTLM_NAME_MAX], server_dns_computer_name[NTLM_NAME_MAX],
        server_tree_name[NTLM_NAME_MAX];
    bool has_success, success;
    const char *carrier;            /* "SMB", "DCE_RPC", "HTTP": for detectors, not logged */
};

struct ntlm_session {
    struct ntlm_txn info;
    bool active;                    /* an NTLM message was seen */
    bool done;                      /* published: Zeek logs one row per connection */
    bool authenticated;             /* an AUTHENTICATE was read: the outcome is next */
};

#endif
