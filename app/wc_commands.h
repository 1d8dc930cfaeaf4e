/* wc_commands.h — the wcsim subcommands. Each returns a status; main turns it into an
 * exit code and prints the message once (see docs/errors.md). */
#ifndef WC_COMMANDS_H
#define WC_COMMANDS_H

#include "wc_status.h"

/* argv[0] is the subcommand's own name. */
wc_status wc_command_run(int argc, char **argv) WC_NODISCARD;
wc_status wc_command_basin(int argc, char **argv) WC_NODISCARD;
wc_status wc_command_version(int argc, char **argv) WC_NODISCARD;

/* Apply --log-level / --all-ranks if given. */
struct wc_cli_command;
wc_status wc_apply_log_options(struct wc_cli_command *command) WC_NODISCARD;

#endif
