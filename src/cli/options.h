/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>

/* getopt_long() as docker and podman read a command line, for every verb:
 *   - a long option only by its whole name: getopt_long() takes any unambiguous prefix, and
 *     `--pid 100` would be `--pids-limit 100`, `--mem` `--memory`;
 *   - "-e=K=V" as pflag reads it: a short option's value attached after '=' is what follows the
 *     '=' ("-eK=V" and "-e K=V" as ever);
 *   - "--rm=true", "--privileged=false" as pflag takes a flag without a value: the option, or
 *     nothing at all;
 *   - every bad option said in one line, "unknown option --mem; see 'berth run --help'", never
 *     getopt's own message.
 * verb names the --help to point at ("run", "volume rm"). Returns what getopt_long() returns
 * (-1 at the end of the options), and '?' for any error, logged. */
int options_next(const char *verb, int argc, char *argv[], const char *optstring, const struct option *options);
