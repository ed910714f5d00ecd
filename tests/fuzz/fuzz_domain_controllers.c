/* libFuzzer target for the --domain-controllers list (detect/
 * domain_controllers.c: "ADDR,ADDR,..."): the input is the option's value.
 * A list that is accepted leaves every address of it known as given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/domain_controllers.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    char *list = malloc(n + 1); /* exact size: a read past the NUL is caught */
    struct dc_registry *r = dc_registry_new();
    if (list == NULL || r == NULL) {
        free(list);
        dc_registry_free(r);
        return 0;
    }
    memcpy(list, d, n);
    list[n] = '\0';
    if (memchr(list, '\0', n) == NULL) {
        char err[256];
        if (dc_registry_add_list(r, list, err, sizeof err)) {
            for (char *save = NULL, *one = strtok_r(list, ",", &save); one; one = strtok_r(NULL, ",", &save)) {
                struct ip_addr a;
                if (!ip_addr_parse(one, &a) || !(dc_registry_evidence(r, &a) & DC_EVIDENCE_GIVEN))
                    abort();
            }
        }
    }
    dc_registry_free(r);
    free(list);
    return 0;
}
