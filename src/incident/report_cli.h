/* incident/report_cli: the `vigil report` command line (options, help,
 * the summary printed at the end). */
#ifndef VIGIL_INCIDENT_REPORT_CLI_H
#define VIGIL_INCIDENT_REPORT_CLI_H

/* argv[0] is "report". Exit status: 0 ok, 1 some logs damaged, 2 usage or setup error. */
int report_main(int argc, char **argv);

#endif
