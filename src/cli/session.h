/* The capture run loop that `read` and `live` share: options, captures,
 * output, detectors and engine opened, packets run through, everything
 * flushed and closed. */
#ifndef VIGIL_CLI_SESSION_H
#define VIGIL_CLI_SESSION_H

#include <stdbool.h>

#include "cli/cli.h"

/* Parses argv as read's or live's options (help: the command's, for -h) and
 * runs the session; live: one interface, else capture files. Returns the
 * exit code. */
int run_capture_command(int argc, char **argv, void (*help)(void), bool live);

#endif
