/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "definition-quote.h"

/* Definition files as Podman Quadlet reads them, beyond the one [Container] key at a time that
 * definition.c parses: systemd's specifiers, the keys berth refuses and why, the [Unit] and
 * [Service] sections passed on to the generated unit, Entrypoint='s JSON form, and drop-ins.
 * Never logs: a negative errno and, where there is more to say, a reason (reason()). */

/* ---- specifiers ----
 *
 * '%' in a value starts a systemd specifier, resolved as in the unit that runs the container
 * (container@NAME.service, a service of the system manager), except the ones that name the
 * definition, which mean what they mean for Quadlet's NAME.service:
 *   %n %N   container@NAME.service, container@NAME (the unit berth runs it as)
 *   %p %P   NAME up to its '@' (all of it when it has none), and that unescaped
 *   %i %I   what follows the '@' of NAME@INSTANCE (empty for a plain NAME), and that unescaped
 *   %j %J   the last '-'-separated part of %p, and that unescaped
 *   %f      '/' and %I (or %P without an instance), unescaped as a path
 *   %h %u %U %g %G %s   /root, root, 0, root, 0, /bin/sh (the system manager's)
 *   %H %l %m %b %v   host name, its first label, machine ID, boot ID, kernel release
 *   %t %S %C %L %E %T %V   /run, /var/lib, /var/cache, /var/log, /etc, /tmp, /var/tmp
 *   %%      '%'
 * Any other is refused: systemd's rarer ones (%a %A %B %d %M %o %q %w %W %y %Y) as not supported,
 * the rest as unknown. */

/* s with its specifiers resolved for the container NAME (NAME or NAME@INSTANCE). -EINVAL with
 * *ret_why for an unknown or unsupported specifier, or a '%' that ends s. */
int definition_specifiers_expand(const char *s, const char *name, char **ret, char **ret_why);

/* s, a value of a [Unit] or [Service] key, for the drop-in of container@NAME.service: the
 * specifiers that name the definition (%p %P %i %I %j %J %f), which systemd would resolve
 * against container@NAME.service, replaced by what they mean here, '%' doubled in them; every
 * other specifier left for systemd. */
int definition_specifiers_for_unit(const char *s, const char *name, char **ret);

/* ---- keys berth refuses ---- */

/* For a key of section that is not in berth's table: why it is refused, when it is one of
 * Quadlet's ("podman-specific…" or "…berth does not support yet"; [Install] Alias=, which systemd
 * cannot apply to berth's unit); NULL for a key Quadlet does not know either. */
const char *definition_key_refusal(const char *section, const char *key);

/* ---- [Unit] and [Service] ----
 *
 * Every key of both goes to the unit (the generator's drop-in, after its own lines, so that a key
 * given here wins), as Quadlet copies them into the service it writes, except the [Service] keys
 * berth's unit cannot do without: ExecStart= (berth-helper), Type= other than notify,
 * NotifyAccess=, KillMode= other than mixed, Delegate=, User=, Group=, DynamicUser= (the helper
 * runs as root), and an empty ExecStopPost=, SuccessExitStatus=, RestartForceExitStatus= or
 * LogExtraFields=, which would drop berth's own. */

/* Quadlet's dependency keys of [Unit] (After=, Requires=, Wants=, BindsTo=, PartOf=, …), where
 * NAME.container means container@NAME.service. */
bool definition_unit_key_is_dependency(const char *key);

/* Checks one line of [Unit] (service false) or [Service] (service true). -EINVAL with *ret_why. */
int definition_unit_line_check(bool service, const char *key, const char *value, char **ret_why);

/* Issue 16: leftovers. Quadlet's [Quadlet] section, whose one key is DefaultDependencies=
 * (default yes): no drops the network-online.target dependencies Quadlet adds to every unit,
 * which berth adds to a unit whose image may be pulled at its start (its only need of the
 * network before the payload runs). field: the Definition's bool no_default_dependencies. */
struct Definition;
struct ListState;
/* [Install] Alias=: systemd gives an instance of a template (container@NAME.service) no other name
 * than an instance of the same name, PREFIX@NAME.service (and not container@'s own); a plain name
 * is refused saying so. name may be NULL (a definition not yet named): only the form is checked. */
int definition_alias_check(const char *name, const char *alias, char **ret_why);

int definition_parse_default_dependencies(struct Definition *d, void *field, struct ListState *list, const char *value,
                                          char **ret_why);
int definition_format_default_dependencies(FILE *f, const char *key, const struct Definition *d, const void *field);

/* ---- Entrypoint= ----
 *
 * Quadlet's, i.e. podman's --entrypoint: a JSON array of strings (["/bin/sh","-c"]) is the
 * command; any other value is the command's one word, as written (a path with blanks is one
 * path). An empty value or [] clears the image's entrypoint. */
int definition_entrypoint_parse(const char *value, char ***ret, char **ret_why);
/* The value that reads back as l: the word itself when l is one word that does not look like
 * JSON, else l as a JSON array. -EINVAL when a word is not UTF-8; -ENOMEM. */
int definition_entrypoint_format(char *const *l, char **ret);
/* Entrypoint='s line for definition_to_string() (the key table's formatter). */
struct Definition;
int definition_format_entrypoint(FILE *f, const char *key, const struct Definition *d, const void *field);

/* ---- drop-ins ----
 *
 * The drop-ins of the definition file at path, as Quadlet finds them for NAME.container: in the
 * directories NAME.container.d/, for NAME@INSTANCE.container also NAME@.container.d/, for a NAME
 * with dashes each prefix up to a dash (a-b-.container.d/, a-.container.d/ and for a template or
 * instance a-b-@.container.d/, …), and container.d/, from the most specific to the broadest, each
 * looked for in every definition directory in their order when the file is in one of them (as
 * Quadlet looks in all of its), else next to the file. Each *.conf file name is taken once, from the first place it is
 * found (so a file masks a broader one of the same name), and they apply sorted by file name.
 * *ret: their paths, NULL-terminated (empty when there are none). */
#define DEFINITION_DROPINS_MAX 256
int definition_dropins_find(const char *path, char ***ret, char **ret_why);

/* ---- words and values, read ---- */

/* The words of value (definition-quote.h, flags as there), each with its specifiers resolved for
 * NAME. -EINVAL with *ret_why. */
int definition_words_parse(const char *value, SplitFlags flags, const char *name, char ***ret, char **ret_why);
/* The value of a key that does not take words: a surrounding "…" pair removed, specifiers
 * resolved for NAME. -EINVAL with *ret_why. */
int definition_value_parse(const char *value, const char *name, char **ret, char **ret_why);

/* rel (not absolute) joined to the absolute dir and cleaned as Go's filepath.Clean() does, which
 * is what Quadlet does to a relative path: "." components dropped, ".." taking the one before
 * (never above "/"). -ENOMEM only. */
int definition_path_resolve(const char *dir, const char *rel, char **ret);

/* An instance name, as in NAME@INSTANCE and DefaultInstance=: what a container name may hold. */
bool definition_instance_is_valid(const char *s);

/* The directory of the definition file at path, against which relative paths resolve as Quadlet
 * resolves them; NULL for no path or one that is not absolute (berth run's text), or on OOM. */
char *definition_dir_of(const char *path);

/* ---- references to Quadlet's other unit files ----
 *
 * Network=NAME.container is container:NAME (Quadlet's way to share another container's network).
 * Volume=NAME.volume:/dst[:opts] is volume-unit.h's (volume_reference_resolve(), which calls this
 * for the rest). What berth cannot do is refused with one line: NAME.network (berth has no named
 * networks), NAME.pod, NAME.image and NAME.build (berth has no image units: Image= is a reference). */

/* value of key (already unquoted, specifiers resolved) as berth's own key reads it: *ret NULL
 * when there is nothing to translate. path is the definition's file. -EINVAL with *ret_why. */
int definition_reference_resolve(const char *key, const char *value, const char *path, const char *name, char **ret,
                                 char **ret_why);
