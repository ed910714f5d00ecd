/* The rules Vigil ships and loads without being asked, as Suricata loads
 * the rule files its configuration lists: rules/devices.rules (exploits
 * against cameras, recorders and routers, factory-credential logins).
 * --no-default-rules turns them off, --default-rules PATH replaces them. */
#ifndef VIGIL_CLI_DEFAULT_RULES_H
#define VIGIL_CLI_DEFAULT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"

/* Appends the default rule paths to o->rules_paths, each unless a --rules
 * path already loads it (the same file, or the folder holding it). False,
 * with the reason in err, when a shipped file cannot be found. */
bool add_default_rules(struct options *o, char *err, size_t errlen);

#endif
