/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fd-util.h"
#include "hosts.h"
#include "path-util.h"
#include "string-util.h"
#include "strv.h"

static int finish_stream(FILE *f, char **buf, char **ret) {
        if (fflush(f) != 0 || ferror(f)) {
                fclose(f);
                free(*buf);
                return -ENOMEM;
        }
        fclose(f);
        *ret = *buf;
        return 0;
}

int hosts_format(const char *address, const char *hostname, const HostsEntry *extra, size_t n_extra,
                 char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs("127.0.0.1\tlocalhost\n"
              "::1\tlocalhost ip6-localhost ip6-loopback\n"
              "fe00::0\tip6-localnet\n"
              "ff00::0\tip6-mcastprefix\n"
              "ff02::1\tip6-allnodes\n"
              "ff02::2\tip6-allrouters\n",
              f);
        for (size_t i = 0; i < n_extra; i++)
                fprintf(f, "%s\t%s\n", extra[i].address, extra[i].names);
        if (address && hostname)
                fprintf(f, "%s\t%s\n", address, hostname);
        return finish_stream(f, &buf, ret);
}

static bool nameserver_is_loopback(const char *a) {
        struct in_addr v4;
        struct in6_addr v6;

        if (inet_pton(AF_INET, a, &v4) == 1)
                return (ntohl(v4.s_addr) >> 24) == 127;
        if (inet_pton(AF_INET6, a, &v6) == 1)
                return IN6_IS_ADDR_LOOPBACK(&v6);
        return false;
}

int resolv_conf_format(const char *host_text, char *const *dns, bool keep_loopback, char **ret) {
        _cleanup_free_ char *copy = NULL;
        char *buf = NULL, *p, *next;
        size_t size = 0;
        unsigned servers = 0;
        FILE *f;

        copy = strdup(host_text ?: "");
        if (!copy)
                return -ENOMEM;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        STRV_FOREACH(d, (char **) dns) {
                fprintf(f, "nameserver %s\n", *d);
                servers++;
        }
        for (p = copy; p; p = next) {
                const char *ns;
                char *l;

                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                l = strstrip(p);
                ns = startswith(l, "nameserver");
                if (ns && (*ns == ' ' || *ns == '\t')) {
                        _cleanup_free_ char *addr = strdup(ns);

                        if (!addr) {
                                fclose(f);
                                free(buf);
                                return -ENOMEM;
                        }
                        if (!strv_isempty(dns) || (!keep_loopback && nameserver_is_loopback(strstrip(addr))))
                                continue;
                        servers++;
                }
                if (*l)
                        fprintf(f, "%s\n", l);
        }
        if (servers == 0)
                fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", f);
        return finish_stream(f, &buf, ret);
}

int resolv_conf_override(const char *text, char *const *search, char *const *options, char **ret) {
        _cleanup_free_ char *copy = NULL;
        char *buf = NULL, *p, *next;
        size_t size = 0;
        FILE *f;

        copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (p = copy; p; p = next) {
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                if (!*p)
                        continue;
                /* glibc takes the last of "search" and "domain": both go when search is given. */
                if (!strv_isempty((char **) search) &&
                    ((startswith(p, "search") && strchr(" \t", p[6])) || (startswith(p, "domain") && strchr(" \t", p[6]))))
                        continue;
                if (!strv_isempty((char **) options) && startswith(p, "options") && strchr(" \t", p[7]))
                        continue;
                fprintf(f, "%s\n", p);
        }
        /* docker's "." alone: no search domains at all. */
        if (!strv_isempty((char **) search) && !(streq(search[0], ".") && !search[1])) {
                fputs("search", f);
                STRV_FOREACH(s_, (char **) search)
                        if (!streq(*s_, "."))
                                fprintf(f, " %s", *s_);
                fputc('\n', f);
        }
        if (!strv_isempty((char **) options)) {
                fputs("options", f);
                STRV_FOREACH(o, (char **) options)
                        fprintf(f, " %s", *o);
                fputc('\n', f);
        }
        return finish_stream(f, &buf, ret);
}

int hosts_write_files(const char *dir, const char *hosts, const char *hostname, const char *resolv_conf) {
        const char *names[] = { "hosts", "hostname", "resolv.conf" }, *texts[] = { hosts, hostname, resolv_conf };
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        for (size_t i = 0; i < 3; i++) {
                _cleanup_free_ char *path = path_join(dir, names[i]);

                if (!path)
                        return -ENOMEM;
                r = write_string_file(path, texts[i], 0644, true);
                if (r < 0)
                        return r;
        }
        return 0;
}
