/* The vigil program: the subcommands are in cli/ (cli/commands.def). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
