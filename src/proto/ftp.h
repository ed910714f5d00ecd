/* ftp: the parser objects and the functions other files call; what the
 * protocol publishes is in proto/ftp-t.h, the header later stages include. */
#ifndef VIGIL_PROTO_FTP_H
#define VIGIL_PROTO_FTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/ftp-t.h"
#include "proto/parser.h"

extern const struct app_parser ftp_parser;
/* Zeek's defaults. */
void ftp_settings_default(struct ftp_settings *s);
/* --ftp-logged-commands: a comma list replacing the set, or "+LIST" adding
 * to it (Zeek's `redef FTP::logged_commands += {...}`); false on an empty
 * or over-long name or more than FTP_LOGGED_MAX commands. */
bool ftp_settings_logged_commands(struct ftp_settings *s, const char *list);
extern const struct app_parser ftp_data_parser;

#endif
