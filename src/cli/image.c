/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth image import|load|ls|inspect|rm|tag|prune: a small table of sub-verbs over the store. */
#include <fcntl.h>
#include <string.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "cleanup.h"
#include "containers.h"
#include "docker-view.h"
#include "config.h"
#include "fd-util.h"
#include "format.h"
#include "image-config.h"
#include "image-load.h"
#include "image-mount.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "name.h"
#include "options.h"
#include "path-util.h"
#include "reference.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"
#include "store.h"
#include "subverb.h"
#include "time-util.h"
#include "units.h"
#include "verbs.h"

static int image_import(int argc, char *argv[]);
static int image_load_verb(int argc, char *argv[]);
static int image_ls(int argc, char *argv[]);
static int image_inspect(int argc, char *argv[]);
static int image_rm(int argc, char *argv[]);
static int image_tag(int argc, char *argv[]);
static int image_prune_verb(int argc, char *argv[]);

static const SubVerb image_verbs[] = {
        { "import", NULL, image_import, "image import DIR|ARCHIVE|- NAME",
          "Make an image of one layer from a directory or a tar archive (- for stdin), as localhost/NAME",
          NULL },
        { "load", NULL, image_load_verb, "image load [-i ARCHIVE] [ARCHIVE|-] [NAME]",
          "Load the images docker save (one or several) or an OCI tool wrote (- or none for stdin), checking every digest",
          "  -i, --input FILE  the archive (docker's and podman's way to name it)\n"
          "  -q, --quiet       accepted for docker's sake: berth shows no progress\n" },
        { "ls", "list", image_ls, "image ls [-a] [-q] [--no-trunc] [--no-legend]", "List images",
          "  -a, --all         accepted for docker's sake: berth has no intermediate images\n"
          "  -q, --quiet       print image IDs only\n"
          "      --no-trunc    full image IDs\n"
          "      --no-legend   no header line\n" },
        { "inspect", NULL, image_inspect, "image inspect IMAGE…",
          "Show images (by reference, short name or ID) as JSON",
          NULL },
        { "rm", "remove", image_rm, "image rm [-f] IMAGE…",
          "Untag images and remove what no image references; never one a container definition names",
          "  -f, --force       untag every reference of an image given by ID\n" },
        { "tag", NULL, image_tag, "image tag SOURCE TARGET",
          "Give the image SOURCE names the reference TARGET too",
          NULL },
        { "prune", NULL, image_prune_verb, "image prune [-a] [-f]",
          "Remove layers and blobs no image references, and what killed loads and pulls left",
          "  -a, --all         also remove images no container definition names\n"
          "  -f, --force       accepted for docker's sake: berth does not ask\n" },
        { "pull", NULL, verb_image_pull, "image pull [--platform OS/ARCH[/VARIANT]] [--policy POLICY] [-q] IMAGE", "Pull an image from a registry", PULL_OPTIONS_HELP },
};

static const SubVerbGroup image_group = { "image", "Manage images", image_verbs, ELEMENTSOF(image_verbs) };

static Store *open_store(void) {
        _cleanup_free_ char *why = NULL;
        Store *s = NULL;
        int r;

        r = store_open(&s, &why);
        if (r < 0) {
                log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
                return NULL;
        }
        return s;
}

/* Whether the container of a pin still exists: its definition where berth finds them, or a unit
 * of it that systemd still has. */
static bool container_exists(const char *name, void *userdata) {
        _cleanup_free_ char *path = NULL, *state = NULL, *owner = NULL;
        int r;

        /* Issue 16: leftovers. A Mount=type=image's pin is its container's (image-mount.h). */
        r = image_mount_pin_owner(name, &owner);
        if (r < 0)
                return true; /* cannot tell: keep its image */
        if (r > 0)
                return container_exists(owner, userdata);
        if (containers_definition_path(name, &path) >= 0)
                return true;
        if (units_active_state(name, &state) < 0)
                return true; /* cannot tell: keep its image */
        return !streq(state, "inactive");
}

/* "localhost/web:1" → "localhost/web" and "1"; "x/y@sha256:…" → "x/y" and NULL. */
static int split_reference(const char *ref, char **ret_repository, char **ret_tag) {
        _cleanup_(reference_done) Reference r = REFERENCE_NULL;
        int k;

        k = reference_parse(ref, &r, NULL);
        if (k < 0)
                return k;
        *ret_repository = reference_repository(&r);
        if (!*ret_repository)
                return -ENOMEM;
        *ret_tag = TAKE_PTR(r.tag);
        return 0;
}

/* Sweeps, saying what went; a sweep skipped for someone else's use of the store is said. */
static int sweep(Store *s, bool verbose, uint64_t *ret_bytes) {
        _cleanup_(store_sweep_result_done) StoreSweepResult res = {};
        int r;

        r = store_sweep(s, container_exists, NULL, &res);
        if (r < 0)
                log_warning_errno(r, "Failed to remove part of what no image references in %s: %m", store_root(s));
        if (res.skipped) {
                if (verbose)
                        log_info("The image store is in use (a pull or a start): what no image references stays for the next prune");
                return 0;
        }
        STRV_FOREACH(x, res.removed) {
                const char *hex = startswith(*x, "blobs/sha256/");

                /* An image is its config: its blob gone is the image deleted. */
                if (hex)
                        printf("Deleted: sha256:%s\n", hex);
                else if (verbose)
                        printf("reclaimed %s/%s\n", store_root(s), *x);
        }
        if (ret_bytes)
                *ret_bytes += res.bytes;
        return r;
}

/* Parses only --help (every sub-verb has it); returns 1 if it was given, 0 otherwise, or the
 * exit code to fail with. */
static int parse_help_only(const SubVerb *v, int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'H' },
                {}
        };
        int c;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "", options)) >= 0)
                switch (c) {
                case 'H':
                        subverb_help(v);
                        return 1;
                default:
                        return -EXIT_BERTH_FAILED;
                }
        return 0;
}


static int image_import(int argc, char *argv[]) {
        _cleanup_(store_closep) Store *s = NULL;
        _cleanup_free_ char *why = NULL, *ref = NULL;
        const char *src, *name;
        struct stat st;
        int r;

        r = parse_help_only(subverb_find(&image_group, "import"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (argc - optind != 2) {
                log_error("image import needs a directory or an archive, and a name; see 'berth image import --help'");
                return EXIT_BERTH_FAILED;
        }
        src = argv[optind];
        name = argv[optind + 1];

        r = image_local_reference(name, &ref, &why);
        if (r < 0) {
                log_error_errno(r, "%s", why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        if (!streq(src, "-") && stat(src, &st) < 0) {
                log_error_errno(-errno, "Failed to access %s: %m", src);
                return EXIT_BERTH_FAILED;
        }
        if (!streq(src, "-") && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
                log_error("%s is neither a directory nor an archive file", src);
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;
        if (streq(src, "-") || S_ISREG(st.st_mode)) {
                _cleanup_close_ int fd = streq(src, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
                                                         : open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);

                if (fd < 0) {
                        log_error_errno(-errno, "Failed to open %s: %m", src);
                        return EXIT_BERTH_FAILED;
                }
                r = image_import_archive(s, fd, ref, NULL, &why);
        } else
                r = image_import_dir(s, src, ref, NULL, &why);
        if (r < 0 && why) {
                log_error("Failed to import %s as image %s: %s", streq(src, "-") ? "stdin" : src, ref, why);
                return EXIT_BERTH_FAILED;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to import %s as image %s: %m", streq(src, "-") ? "stdin" : src, ref);
                return EXIT_BERTH_FAILED;
        }
        return 0;
}

static int image_load_verb(int argc, char *argv[]) {
        _cleanup_(store_closep) Store *s = NULL;
        _cleanup_strv_free_ char **refs = NULL;
        _cleanup_free_ char *why = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *src, *name;
        int r;

        static const struct option options[] = {
                { "input", required_argument, NULL, 'i' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'H' },
                {}
        };
        const SubVerb *v = subverb_find(&image_group, "load");
        const char *input = NULL;
        int c;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "i:q", options)) >= 0)
                switch (c) {
                case 'i':
                        input = optarg;
                        break;
                case 'q':
                        break;
                case 'H':
                        subverb_help(v);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        /* docker load [-i FILE]: stdin without one; berth's own form names it as the first word. */
        if (argc - optind > (input ? 1 : 2)) {
                log_error("image load takes one archive and at most a name; see 'berth image load --help'");
                return EXIT_BERTH_FAILED;
        }
        src = input ?: argc - optind >= 1 ? argv[optind++] : "-";
        name = argc - optind == 1 ? argv[optind] : NULL;
        if (streq(src, "-") && isatty(STDIN_FILENO)) {
                log_error("image load reads the archive from stdin, which is a terminal: name it, or pipe it in");
                return EXIT_BERTH_FAILED;
        }

        fd = streq(src, "-") ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                log_error_errno(-errno, "Failed to open %s: %m", src);
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;
        r = image_load(s, fd, name, &refs, NULL, &why);
        if (r < 0) {
                if (why)
                        log_error("Failed to load %s: %s", streq(src, "-") ? "stdin" : src, why);
                else
                        log_error_errno(r, "Failed to load %s: %m", streq(src, "-") ? "stdin" : src);
                return EXIT_BERTH_FAILED;
        }
        /* docker's and podman's line, which scripts parse: one per reference. */
        STRV_FOREACH(ref, refs)
                printf("Loaded image: %s\n", *ref);
        return 0;
}

/* The references of the image id, and its repo digests ("REPOSITORY@MANIFEST"). */
static int image_names(const StoreRef *refs, size_t n, const char *id, char ***ret_tags, char ***ret_digests) {
        _cleanup_strv_free_ char **tags = NULL, **digests = NULL;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *repo = NULL, *tag = NULL, *d = NULL;

                if (!streq(refs[i].config_digest, id))
                        continue;
                if (!strchr(refs[i].reference, '@') && strv_extend(&tags, refs[i].reference) < 0)
                        return -ENOMEM;
                if (!refs[i].manifest_digest)
                        continue;
                if (split_reference(refs[i].reference, &repo, &tag) < 0)
                        return -ENOMEM;
                d = strjoin(repo, "@", refs[i].manifest_digest);
                if (!d)
                        return -ENOMEM;
                if (!strv_contains(digests, d) && strv_consume(&digests, TAKE_PTR(d)) < 0)
                        return -ENOMEM;
        }
        if ((!tags && !(tags = calloc(1, sizeof(char *)))) || (!digests && !(digests = calloc(1, sizeof(char *)))))
                return -ENOMEM;
        *ret_tags = TAKE_PTR(tags);
        *ret_digests = TAKE_PTR(digests);
        return 0;
}

static void config_strings(Store *s, const char *id, char **ret_created, char **ret_arch, char **ret_os) {
        if (store_image_info(s, id, ret_created, ret_arch, ret_os) < 0)
                *ret_created = *ret_arch = *ret_os = NULL;
}

static int image_inspect(int argc, char *argv[]) {
        _cleanup_(store_closep) Store *s = NULL;
        StoreRef *refs = NULL;
        size_t n_refs = 0;
        JsonWriter w;
        int r, ret = 0;

        r = parse_help_only(subverb_find(&image_group, "inspect"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (optind >= argc) {
                log_error("image inspect needs an image; see 'berth image inspect --help'");
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;
        r = store_refs(s, &refs, &n_refs);
        if (r < 0) {
                log_error_errno(r, "Failed to list the references in %s: %m", store_root(s));
                return EXIT_BERTH_FAILED;
        }

        json_init(&w, stdout, /* pretty= */ true);
        json_begin_array(&w);
        for (int i = optind; i < argc; i++) {
                _cleanup_(image_config_done) ImageConfig c = IMAGE_CONFIG_NULL;
                _cleanup_strv_free_ char **diff_ids = NULL, **users = NULL, **tags = NULL, **digests = NULL;
                _cleanup_free_ char *id = NULL, *why = NULL, *created = NULL, *arch = NULL, *os = NULL;
                uint64_t size = 0;

                r = image_lookup(s, argv[i], &id, NULL, &why);
                if (r < 0) {
                        log_error_errno(r, "%s", why ?: strerror(-r));
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (store_image_layers(s, id, &diff_ids, NULL) < 0 || store_image_size(s, id, &size) < 0 ||
                    image_config_read_id(s, id, &c) < 0 || image_users(s, id, &users) < 0 ||
                    image_names(refs, n_refs, id, &tags, &digests) < 0) {
                        log_error("Failed to read image %s (%s)", argv[i], id);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                config_strings(s, id, &created, &arch, &os);

                json_begin_object(&w);
                json_key_string(&w, "Id", id);
                json_key_strv(&w, "RepoTags", tags);
                json_key_strv(&w, "RepoDigests", digests);
                json_key_string(&w, "Created", created);
                json_key_string(&w, "Architecture", arch);
                json_key_string(&w, "Os", os);
                json_key_uint(&w, "Size", size);
                json_key(&w, "Config");
                json_begin_object(&w);
                json_key_strv(&w, "Entrypoint", c.entrypoint);
                json_key_strv(&w, "Cmd", c.cmd);
                json_key_strv(&w, "Env", c.env);
                json_key_string(&w, "WorkingDir", c.working_dir);
                json_key_string(&w, "User", c.user);
                json_key_strv(&w, "Volumes", c.volumes);
                json_key_strv(&w, "ExposedPorts", c.exposed_ports);
                json_key_strv(&w, "Labels", c.labels);
                json_end_object(&w);
                json_key(&w, "RootFS");
                json_begin_object(&w);
                json_key_string(&w, "Type", "layers");
                json_key_strv(&w, "Layers", diff_ids);
                json_end_object(&w);
                json_key_strv(&w, "Containers", users);
                json_end_object(&w);
        }
        json_end_array(&w);
        store_refs_free(refs, n_refs);
        r = json_finish(&w);
        if (r < 0) {
                log_error_errno(r, "Failed to write JSON: %m");
                return EXIT_BERTH_FAILED;
        }
        return ret;
}

/* docker's CREATED column: "3 days ago", from the config's RFC 3339 time. */
static void format_created(const char *created, char buf[static 64]) {
        char ago[32];
        struct tm tm = {};
        const char *end;
        time_t t;
        uint64_t now = now_realtime_usec(), then;

        strcpy(buf, "N/A");
        if (!created)
                return;
        end = strptime(created, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!end)
                return;
        t = timegm(&tm);
        if (t < 0)
                return;
        then = (uint64_t) t * 1000000ULL;
        snprintf(buf, 64, "%s ago", docker_human_duration(now > then ? now - then : 0, ago));
}

typedef struct Row {
        char *repository, *tag, *id, *created;
        uint64_t size;
} Row;

static int image_ls(int argc, char *argv[]) {
        enum { ARG_NO_LEGEND = 0x100, ARG_NO_TRUNC, ARG_HELP };
        static const struct option options[] = {
                { "all", no_argument, NULL, 'a' },
                { "quiet", no_argument, NULL, 'q' },
                { "no-trunc", no_argument, NULL, ARG_NO_TRUNC },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        _cleanup_(store_closep) Store *s = NULL;
        _cleanup_strv_free_ char **ids = NULL, **printed = NULL;
        bool quiet = false, legend = true, trunc = true;
        size_t w_repo = STRLEN("REPOSITORY"), w_tag = STRLEN("TAG"), w_id = STRLEN("IMAGE ID"),
               w_created = STRLEN("CREATED"), n_rows = 0, n_refs = 0;
        StoreRef *refs = NULL;
        Row *rows = NULL;
        int c, r;

        while ((c = subverb_options_next(&image_group, subverb_find(&image_group, "ls"), argc, argv, "aq", options)) >= 0)
                switch (c) {
                case 'a':
                        break;
                case 'q':
                        quiet = true;
                        break;
                case ARG_NO_TRUNC:
                        trunc = false;
                        break;
                case ARG_NO_LEGEND:
                        legend = false;
                        break;
                case ARG_HELP:
                        subverb_help(subverb_find(&image_group, "ls"));
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("image ls takes no arguments; see 'berth image ls --help'");
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;
        r = store_refs(s, &refs, &n_refs);
        if (r >= 0)
                r = store_image_ids(s, &ids);
        if (r < 0) {
                log_error_errno(r, "Failed to list images in %s: %m", store_root(s));
                return EXIT_BERTH_FAILED;
        }
        rows = calloc(n_refs + strv_length(ids) + 1, sizeof(Row));
        if (!rows) {
                store_refs_free(refs, n_refs);
                return log_oom(), EXIT_BERTH_FAILED;
        }

        /* A row per tag; an image with no tag (pinned by a container only) one row of <none>. */
        for (size_t i = 0; i <= n_refs; i++) {
                const char *id = i < n_refs ? refs[i].config_digest : NULL;

                if (i == n_refs) {
                        STRV_FOREACH(x, ids) {
                                bool tagged = false;

                                for (size_t j = 0; j < n_refs; j++)
                                        tagged = tagged || streq(refs[j].config_digest, *x);
                                if (tagged)
                                        continue;
                                rows[n_rows].repository = strdup("<none>");
                                rows[n_rows].tag = strdup("<none>");
                                rows[n_rows++].id = strdup(*x);
                        }
                        break;
                }
                if (split_reference(refs[i].reference, &rows[n_rows].repository, &rows[n_rows].tag) < 0)
                        continue;
                if (!rows[n_rows].tag)
                        rows[n_rows].tag = strdup("<none>");
                rows[n_rows++].id = strdup(id);
        }
        store_refs_free(refs, n_refs);

        for (size_t i = 0; i < n_rows; i++) {
                _cleanup_free_ char *created = NULL, *arch = NULL, *os = NULL;
                char when[64];

                if (!rows[i].repository || !rows[i].tag || !rows[i].id)
                        continue;
                config_strings(s, rows[i].id, &created, &arch, &os);
                format_created(created, when);
                rows[i].created = strdup(when);
                (void) store_image_size(s, rows[i].id, &rows[i].size);
                /* docker's short ID: 12 hex digits, without the algorithm. */
                if (trunc && startswith(rows[i].id, "sha256:")) {
                        memmove(rows[i].id, rows[i].id + STRLEN("sha256:"), 12);
                        rows[i].id[12] = 0;
                }
                w_repo = MAX(w_repo, strlen(rows[i].repository));
                w_tag = MAX(w_tag, strlen(rows[i].tag));
                w_id = MAX(w_id, strlen(rows[i].id));
                w_created = MAX(w_created, strlen(when));
        }

        if (!quiet && legend)
                printf("%-*s  %-*s  %-*s  %-*s  %s\n", (int) w_repo, "REPOSITORY", (int) w_tag, "TAG", (int) w_id,
                       "IMAGE ID", (int) w_created, "CREATED", "SIZE");
        for (size_t i = 0; i < n_rows; i++) {
                const char *id = rows[i].id;
                char size[FORMAT_MAX];

                if (!rows[i].repository || !rows[i].tag || !id)
                        continue;
                if (quiet) {
                        /* Each image once, as docker. */
                        if (!strv_contains(printed, id)) {
                                printf("%s\n", id);
                                (void) strv_extend(&printed, id);
                        }
                        continue;
                }
                format_bytes(size, rows[i].size);
                printf("%-*s  %-*s  %-*s  %-*s  %s\n", (int) w_repo, rows[i].repository, (int) w_tag, rows[i].tag,
                       (int) w_id, id, (int) w_created, rows[i].created ?: "N/A", size);
        }
        for (size_t i = 0; i < n_rows; i++) {
                free(rows[i].repository);
                free(rows[i].tag);
                free(rows[i].id);
                free(rows[i].created);
        }
        free(rows);
        return 0;
}

static int image_rm(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        const SubVerb *v = subverb_find(&image_group, "rm");
        _cleanup_(store_closep) Store *s = NULL;
        bool force = false, untagged = false;
        int c, r, ret = 0;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case ARG_HELP:
                        subverb_help(v);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind >= argc) {
                log_error("image rm needs an image; see 'berth image rm --help'");
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;

        for (int i = optind; i < argc; i++) {
                _cleanup_strv_free_ char **users = NULL, **names = NULL;
                _cleanup_free_ char *id = NULL, *ref = NULL, *why = NULL;
                StoreRef *refs = NULL;
                size_t n = 0;

                r = image_lookup(s, argv[i], &id, &ref, &why);
                if (r < 0) {
                        log_error_errno(r, "%s", why ?: strerror(-r));
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                /* A definition that names the image would fail at its next start, or worse, pick
                 * up a different image tagged later under the same name. */
                r = image_users(s, id, &users);
                if (r < 0) {
                        log_error_errno(r, "Failed to find the containers that use image %s: %m", argv[i]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (!strv_isempty(users)) {
                        _cleanup_free_ char *list = strv_join(users, ", ");

                        log_error("image %s is used by container%s %s", argv[i], users[1] ? "s" : "",
                                  list ? list : users[0]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (ref)
                        r = strv_extend(&names, ref);
                else {
                        /* By ID: every reference of it, which docker asks -f for when there are several. */
                        r = store_refs(s, &refs, &n);
                        for (size_t j = 0; r >= 0 && j < n; j++)
                                if (streq(refs[j].config_digest, id))
                                        r = strv_extend(&names, refs[j].reference);
                        if (refs)
                                store_refs_free(refs, n);
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to list the references of image %s: %m", argv[i]);
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                if (!ref && strv_length(names) > 1 && !force) {
                        log_error("image %s has %zu references; remove them by name, or give -f", argv[i],
                                  strv_length(names));
                        ret = EXIT_BERTH_FAILED;
                        continue;
                }
                STRV_FOREACH(name, names) {
                        r = store_untag(s, *name);
                        if (r < 0 && r != -ENOENT) {
                                log_error_errno(r, "Failed to untag %s: %m", *name);
                                ret = EXIT_BERTH_FAILED;
                                continue;
                        }
                        printf("Untagged: %s\n", *name);
                        untagged = true;
                }
        }
        if (untagged)
                (void) sweep(s, /* verbose= */ false, NULL);
        return ret;
}

static int image_tag(int argc, char *argv[]) {
        _cleanup_(store_closep) Store *s = NULL;
        _cleanup_free_ char *id = NULL, *src_ref = NULL, *manifest = NULL, *dst = NULL, *why = NULL;
        int r;

        r = parse_help_only(subverb_find(&image_group, "tag"), argc, argv);
        if (r != 0)
                return r > 0 ? 0 : EXIT_BERTH_FAILED;
        if (argc - optind != 2) {
                log_error("image tag needs a source image and a target name; see 'berth image tag --help'");
                return EXIT_BERTH_FAILED;
        }
        r = image_local_reference(argv[optind + 1], &dst, &why);
        if (r < 0) {
                log_error_errno(r, "%s", why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        s = open_store();
        if (!s)
                return EXIT_BERTH_FAILED;
        r = image_lookup(s, argv[optind], &id, &src_ref, &why);
        if (r < 0) {
                log_error_errno(r, "%s", why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        /* The manifest it came with, when it came by a reference that has one. */
        if (src_ref)
                (void) store_lookup(s, src_ref, NULL, &manifest);
        r = store_tag(s, dst, id, manifest, &why);
        if (r < 0) {
                log_error_errno(r, "Failed to tag %s as %s: %s", argv[optind], dst, why ?: strerror(-r));
                return EXIT_BERTH_FAILED;
        }
        return 0;
}

int image_prune(bool all, uint64_t *ret_bytes) {
        _cleanup_(store_closep) Store *s = NULL;
        StoreRef *refs = NULL;
        uint64_t bytes = 0;
        size_t n = 0;
        int r, ret = 0;

        s = open_store();
        if (!s)
                return -EIO;
        if (all) {
                r = store_refs(s, &refs, &n);
                if (r < 0)
                        ret = log_error_errno(r, "Failed to list images in %s: %m", store_root(s));
                for (size_t i = 0; i < n; i++) {
                        _cleanup_strv_free_ char **users = NULL;

                        /* Never an image a container names: its next start would fail, or find
                         * another image tagged under the name later. */
                        r = image_users(s, refs[i].config_digest, &users);
                        if (r < 0) {
                                ret = log_error_errno(r, "Failed to find the containers that use image %s, keeping it: %m",
                                                      refs[i].reference);
                                continue;
                        }
                        if (!strv_isempty(users))
                                continue;
                        r = store_untag(s, refs[i].reference);
                        if (r < 0 && r != -ENOENT) {
                                ret = log_error_errno(r, "Failed to untag %s: %m", refs[i].reference);
                                continue;
                        }
                        printf("Untagged: %s\n", refs[i].reference);
                }
                if (refs)
                        store_refs_free(refs, n);
        }
        r = sweep(s, /* verbose= */ true, &bytes);
        if (r < 0)
                ret = r;
        if (ret_bytes)
                *ret_bytes = bytes;
        return ret;
}

static int image_prune_verb(int argc, char *argv[]) {
        enum { ARG_HELP = 0x100 };
        static const struct option options[] = {
                { "all", no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                { "help", no_argument, NULL, ARG_HELP },
                {}
        };
        const SubVerb *v = subverb_find(&image_group, "prune");
        bool all = false;
        uint64_t bytes = 0;
        char size[FORMAT_MAX];
        int c, r;

        while ((c = subverb_options_next(&image_group, v, argc, argv, "af", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f':
                        break;
                case ARG_HELP:
                        subverb_help(v);
                        return 0;
                default:
                        return EXIT_BERTH_FAILED;
                }
        if (optind < argc) {
                log_error("image prune takes no arguments; see 'berth image prune --help'");
                return EXIT_BERTH_FAILED;
        }
        r = image_prune(all, &bytes);
        format_bytes(size, bytes);
        printf("Total reclaimed space: %s\n", size);
        return r < 0 ? EXIT_BERTH_FAILED : 0;
}

int verb_image(int argc, char *argv[]) {
        return subverb_dispatch(&image_group, argc, argv);
}
