/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading definition files: the file and its drop-ins (definition-unit.h), found in the
 * definition directories (definition_load()). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "definition-unit.h"
#include "definition.h"
#include "fd-util.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "string-util.h"
#include "strv.h"

/* Reads path; -ENOENT is returned without a message when quiet_enoent is set. */
static int read_definition(const char *path, bool quiet_enoent, char **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, DEFINITION_SIZE_MAX, &text, &size);
        if (r == -ENOENT && quiet_enoent)
                return r;
        if (r == -EFBIG)
                return reason(ret_error, r, "%s: larger than %u bytes, the most a definition may hold", path,
                            DEFINITION_SIZE_MAX);
        if (r == -EBADFD)
                return reason(ret_error, r, "%s: not a regular file", path);
        if (r < 0)
                return reason(ret_error, r, "%s: %s", path, strerror(-r));
        if (strlen(text) != size)
                return reason(ret_error, -EINVAL, "%s: contains a NUL byte", path);
        *ret = TAKE_PTR(text);
        return 0;
}

/* The definition at path, whose text is read, with its drop-ins (definition-unit.h). */
static int parse_with_dropins(char *text, const char *path, const char *name, Definition **ret, char **ret_error) {
        _cleanup_strv_free_ char **dropins = NULL, **texts = NULL, **paths = NULL;
        _cleanup_free_ char *why = NULL;
        int r;

        r = definition_dropins_find(path, &dropins, &why);
        if (r == -ENOMEM)
                return reason(ret_error, r, "%s: %s", path, strerror(-r));
        if (r < 0)
                return reason(ret_error, r, "%s", why ?: strerror(-r));
        r = strv_extend(&texts, text);
        if (r >= 0)
                r = strv_extend(&paths, path);
        if (r < 0)
                return reason(ret_error, r, "%s: %s", path, strerror(-r));
        STRV_FOREACH(dropin, dropins) {
                char *t = NULL;

                r = read_definition(*dropin, /* quiet_enoent= */ false, &t, ret_error);
                if (r < 0)
                        return r;
                r = strv_consume(&texts, t);
                if (r >= 0)
                        r = strv_extend(&paths, *dropin);
                if (r < 0)
                        return reason(ret_error, r, "%s: %s", path, strerror(-r));
        }
        return definition_parse_texts(texts, paths, strv_length(texts), name, ret, ret_error);
}

int definition_parse_file(const char *path, const char *name, Definition **ret, char **ret_error) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_definition(path, /* quiet_enoent= */ false, &text, ret_error);
        if (r < 0)
                return r;
        return parse_with_dropins(text, path, name, ret, ret_error);
}

/* dirs' first file named file, parsed as the definition of name; -ENOENT without a message when
 * no directory has it. */
static int load_first(const char *file, const char *name, char **dirs, Definition **ret, char **ret_error) {
        int r;

        STRV_FOREACH(dir, dirs) {
                _cleanup_free_ char *path = NULL, *text = NULL;

                path = path_join(*dir, file);
                if (!path)
                        return reason(ret_error, -ENOMEM, "%s", strerror(ENOMEM));
                r = read_definition(path, /* quiet_enoent= */ true, &text, ret_error);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                return parse_with_dropins(text, path, name, ret, ret_error);
        }
        return -ENOENT;
}

int definition_load(const char *name, char **dirs, Definition **ret, char **ret_error) {
        _cleanup_free_ char *file = NULL, *template = NULL;
        const char *at;
        int r;

        if (!name_is_valid(name))
                return reason(ret_error, -EINVAL, "invalid container name '%s': names must match " NAME_RULE
                              " (or NAME@INSTANCE for an instance of NAME@" DEFINITION_SUFFIX ")",
                              SHOWN(name ?: ""));

        if (!dirs) {
                dirs = (char **) berth_definition_dirs();
                if (!dirs)
                        return reason(ret_error, -ENOMEM, "%s", strerror(ENOMEM));
        }

        /* NAME@INSTANCE: its own file if there is one, else the template's, as systemd takes
         * foo@.service for foo@bar.service. */
        file = strjoin(name, DEFINITION_SUFFIX);
        if (!file)
                return reason(ret_error, -ENOMEM, "%s", strerror(ENOMEM));
        r = load_first(file, name, dirs, ret, ret_error);
        if (r != -ENOENT)
                return r;
        at = strchr(name, '@');
        if (at) {
                template = strndup(name, (size_t) (at - name + 1));
                free(file);
                if (!template || !(file = strjoin(template, DEFINITION_SUFFIX)))
                        return reason(ret_error, -ENOMEM, "%s", strerror(ENOMEM));
                r = load_first(file, name, dirs, ret, ret_error);
                if (r != -ENOENT)
                        return r;
                return reason(ret_error, -ENOENT, "no such container %s (nor a template %s" DEFINITION_SUFFIX ")", name,
                              template);
        }
        return reason(ret_error, -ENOENT, "no such container %s", name);
}
