/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A small streaming JSON writer (RFC 8259) onto a FILE. The caller opens and closes objects and
 * arrays and gives a key before each value inside an object; the writer puts the commas, colons
 * and, when pretty, newlines and indentation (4 spaces, as docker inspect). Strings are escaped:
 * '"', '\\', control characters (\n, \t, … and \u00XX for the rest), and every byte that is not
 * part of well-formed UTF-8 becomes \ufffd, so the output is always valid UTF-8 JSON whatever it
 * was given (a journal field, a file name).
 *
 * Misuse (a value where a key is due, a key outside an object, too deep, unbalanced) does not
 * crash: it is remembered, and json_finish() reports it as -EINVAL; a write error as -EIO. */

#define JSON_DEPTH_MAX 32

typedef struct JsonWriter {
        FILE *f;
        bool pretty;
        bool first;      /* nothing written yet at the current depth */
        bool want_value; /* a key was written; its value is due */
        unsigned depth;
        char stack[JSON_DEPTH_MAX]; /* '{' or '[' per open container */
        int error;
} JsonWriter;

void json_init(JsonWriter *w, FILE *f, bool pretty);

void json_begin_object(JsonWriter *w);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w);
void json_end_array(JsonWriter *w);

void json_key(JsonWriter *w, const char *key);

void json_string(JsonWriter *w, const char *s); /* NULL writes null */
void json_string_len(JsonWriter *w, const char *s, size_t n);
void json_int(JsonWriter *w, int64_t v);
void json_uint(JsonWriter *w, uint64_t v);
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
void json_strv(JsonWriter *w, char *const *l); /* an array of strings; NULL writes null */

/* key and value in one call. */
void json_key_string(JsonWriter *w, const char *key, const char *s);
void json_key_int(JsonWriter *w, const char *key, int64_t v);
void json_key_uint(JsonWriter *w, const char *key, uint64_t v);
void json_key_bool(JsonWriter *w, const char *key, bool b);
void json_key_null(JsonWriter *w, const char *key);
void json_key_strv(JsonWriter *w, const char *key, char *const *l);

/* Ends the document with a newline and flushes. 0, -EINVAL after misuse or with containers
 * still open, -EIO when writing failed. The writer can be json_init()ed again for the next
 * document (one object per line, as journalctl -o json). */
int json_finish(JsonWriter *w);

/* The escaped form of s[0…n) without the quotes, to f. */
void json_escape(FILE *f, const char *s, size_t n);

/* Reads a JSON array of strings, strictly (RFC 8259): '[', strings separated by ',', ']', JSON's
 * blanks (space, tab, CR, LF) around any of them, and nothing after the array. A string is UTF-8
 * (checked: no overlong forms, no surrogates) with no raw control characters, and with the
 * escapes \" \\ \/ \b \f \n \r \t and \uXXXX, a character above U+FFFF as a surrogate pair
 * (never a lone half) and never \u0000, since a C string cannot hold a NUL. Anything but a string
 * in the array (a number, null, an object, a nested array) is refused. *ret: the strings, an
 * empty list for "[]". -EINVAL with a one-line reason that says where (byte N, counting from 1),
 * -ENOMEM. Linear in the length of s: each byte is looked at a bounded number of times. */
int json_parse_string_array(const char *s, char ***ret, char **ret_why);

/* l (NULL: the empty list) as a compact JSON array, ["a","b"], escaped as json_escape() does, so
 * that json_parse_string_array() reads it back as l. -EINVAL when a string is not well-formed
 * UTF-8, which would not read back; -ENOMEM. */
int json_format_string_array(char *const *l, char **ret);

/* The string whose opening quote is s[start], decoded as json_parse_string_array() decodes its
 * strings, into *ret; *ret_end the offset after its closing quote. For json-tree.c. */
int json_parse_string_at(const char *s, size_t start, char **ret, size_t *ret_end, char **ret_why);

/* A number as its text, which the caller has checked is one (json-tree.h keeps them so). */
void json_number_text(JsonWriter *w, const char *text);
