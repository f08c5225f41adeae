/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "definition.h"

/* Issue 16: leftovers. A container's two names. Its key is its file's name: NAME.container runs
 * as container@NAME.service (systemctl names it by the file, as for Quadlet), and berth keeps its
 * state, lock and scope under it. ContainerName= gives the name users and machined know it by;
 * every verb takes either, through definition_find(). Pure, never logs. */

/* ContainerName=, else the file's name. */
const char *definition_shown_name(const Definition *d);

/* The key of the container that given names, in *ret_key: given itself when a definition file
 * is named so (NAME.container, or NAME@INSTANCE's template), else the one definition in dirs
 * (NULL: berth_definition_dirs()) whose ContainerName= is given. -ENOENT with *ret_why "no such
 * container GIVEN", -ENOTUNIQ when two definitions give it, -EINVAL for a name no container can
 * have. Template definitions are not
 * searched: an instance is named by its key. */
int definition_find(const char *given, char **dirs, char **ret_key, char **ret_why);

/* -EEXIST with one line when another definition in dirs is known by d's shown name: a file of
 * that name, or another ContainerName= equal to it. A definition that cannot be read is no
 * other's rival. */
int definition_name_check(const Definition *d, char **dirs, char **ret_why);
