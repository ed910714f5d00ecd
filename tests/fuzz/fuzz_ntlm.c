/* libFuzzer target for NTLMSSP messages (proto/ntlm.c): the input is one
 * security blob, fed as SMB session setup hands it over, then the outcome. */
#include <stdlib.h>
#include <string.h>

#include "proto/ntlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void no_publish(struct app_env *env, enum event_kind kind, const void *txn) {}
static void no_weird(struct app_env *env, const char *name, const char *addl, const char *source) {}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, d, n);
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {.conn = &conn, .publish = no_publish, .weird = no_weird};
    struct ntlm_session s;
    memset(&s, 0, sizeof s);
    ntlm_session_blob(&s, &env, "SMB", copy, n);
    ntlm_session_result(&s, &env, n % 2 == 0);
    ntlm_session_close(&s, &env);
    free(copy);
    return 0;
}
