/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `berth ps --filter` and `berth events --filter` values, a line each, as ps_filter_add() and
 * event_filter_add() read them; then matched against a container and an event. */

#include "event-filter.h"
#include "fuzz.h"
#include "ps-filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = fuzz_string(data, size);
        PsFilter ps = {};
        EventFilter ev = EVENT_FILTER_NULL;

        if (!s)
                return 0;
        FUZZ_FOREACH_LINE(line, s) {
                _cleanup_free_ char *why = NULL, *why2 = NULL;

                (void) ps_filter_add(&ps, line, &why);
                (void) event_filter_add(&ev, line, &why2);
        }
        PsItem c = {
                .name = "web", .image = "docker.io/library/nginx:latest",
                .labels = (char *[]) { "a=b", "com.example=", NULL }, .status = "exited", .exited = true,
                .exit_code = 3, .health = "healthy", .network = "bridge",
                .volumes = (char *[]) { "data", "/srv", NULL }, .published = (char *[]) { "8080/tcp", NULL },
                .exposed = (char *[]) { "80/tcp", "53/udp", NULL }, .id = "web-1",
        };
        (void) ps_filter_match(&ps, &c);
        (void) ps_filter_wants_all(&ps);
        for (int e = 0; e < _EVENT_MAX; e++)
                (void) event_filter_wants(&ev, e);
        ps_filter_done(&ps);
        event_filter_done(&ev);
        return 0;
}
