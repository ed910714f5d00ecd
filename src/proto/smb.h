/* smb: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/smb-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_SMB_H
#define VIGIL_PROTO_SMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/parser.h"
#include "proto/smb-t.h"
#include "proto/smb_command-t.h"

extern const struct app_parser smb_parser;

#endif
