/* cli/: `vigil rules check`. */
#ifndef VIGIL_CLI_RULES_CHECK_H
#define VIGIL_CLI_RULES_CHECK_H

/* argv[0] is "check". Returns the exit status. */
int rules_check_main(int argc, char **argv);

#endif
