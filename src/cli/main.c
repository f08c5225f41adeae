/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"
#include "macro.h"
#include "string-util.h"
#include "verbs.h"

/* The verb table: what `berth --help` lists and what dispatch consults. A verb whose issue
 * has not landed has no function yet and says so. */
static const Verb verbs[] = {
        { "run",     NULL, verb_run, "run [OPTIONS] IMAGE [CMD…]", "Create and start a container", 3 },
        { "create",  NULL, verb_create, "create [OPTIONS] IMAGE [CMD…]", "Write a container's definition", 4 },
        { "start",   NULL, verb_start, "start NAME…", "Start containers", 4 },
        { "stop",    NULL, verb_stop, "stop [-t SECS] NAME…", "Stop containers", 3 },
        { "restart", NULL, verb_restart, "restart NAME…", "Restart containers", 4 },
        { "kill",    NULL, verb_kill, "kill [-s SIGNAL] NAME…", "Send a signal to containers", 4 },
        { "rm",      NULL, verb_rm, "rm [-f] [-v] NAME…", "Remove containers", 4 },
        { "wait",    NULL, verb_wait, "wait NAME", "Wait for a container and print its exit code", 4 },
        { "list",    "ps", verb_list, "list [-a] [-q] [-f KEY=VALUE]… [-o table|json] [--format FORMAT] [--no-trunc] [--no-legend]", "List containers", 4 },
        { "status",  NULL, verb_status, "status [-n N] NAME", "Show a container's state", 4 },
        { "inspect", NULL, verb_inspect, "inspect [-f TEMPLATE] NAME…", "Show a container's details as JSON", 4 },
        { "logs",    NULL, verb_logs, "logs [-f] [-n N] [--since T] [--until T] [-o short|json|cat] NAME", "Show a container's journal", 4 },
        { "events",  NULL, verb_events, "events [--since T] [--until T] [-f KEY=VALUE]… [--format json|TEMPLATE]", "Show containers' events as they happen", 17 },
        { "exec",    NULL, verb_exec, "exec [-i] [-t] [-e K=V]… [-u USER] [-w DIR] NAME CMD…", "Run a command in a running container", 4 },
        { "pause",   NULL, verb_pause, "pause NAME…", "Freeze a container's processes", 4 },
        { "unpause", NULL, verb_unpause, "unpause NAME…", "Thaw a container's processes", 4 },
        { "stats",   NULL, verb_stats, "stats [--no-stream] [NAME…]", "Show resource usage", 4 },
        { "top",     NULL, verb_top, "top NAME", "List a container's processes", 4 },
        { "export",  NULL, verb_export, "export [-o FILE] NAME", "Write a container's file system as a tar archive", 4 },
        { "port",    NULL, verb_port, "port NAME [PORT[/PROTO]]", "List the ports a container publishes", 5 },
        { "verify",  NULL, verb_verify, "verify FILE…", "Check definition files", 4 },
        { "volume",  NULL, verb_volume, "volume create|ls|inspect|rm|prune …", "Manage volumes", 6 },
        { "pull",    NULL, verb_pull, "pull [--platform OS/ARCH[/VARIANT]] [--policy POLICY] [-q] IMAGE", "Pull an image from a registry", 15 },
        { "login",   NULL, verb_login, "login [-u USER] [-p PASSWORD | --password-stdin] [REGISTRY]", "Log in to a registry", 15 },
        { "logout",  NULL, verb_logout, "logout [REGISTRY]", "Log out of a registry", 15 },
        { "image",   NULL, verb_image, "image import|load|inspect|ls|rm|prune …", "Manage images", 3 },
        { "rename",  NULL, verb_rename, "rename OLD NEW", "Rename a container that does not run", 16 },
        { "cp",      NULL, verb_cp, "cp [-a] [-L] NAME:PATH DEST|-  or  cp [-a] [-L] SRC|- NAME:PATH", "Copy files between a container and the host", 16 },
        { "system",  NULL, verb_system, "system prune [-a] [--volumes]", "Remove what killed operations left, and unused images and volumes", 13 },
};

/* docker's top-level image verbs, as its users type them: `berth images` is `berth image ls`. */
static const struct {
        const char *name, *image_verb;
} shortcuts[] = {
        { "images", "ls" },
        { "rmi", "rm" },
        { "load", "load" },
        { "tag", "tag" },
};

static const char *shortcut_of(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(shortcuts); i++)
                if (streq(shortcuts[i].name, name))
                        return shortcuts[i].image_verb;
        return NULL;
}

const Verb *verb_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name) || streq_ptr(verbs[i].alias, name))
                        return &verbs[i];
        return NULL;
}

void verb_help(const char *name, const char *options) {
        const Verb *v = verb_find(name);

        if (!v)
                return;
        printf("Usage: berth %s\n\n%s.\n", v->synopsis, v->summary);
        if (options)
                printf("\nOptions:\n%s", options);
}

static void help(void) {
        printf("berth " PACKAGE_VERSION " — Linux containers as systemd units\n\n"
               "Usage: berth [--version] [--help] VERB [ARGS…]\n\n"
               "Verbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-9s %s%s%s%s\n", verbs[i].name, verbs[i].summary,
                       verbs[i].alias ? " (alias " : "", verbs[i].alias ? verbs[i].alias : "",
                       verbs[i].alias ? ")" : "");
        printf("\nAs docker's:");
        for (size_t i = 0; i < ELEMENTSOF(shortcuts); i++)
                printf("%s %s (image %s)", i ? "," : "", shortcuts[i].name, shortcuts[i].image_verb);
        printf(".\n");
        printf("\nRun 'berth VERB --help' for a verb's options. See berth(1).\n");
}

int main(int argc, char *argv[]) {
        const Verb *v;

        log_open();

        /* Only global options come before the verb; stop at the first non-option. */
        if (argc < 2) {
                help();
                return EXIT_BERTH_FAILED;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h") || streq(argv[1], "help")) {
                if (argc > 2 && !streq(argv[1], "-h")) {
                        if (shortcut_of(argv[2])) {
                                char *args[] = { (char *) "image", (char *) shortcut_of(argv[2]), (char *) "--help", NULL };

                                optind = 0;
                                return verb_image(3, args);
                        }
                        v = verb_find(argv[2]);
                        if (!v) {
                                log_error("unknown verb '%s', see 'berth --help'", argv[2]);
                                return EXIT_BERTH_FAILED;
                        }
                        verb_help(v->name, NULL);
                        return 0;
                }
                help();
                return 0;
        }
        if (streq(argv[1], "--version") || streq(argv[1], "version")) {
                printf("berth " PACKAGE_VERSION "\n");
                return 0;
        }
        if (argv[1][0] == '-') {
                log_error("unknown option '%s', see 'berth --help'", argv[1]);
                return EXIT_BERTH_FAILED;
        }

        v = verb_find(argv[1]);
        if (!v && shortcut_of(argv[1])) {
                /* berth images ARGS… runs as berth image ls ARGS… */
                char **args = calloc((size_t) argc + 2, sizeof(char *));

                if (!args)
                        return log_oom(), EXIT_BERTH_FAILED;
                args[0] = (char *) "image";
                args[1] = (char *) shortcut_of(argv[1]);
                for (int i = 2; i < argc; i++)
                        args[i] = argv[i];
                optind = 0;
                return verb_image(argc, args);
        }
        if (!v) {
                log_error("unknown verb '%s', see 'berth --help'", argv[1]);
                return EXIT_BERTH_FAILED;
        }
        if (!v->run) {
                for (int i = 2; i < argc; i++)
                        if (streq(argv[i], "--help")) {
                                verb_help(v->name, NULL);
                                return 0;
                        }
                log_error("'%s' is not implemented yet (issue %u)", v->name, v->issue);
                return EXIT_BERTH_FAILED;
        }
        optind = 0;
        return v->run(argc - 1, argv + 1);
}
