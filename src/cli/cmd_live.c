/* vigil live IFACE: capture from an interface until SIGINT or SIGTERM. */
#include <stdio.h>

#include "cli/options.h"
#include "cli/session.h"

void cli_help_live(void)
{
    printf("usage: vigil live IFACE [OPTIONS]\n\n"
           "Captures from IFACE until SIGINT or SIGTERM, then flushes and closes every log.\n"
           "Each line reaches its log within a second. Existing logs are appended to, never\n"
           "truncated. SIGHUP reopens every log (after logrotate moved them) and reloads the\n"
           "--intel feeds and --rules (a broken feed or rules path keeps the old set). SIGUSR1, SIGUSR2 and SIGPIPE are ignored.\n"
           "Exit status: 0 ok, 2 usage or setup error (e.g. permission denied on the interface,\n"
           "an unknown -u user: do not restart), 4 log lines were lost (a full disk: each failing\n"
           "log is named on stderr), 5 the interface went down or away mid-run (restart).\n\n"
           "options:\n%s%s"
           "      --report-interval SECONDS  behaviour findings every SECONDS of traffic (default 300)\n"
           "      --rotate SECONDS     archive every log each SECONDS as Zeek does:\n"
           "                           DIR/YYYY-MM-DD/conn.HH:MM:SS-HH:MM:SS.log\n"
           "      --compress           gzip the archived logs (.log.gz)\n"
           "      --stats-interval SECONDS  a stats.log row every SECONDS (default 60): packets,\n"
           "                           capture drops, log lines lost and the logs failing\n"
           "capture and operation:\n"
           "      --capture afpacket|pcap  AF_PACKET v3 rings, one per worker in a fanout group (the\n"
           "                           default on Linux for Ethernet links), or libpcap\n"
           "      --ring-size BYTES    AF_PACKET: bytes per ring, i.e. per worker (default 64M)\n"
           "      --block-size BYTES   AF_PACKET: bytes per ring block, a power of two (default 256k)\n"
           "      --cpus LIST          pin worker i to the i-th CPU of LIST (e.g. 0,2-3)\n"
           "  -u, --user USER          run as USER with no capability once the interface is open\n"
           "      --uid-key HEX        key of the uid hash (default 0); sensors sharing it agree on uids\n"
           "      --uid-window SECONDS uids use the first packet's time cut to SECONDS (live default 60,\n"
           "                           so sensors on several links agree; 0: the exact microsecond)\n%s",
           usage_common, usage_detect, usage_kafka);
}

int cli_run_live(int argc, char **argv)
{
    return run_capture_command(argc, argv, cli_help_live, true);
}
