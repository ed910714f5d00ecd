/* vigil read FILE...: capture files analysed as one capture. */
#include <stdio.h>

#include "cli/options.h"
#include "cli/session.h"

void cli_help_read(void)
{
    printf("usage: vigil read FILE... [OPTIONS]\n\n"
           "Reads pcap and pcapng files in order as one capture (\"-\" = standard input).\n"
           "Exit status: 0 ok, 1 a capture was damaged or shrank while read (processed up to the damage),\n"
           "2 usage or setup error, 3 interrupted by SIGINT/SIGTERM (the logs are whole but partial),\n"
           "4 log lines were lost (a full disk: each failing log is named on stderr; or Kafka messages dropped).\n\n"
           "options:\n%s%s%s",
           usage_common, usage_detect, usage_kafka);
}

int cli_run_read(int argc, char **argv)
{
    return run_capture_command(argc, argv, cli_help_read, false);
}
