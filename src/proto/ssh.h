/* ssh: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/ssh-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_SSH_H
#define VIGIL_PROTO_SSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/ssh-t.h"

extern const struct app_parser ssh_parser;

#endif
