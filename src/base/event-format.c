/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event-format.h"
#include "json.h"
#include "string-util.h"
#include "time-util.h"

typedef enum EventOutput {
        EVENT_OUTPUT_TEXT,
        EVENT_OUTPUT_JSON,
        EVENT_OUTPUT_TEMPLATE,
} EventOutput;

typedef enum Placeholder {
        PLACEHOLDER_TEXT, /* not one: literal text */
        PLACEHOLDER_JSON,
        PLACEHOLDER_TYPE,
        PLACEHOLDER_ACTION,
        PLACEHOLDER_STATUS,
        PLACEHOLDER_ID,
        PLACEHOLDER_FROM,
        PLACEHOLDER_SCOPE,
        PLACEHOLDER_TIME,
        PLACEHOLDER_TIME_NANO,
        PLACEHOLDER_ACTOR_ID,
        PLACEHOLDER_ATTRIBUTE, /* .Actor.Attributes.KEY */
        _PLACEHOLDER_MAX,
} Placeholder;

static const char *const placeholder_table[_PLACEHOLDER_MAX] = {
        [PLACEHOLDER_JSON] = "json .",  [PLACEHOLDER_TYPE] = ".Type",   [PLACEHOLDER_ACTION] = ".Action",
        [PLACEHOLDER_STATUS] = ".Status", [PLACEHOLDER_ID] = ".ID",     [PLACEHOLDER_FROM] = ".From",
        [PLACEHOLDER_SCOPE] = ".Scope", [PLACEHOLDER_TIME] = ".Time",   [PLACEHOLDER_TIME_NANO] = ".TimeNano",
        [PLACEHOLDER_ACTOR_ID] = ".Actor.ID",
};

typedef struct Piece {
        Placeholder what;
        char *text; /* the literal text, or the attribute's key */
} Piece;

struct EventFormat {
        EventOutput output;
        Piece *pieces;
        size_t n_pieces;
};

EventFormat *event_format_free(EventFormat *f) {
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_pieces; i++)
                free(f->pieces[i].text);
        free(f->pieces);
        free(f);
        return NULL;
}

static int add_piece(EventFormat *f, Placeholder what, const char *text, size_t n) {
        Piece *p = reallocarray(f->pieces, f->n_pieces + 1, sizeof(Piece));

        if (!p)
                return -ENOMEM;
        f->pieces = p;
        p[f->n_pieces] = (Piece) { what, NULL };
        if (text) {
                p[f->n_pieces].text = strndup(text, n);
                if (!p[f->n_pieces].text)
                        return -ENOMEM;
        }
        f->n_pieces++;
        return 0;
}

/* Literal text, with "\t" and "\n" written as such turned into the characters, as docker does. */
static int add_text(EventFormat *f, const char *s, size_t n) {
        _cleanup_free_ char *t = malloc(n + 1);
        size_t k = 0;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 't' || s[i + 1] == 'n')) {
                        t[k++] = s[i + 1] == 't' ? '\t' : '\n';
                        i++;
                } else
                        t[k++] = s[i];
        return k > 0 ? add_piece(f, PLACEHOLDER_TEXT, t, k) : 0;
}

#define ATTRIBUTES ".Actor.Attributes."

/* An attribute's key: letters, digits, '_'. */
static bool is_key(const char *k, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) k[i]) && k[i] != '_')
                        return false;
        return true;
}

/* What is between "{{" and "}}", spaces around it taken off. */
static int add_placeholder(EventFormat *f, const char *s, size_t n, char **ret_why) {
        while (n > 0 && isspace((unsigned char) *s))
                s++, n--;
        while (n > 0 && isspace((unsigned char) s[n - 1]))
                n--;
        for (int i = 0; i < _PLACEHOLDER_MAX; i++)
                if (placeholder_table[i] && strlen(placeholder_table[i]) == n &&
                    memcmp(placeholder_table[i], s, n) == 0)
                        return add_piece(f, (Placeholder) i, NULL, 0);
        if (n > STRLEN(ATTRIBUTES) && memcmp(s, ATTRIBUTES, STRLEN(ATTRIBUTES)) == 0 &&
            is_key(s + STRLEN(ATTRIBUTES), n - STRLEN(ATTRIBUTES)))
                return add_piece(f, PLACEHOLDER_ATTRIBUTE, s + STRLEN(ATTRIBUTES), n - STRLEN(ATTRIBUTES));
        return reason(ret_why, -EINVAL,
                      "--format: '{{%.*s}}' is not supported; use json, or a template of text and {{.Type}}, "
                      "{{.Action}}, {{.Status}}, {{.ID}}, {{.From}}, {{.Scope}}, {{.Time}}, {{.TimeNano}}, "
                      "{{.Actor.ID}}, {{.Actor.Attributes.KEY}}, {{json .}}",
                      (int) MIN(n, (size_t) SHOWN_MAX), s);
}

int event_format_parse(const char *s, EventFormat **ret, char **ret_why) {
        _cleanup_(event_format_freep) EventFormat *f = calloc(1, sizeof(EventFormat));
        int r;

        if (!f)
                return -ENOMEM;
        if (isempty(s))
                f->output = EVENT_OUTPUT_TEXT;
        else if (streq(s, "json"))
                f->output = EVENT_OUTPUT_JSON;
        else {
                f->output = EVENT_OUTPUT_TEMPLATE;
                if (string_has_control_chars(s))
                        return reason(ret_why, -EINVAL, "--format: a template of one line is wanted");
                while (*s) {
                        const char *open = strstr(s, "{{"), *close;

                        if (!open) {
                                r = add_text(f, s, strlen(s));
                                if (r < 0)
                                        return r;
                                break;
                        }
                        close = strstr(open + 2, "}}");
                        if (!close)
                                return reason(ret_why, -EINVAL, "--format: '{{' without '}}'");
                        r = add_text(f, s, (size_t) (open - s));
                        if (r < 0)
                                return r;
                        r = add_placeholder(f, open + 2, (size_t) (close - open - 2), ret_why);
                        if (r < 0)
                                return r;
                        s = close + 2;
                }
        }
        *ret = TAKE_PTR(f);
        return 0;
}

char *event_format_time(uint64_t usec, char *buf) {
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;
        long off;
        size_t n;

        if (!localtime_r(&t, &tm)) {
                snprintf(buf, EVENT_TIME_MAX, "@%" PRIu64, usec);
                return buf;
        }
        n = strftime(buf, EVENT_TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
        off = tm.tm_gmtoff / 60;
        snprintf(buf + n, EVENT_TIME_MAX - n, ".%09" PRIu64 "%c%02ld:%02ld", (usec % USEC_PER_SEC) * 1000,
                 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
        return buf;
}

/* s with control characters escaped, as every value of a text line. */
static void put_escaped(FILE *out, const char *s) {
        size_t size = strlen(s) * 4 + 4;
        _cleanup_free_ char *buf = NULL;

        if (!string_has_control_chars(s)) {
                fputs(s, out);
                return;
        }
        buf = malloc(size);
        if (buf)
                fputs(escape_controls(s, SIZE_MAX, buf, size), out);
}

static void print_text(FILE *out, const EventRecord *r) {
        EventAttribute a[EVENT_ATTRIBUTES_MAX];
        size_t n = event_record_attributes(r, a);
        char when[EVENT_TIME_MAX];

        fprintf(out, "%s container %s %s", event_format_time(r->usec, when), event_record_action(r),
                r->fields[EVENT_FIELD_NAME]);
        for (size_t i = 0; i < n; i++) {
                fprintf(out, "%s%s=", i == 0 ? " (" : ", ", a[i].key);
                put_escaped(out, a[i].value);
        }
        fputs(n > 0 ? ")\n" : "\n", out);
}

static int print_json(FILE *out, const EventRecord *r) {
        EventAttribute a[EVENT_ATTRIBUTES_MAX];
        size_t n = event_record_attributes(r, a);
        const char *action = event_record_action(r), *name = r->fields[EVENT_FIELD_NAME],
                   *image = r->fields[EVENT_FIELD_IMAGE];
        JsonWriter w;

        json_init(&w, out, /* pretty= */ false);
        json_begin_object(&w);
        json_key_string(&w, "status", action);
        json_key_string(&w, "id", name);
        if (image)
                json_key_string(&w, "from", image);
        json_key_string(&w, "Type", "container");
        json_key_string(&w, "Action", action);
        json_key(&w, "Actor");
        json_begin_object(&w);
        json_key_string(&w, "ID", name);
        json_key(&w, "Attributes");
        json_begin_object(&w);
        for (size_t i = 0; i < n; i++)
                json_key_string(&w, a[i].key, a[i].value);
        json_end_object(&w);
        json_end_object(&w);
        json_key_string(&w, "scope", "local");
        json_key_uint(&w, "time", r->usec / USEC_PER_SEC);
        json_key_uint(&w, "timeNano", r->usec * 1000);
        json_end_object(&w);
        return json_finish(&w);
}

/* {{json .}} inside a template: the object without its newline. */
static int print_json_inline(FILE *out, const EventRecord *r) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *m;
        int k;

        m = open_memstream(&buf, &size);
        if (!m)
                return -ENOMEM;
        k = print_json(m, r);
        if (fclose(m) != 0)
                return -ENOMEM;
        if (k < 0)
                return k;
        if (size > 0 && buf[size - 1] == '\n')
                size--;
        fwrite(buf, 1, size, out);
        return 0;
}

static int print_template(const EventFormat *f, FILE *out, const EventRecord *r) {
        for (size_t i = 0; i < f->n_pieces; i++) {
                const Piece *p = &f->pieces[i];
                const char *v = NULL;

                switch (p->what) {
                case PLACEHOLDER_TEXT:
                        fputs(p->text, out);
                        continue;
                case PLACEHOLDER_JSON: {
                        int k = print_json_inline(out, r);
                        if (k < 0)
                                return k;
                        continue;
                }
                case PLACEHOLDER_TIME:
                        fprintf(out, "%" PRIu64, r->usec / USEC_PER_SEC);
                        continue;
                case PLACEHOLDER_TIME_NANO:
                        fprintf(out, "%" PRIu64, r->usec * 1000);
                        continue;
                case PLACEHOLDER_TYPE:
                        v = "container";
                        break;
                case PLACEHOLDER_ACTION:
                case PLACEHOLDER_STATUS:
                        v = event_record_action(r);
                        break;
                case PLACEHOLDER_ID:
                case PLACEHOLDER_ACTOR_ID:
                        v = r->fields[EVENT_FIELD_NAME];
                        break;
                case PLACEHOLDER_FROM:
                        v = r->fields[EVENT_FIELD_IMAGE] ?: "";
                        break;
                case PLACEHOLDER_SCOPE:
                        v = "local";
                        break;
                case PLACEHOLDER_ATTRIBUTE:
                        v = event_record_attribute(r, p->text) ?: "<no value>"; /* as Go prints a missing key */
                        break;
                default:
                        continue;
                }
                put_escaped(out, v);
        }
        fputc('\n', out);
        return 0;
}

int event_format_print(const EventFormat *f, FILE *out, const EventRecord *r) {
        int k;

        if (f->output == EVENT_OUTPUT_JSON)
                return print_json(out, r);
        if (f->output == EVENT_OUTPUT_TEMPLATE) {
                k = print_template(f, out, r);
                if (k < 0)
                        return k;
        } else
                print_text(out, r);
        return ferror(out) ? -EIO : 0;
}
