/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16: leftovers. A container's key (its file's name) and the name ContainerName= gives it:
 * finding the one from the other, and refusing two containers known by one name. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "definition-name.h"
#include "definition-unit.h"
#include "fd-util.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

const char *definition_shown_name(const Definition *d) {
        return d->process.container_name ?: d->name;
}

static int dirs_or_default(char **dirs, char ***ret) {
        if (!dirs) {
                dirs = (char **) berth_definition_dirs();
                if (!dirs)
                        return -ENOMEM;
        }
        *ret = dirs;
        return 0;
}

/* Whether some directory of dirs holds FILE.container. */
static int file_exists(char **dirs, const char *file) {
        STRV_FOREACH(dir, dirs) {
                _cleanup_free_ char *p = strjoin(*dir, "/", file, DEFINITION_SUFFIX);

                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) == 0)
                        return 1;
        }
        return 0;
}

/* Whether a definition may set ContainerName=: its file says the word, or it has drop-ins (looked
 * for only when some directory holds a drop-in directory, any_dropins). Saves parsing every
 * definition at each start; a false "may" only costs a parse. */
static int may_set_container_name(const char *path, bool any_dropins) {
        _cleanup_strv_free_ char **dropins = NULL;
        _cleanup_free_ char *text = NULL, *why = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, DEFINITION_SIZE_MAX, &text, &size);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        if (strstr(text, "ContainerName"))
                return 1;
        if (!any_dropins)
                return 0;
        r = definition_dropins_find(path, &dropins, &why);
        if (r == -ENOMEM)
                return r;
        return r >= 0 && !strv_isempty(dropins);
}

/* The keys of the definitions in dirs other than templates, each once (the first directory's
 * file is the one definition_load() reads), that may set ContainerName=. */
static int candidates(char **dirs, char ***ret) {
        _cleanup_strv_free_ char **keys = NULL;
        bool any_dropins = false;
        int r;

        /* Drop-ins live in DIR/….d/ (definition-unit.h): none there, none to look for per file. */
        STRV_FOREACH(dir, dirs) {
                _cleanup_(closedirp) DIR *dp = opendir(*dir);
                struct dirent *de;

                while (dp && !any_dropins && (de = readdir(dp)))
                        any_dropins = de->d_name[0] != '.' && endswith(de->d_name, ".d");
        }
        STRV_FOREACH(dir, dirs) {
                _cleanup_(closedirp) DIR *dp = opendir(*dir);
                struct dirent *de;

                if (!dp)
                        continue;
                while ((de = readdir(dp))) {
                        _cleanup_free_ char *key = NULL, *path = NULL;

                        if (de->d_name[0] == '.' || !endswith(de->d_name, DEFINITION_SUFFIX))
                                continue;
                        key = strndup(de->d_name, strlen(de->d_name) - strlen(DEFINITION_SUFFIX));
                        if (!key)
                                return -ENOMEM;
                        if (!name_is_valid(key) || name_is_template(key) || strv_contains(keys, key))
                                continue;
                        path = path_join(*dir, de->d_name);
                        if (!path)
                                return -ENOMEM;
                        r = may_set_container_name(path, any_dropins);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                continue;
                        r = strv_consume(&keys, TAKE_PTR(key));
                        if (r < 0)
                                return r;
                }
        }
        strv_sort(keys);
        *ret = TAKE_PTR(keys);
        return 0;
}

/* The keys of the definitions other than skip whose ContainerName= is name. */
static int claimants(char **dirs, const char *name, const char *skip, char ***ret) {
        _cleanup_strv_free_ char **keys = NULL, **found = NULL;
        int r;

        r = candidates(dirs, &keys);
        if (r < 0)
                return r;
        STRV_FOREACH(k, keys) {
                _cleanup_(definition_freep) Definition *other = NULL;

                if (streq_ptr(*k, skip) || definition_load(*k, dirs, &other, NULL) < 0)
                        continue;
                if (!streq_ptr(other->process.container_name, name))
                        continue;
                r = strv_extend(&found, *k);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(found);
        return 0;
}

/* Whether FILE.container, or NAME@INSTANCE's template, is a definition in dirs. */
static int key_exists(char **dirs, const char *key) {
        _cleanup_free_ char *template = NULL;
        const char *at = strchr(key, '@');
        int r;

        r = file_exists(dirs, key);
        if (r != 0 || !at)
                return r;
        template = strndup(key, (size_t) (at - key + 1));
        if (!template)
                return -ENOMEM;
        return file_exists(dirs, template);
}

int definition_find(const char *given, char **dirs, char **ret_key, char **ret_why) {
        _cleanup_strv_free_ char **found = NULL;
        const char *key = given;
        char *copy;
        int r;

        if (!name_is_valid(given))
                return reason(ret_why, -EINVAL, "invalid container name '%s': names must match " NAME_RULE,
                              SHOWN(given ?: ""));
        r = dirs_or_default(dirs, &dirs);
        if (r < 0)
                return r;
        r = key_exists(dirs, given);
        if (r < 0)
                return r;
        if (r == 0) {
                /* ContainerName= is a plain name; an instance is known by its key alone. */
                if (name_is_plain(given)) {
                        r = claimants(dirs, given, NULL, &found);
                        if (r < 0)
                                return r;
                }
                if (!found)
                        return reason(ret_why, -ENOENT, "no such container %s", given);
                if (found[1])
                        return reason(ret_why, -ENOTUNIQ,
                                      "container name '%s' is given by %s" DEFINITION_SUFFIX " and %s" DEFINITION_SUFFIX
                                      " (ContainerName=): name it by its file's name",
                                      given, found[0], found[1]);
                key = found[0];
        }
        copy = strdup(key);
        if (!copy)
                return -ENOMEM;
        *ret_key = copy;
        return 0;
}

/* Issue 16: leftovers (dialect). A template's ContainerName= that is the same for every instance
 * (no %i in it): two instances would claim one name, as two files would. Told by reading two
 * instances of the template (d is the template, or one of its instances). */
static int template_name_check(const Definition *d, char **dirs, char **ret_why) {
        const char *at = strchr(d->name, '@');
        _cleanup_free_ char *template = NULL, *a = NULL, *b = NULL;
        _cleanup_(definition_freep) Definition *da = NULL, *db = NULL;

        if (!at || !d->process.container_name)
                return 0;
        template = strndup(d->name, (size_t) (at - d->name + 1));
        if (!template)
                return -ENOMEM;
        a = strjoin(template, "1");
        b = strjoin(template, "2");
        if (!a || !b)
                return -ENOMEM;
        /* Read as definition_load() reads an instance, from its file (d->path) and its drop-ins. */
        if (definition_load(a, dirs, &da, NULL) < 0 || definition_load(b, dirs, &db, NULL) < 0 ||
            !streq_ptr(da->process.container_name, db->process.container_name))
                return 0;
        return reason(ret_why, -EEXIST,
                      "key 'ContainerName': '%s' is the name of every instance of template %s" DEFINITION_SUFFIX
                      ", and two instances cannot share a name: make it the instance's (%%i)",
                      da->process.container_name, template);
}

int definition_name_check(const Definition *d, char **dirs, char **ret_why) {
        _cleanup_strv_free_ char **found = NULL;
        const char *name = definition_shown_name(d);
        int r;

        r = dirs_or_default(dirs, &dirs);
        if (r < 0)
                return r;
        r = template_name_check(d, dirs, ret_why);
        if (r < 0)
                return r;
        if (d->process.container_name && !streq(d->process.container_name, d->name)) {
                r = file_exists(dirs, name);
                if (r < 0)
                        return r;
                if (r > 0)
                        return reason(ret_why, -EEXIST,
                                      "key 'ContainerName': '%s' is the name of %s" DEFINITION_SUFFIX
                                      ", another container: each container needs a name of its own",
                                      name, name);
        }
        r = claimants(dirs, name, d->name, &found);
        if (r < 0)
                return r;
        if (found)
                return reason(ret_why, -EEXIST,
                              "container name '%s' is given by %s" DEFINITION_SUFFIX " too (ContainerName=): "
                              "each container needs a name of its own",
                              name, found[0]);
        return 0;
}
