/* libFuzzer target for NTLMSSP messages (proto/ntlm.c): the input is one
 * security blob, fed as SMB session setup hands it over, then the outcome. */
#include <stdlib.h>
#include <string.h>

#include "exact_copy.h"
#include "proto/ntlm.h"
#include "stream_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    uint8_t *copy = fuzz_exact_copy(d, n);
    if (copy == NULL)
        return 0;
    struct app_conn conn;
    memset(&conn, 0, sizeof conn);
    struct app_env env = {.conn = &conn, .publish = fuzz_no_publish, .weird = fuzz_no_weird};
    struct ntlm_session s;
    memset(&s, 0, sizeof s);
    ntlm_session_blob(&s, &env, "SMB", copy, n);
    ntlm_session_result(&s, &env, n % 2 == 0);
    ntlm_session_close(&s, &env);
    free(copy);
    return 0;
}
