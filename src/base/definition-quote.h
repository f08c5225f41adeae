/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* How values are written in definition files, both ways, in linear time.
 *
 * Keys that take words (Exec=, Entrypoint=, Environment=, Sysctl=, AddCapability=,
 * DropCapability=, WantedBy=, RequiredBy=) split their value as a POSIX shell splits words, with
 * no expansion of any kind: blanks separate words; '…' quotes everything up to the next ';
 * "…" quotes too, with \" \\ \$ \` as its only escapes; outside quotes a backslash takes the next
 * character as it is; and $'…' (POSIX.1-2024, bash) quotes with C escapes — \n \t \r \a \b \e
 * \f \v \\ \' \" \? \xHH \NNN — so that a word can hold a newline or any control character and
 * still be written on one line. A NUL cannot be in a word.
 *
 * Every other key takes its value as written (surrounding blanks stripped), unless the value
 * begins with a quote (', " or $'): then it must be exactly one such word, and the word is the
 * value. No value of those keys can begin with a quote, so files written before this rule read
 * the same; and a value with surrounding blanks, a trailing backslash (which would continue the
 * line) or control characters can still be written. */

/* -EINVAL on an unterminated quote or a trailing backslash, -EILSEQ on an escape that gives a NUL. */
int definition_words_split(const char *s, char ***ret);

/* w as one word: as it is if it holds only [A-Za-z0-9_@%+=:,./-] and is not empty, else in
 * '…', or in $'…' if it holds control characters. NULL on OOM. */
char *definition_word_quote(const char *w);
/* The words quoted and joined by single spaces ("" for none). NULL on OOM. */
char *definition_words_quote(char *const *words);

/* Whether value, written as it is after "Key=" for a key that does not take words, reads back
 * as itself: not empty, no control characters, no surrounding blanks, no trailing backslash,
 * no leading quote. */
bool definition_value_is_plain(const char *value);
/* value written for a key that does not take words: itself when plain, else quoted as one word.
 * NULL on OOM. */
char *definition_value_quote(const char *value);
