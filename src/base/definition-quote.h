/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* How values are written in definition files, both ways, in linear time: systemd's rules for
 * unit files, as Podman Quadlet applies them to the keys it takes from them.
 *
 * Keys that take words (Exec=, Environment=, AddCapability=, …) split their value as systemd
 * splits ExecStart= (extract_first_word() with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE): blanks
 * (space, tab, CR, LF) separate words; '…' and "…" quote, and are removed; and everywhere, in
 * quotes or not, a backslash starts one of C's escapes — \a \b \f \n \r \t \v \\ \" \' \s (a
 * space) \xHH \NNN (three octal digits) \uXXXX \UXXXXXXXX —; any other escape is an error, as
 * it is for systemd. Keys of unit names and capabilities (AddCapability=, DropCapability=,
 * Sysctl=, WantedBy=, …) split the same way but keep backslashes as they are (systemd's strv
 * keys, Quadlet's LookupAllStrv()). A NUL cannot be in a word.
 *
 * Every other key takes its value as written (surrounding blanks stripped), except that a value
 * that both begins and ends with '"' loses those two quotes (Quadlet's Lookup()); nothing in it
 * is unescaped. So a value with surrounding blanks or a trailing backslash (which would continue
 * the line) is written in "…".
 *
 * After that, in words and values alike, '%' starts a specifier (definition-unit.h), and "%%" is
 * a '%': the writers below double every '%'. */

typedef enum SplitFlags {
        SPLIT_CUNESCAPE = 1 << 0, /* C escapes (Exec=); without, a backslash is an ordinary character */
} SplitFlags;

/* -EINVAL on an unterminated quote or a trailing backslash, -EBADMSG on an escape systemd does
 * not know, -EILSEQ on an escape that gives a NUL or no character. */
int definition_words_split_full(const char *s, SplitFlags flags, char ***ret);
static inline int definition_words_split(const char *s, char ***ret) {
        return definition_words_split_full(s, SPLIT_CUNESCAPE, ret);
}

/* w as one word that definition_words_split() (with C escapes) reads back as w after specifiers:
 * as it is if it holds only [A-Za-z0-9_@+=:,./-] and is not empty, else in "…" with C escapes;
 * '%' doubled. NULL on OOM. */
char *definition_word_quote(const char *w);
/* The words quoted and joined by single spaces ("" for none). NULL on OOM. */
char *definition_words_quote(char *const *words);

/* Whether value, written as it is after "Key=" for a key that does not take words, reads back
 * as itself (before specifiers): not empty, no control characters, no surrounding blanks, no
 * trailing backslash, not both beginning and ending with '"', no '%'. */
bool definition_value_is_plain(const char *value);
/* value written for a key that does not take words: '%' doubled, and in "…" when it would
 * otherwise not read back. NULL on OOM; the caller refuses control characters first. */
char *definition_value_quote(const char *value);
/* The value of such a key as written in a file (blanks already stripped): a surrounding "…"
 * pair removed, into an allocated string. -ENOMEM only. */
int definition_value_unquote(const char *value, char **ret);
