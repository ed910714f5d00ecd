/* vigil live IFACE: capture from an interface until SIGINT or SIGTERM. */
#include <stdio.h>

#include "cli/options.h"
#include "cli/session.h"

static void help_live(void)
{
    printf("usage: vigil live IFACE [OPTIONS]\n\n"
           "Captures from IFACE until SIGINT or SIGTERM, then flushes and closes every log.\n"
           "SIGHUP reloads the --intel feeds (a broken feed keeps the old set).\n"
           "Exit status: 0 ok, 2 usage or setup error (e.g. permission denied on the interface).\n\n"
           "options:\n%s%s"
           "      --report-interval SECONDS  behaviour findings every SECONDS of traffic (default 300)\n",
           usage_common, usage_detect);
}

static int run_live(int argc, char **argv)
{
    return run_capture_command(argc, argv, &cli_command_live, true);
}

const struct cli_command cli_command_live = {
    .name = "live",
    .operands = "IFACE",
    .summary = "capture from a network interface until SIGINT/SIGTERM",
    .run = run_live,
    .help = help_live,
};
