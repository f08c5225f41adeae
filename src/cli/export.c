/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth export NAME [-o FILE]: the container's file system (its image with its own changes, not
 * its volumes) as a tar archive, as docker export writes it; berth image import reads it back. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "containers.h"
#include "definition.h"
#include "fd-util.h"
#include "image.h"
#include "layer.h"
#include "log.h"
#include "mount.h"
#include "options.h"
#include "path-util.h"
#include "paths.h"
#include "strv.h"
#include "units.h"
#include "verbs.h"

int verb_export(int argc, char *argv[]) {
        static const struct option options[] = {
                {"output", required_argument, NULL, 'o'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(definition_freep) Definition *d = NULL;
        _cleanup_free_ char *why = NULL, *upper = NULL;
        _cleanup_(store_closep) Store *store = NULL;
        _cleanup_strv_free_ char **layers = NULL, **image_layers = NULL;
        _cleanup_close_ int root_fd = -EBADF, out_fd = -EBADF;
        const char *output = NULL;
        int c, r;

        while ((c = options_next("export", argc, argv, "o:", options)) >= 0)
                switch (c) {
                case 'o':
                        output = optarg;
                        break;
                case 'H':
                        verb_help("export",
                                  "  -o, --output FILE  write to FILE instead of standard output\n");
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (argc - optind != 1) {
                log_error("export needs one container name; see 'berth export --help'");
                return EXIT_BERTH_FAILED;
        }
        if (!output && isatty(STDOUT_FILENO)) {
                log_error("refusing to write an archive to a terminal; use -o FILE or a redirection");
                return EXIT_BERTH_FAILED;
        }
        if (containers_load_definition(argv[optind], &d) < 0)
                return EXIT_BERTH_FAILED;

        /* The container's upper directory over the image's layers, read-only and attached
         * nowhere: what the container sees at its root, without its mounts. */
        upper = path_join(berth_state_dir(), "containers", d->name, "upper");
        if (!upper) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        r = store_open(&store, &why);
        if (r >= 0)
                r = containers_layers(store, d, &image_layers, &why);
        if (r < 0) {
                log_error_errno(r, "Failed to resolve image '%s': %s", definition_image_shown(d), why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        /* Never started: no upper directory yet. */
        if (access(upper, F_OK) >= 0 && strv_extend(&layers, upper) < 0) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        STRV_FOREACH(l, image_layers)
        if (strv_extend(&layers, *l) < 0) {
                log_oom();
                return EXIT_BERTH_FAILED;
        }
        if (strv_length(layers) == 1) {
                /* One layer and no changes: the layer itself (overlayfs wants two). */
                root_fd = open(layers[0], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                r = root_fd < 0 ? -errno : 0;
        } else
                r = mount_overlay_detached(layers, &root_fd);
        if (r < 0) {
                log_error_errno(r, "Failed to mount the file system of container %s: %m", d->name);
                return EXIT_BERTH_FAILED;
        }

        out_fd = output ? open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600)
                        : fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (out_fd < 0) {
                log_error_errno(-errno, "Failed to open %s: %m", output ?: "standard output");
                return EXIT_BERTH_FAILED;
        }
        r = layer_pack(root_fd, out_fd, &why);
        if (r < 0) {
                if (why)
                        log_error("Failed to export container %s: %s", d->name, why);
                else
                        log_error_errno(r, "Failed to export container %s: %m", d->name);
                if (output)
                        (void)unlink(output);
                return EXIT_BERTH_FAILED;
        }
        return 0;
}
