/* The capture operands of `read`: files, "-", and directories, which stand
 * for every capture file in them ordered by first packet time. */
#ifndef VIGIL_CLI_INPUTS_H
#define VIGIL_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

struct capture_inputs {
    char **paths;   /* owned */
    unsigned n;
};

/* false (reason in err) when a directory cannot be read, holds no capture,
 * or one of its files is not a capture. */
bool capture_inputs_expand(const char *const *operands, unsigned n, struct capture_inputs *out, char *err,
                           size_t errlen);
void capture_inputs_free(struct capture_inputs *in);

#endif
