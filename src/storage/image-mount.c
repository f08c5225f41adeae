/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16: leftovers. The images a container mounts with Mount=type=image: resolved and pinned
 * at its start (image-mount.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "image-mount.h"
#include "image.h"
#include "log.h"
#include "name.h"
#include "store.h"
#include "string-util.h"
#include "strv.h"

#define PIN_MARK "image-"

int image_mount_pin_name(const char *container, size_t n, char **ret) {
        char *pin;

        if (!name_is_valid(container))
                return -EINVAL;
        if (asprintf(&pin, "%s+" PIN_MARK "%zu", container, n) < 0)
                return -ENOMEM;
        *ret = pin;
        return 0;
}

/* Whether s is PIN_MARK and digits. */
static bool is_mark(const char *s) {
        const char *d = startswith(s, PIN_MARK);

        return d && *d && strspn(d, "0123456789") == strlen(d);
}

int image_mount_pin_owner(const char *pin, char **ret_container) {
        const char *plus = strchr(pin, '+');

        *ret_container = NULL;
        if (!plus || !is_mark(plus + 1))
                return 0;
        *ret_container = strndup(pin, (size_t) (plus - pin));
        return *ret_container ? 1 : -ENOMEM;
}

/* The pins of the image mounts container had at an earlier start, past the k it has now. */
static int unpin_stale(Store *store, const char *container, size_t k) {
        _cleanup_strv_free_ char **pins = NULL, **configs = NULL;
        int r;

        r = store_pins(store, &pins, &configs);
        if (r < 0)
                return log_error_errno(r, "Failed to list the image store's pins: %m");
        STRV_FOREACH(p, pins) {
                _cleanup_free_ char *owner = NULL, *expected = NULL;
                const char *mark = strrchr(*p, '-');
                size_t j;

                r = image_mount_pin_owner(*p, &owner);
                if (r < 0)
                        return log_oom();
                if (r == 0 || !streq(owner, container) || !mark || sscanf(mark + 1, "%zu", &j) != 1 || j < k)
                        continue;
                /* Only the pin this scheme names so (not image-01). */
                if (image_mount_pin_name(container, j, &expected) < 0 || !streq(expected, *p))
                        continue;
                r = store_unpin(store, *p);
                if (r < 0)
                        return log_error_errno(r, "Failed to unpin %s: %m", *p);
        }
        return 0;
}

int image_mounts_resolve(const char *container, VolumeMount *mounts, size_t n) {
        _cleanup_free_ char *why = NULL;
        Store *store = NULL;
        size_t k = 0;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                k += mounts[i].type == VOLUME_IMAGE;
        /* Under the shared lock from resolving to pinning: no sweep between the two. */
        r = store_open(&store, &why);
        if (r < 0)
                return log_error_errno(r, "Failed to open the image store: %s", why ?: strerror(-r));
        for (size_t i = 0, j = 0; r >= 0 && i < n; i++) {
                VolumeMount *m = &mounts[i];
                _cleanup_free_ char *id = NULL, *pin = NULL;

                if (m->type != VOLUME_IMAGE)
                        continue;
                strv_free(m->image_layers);
                m->image_layers = NULL;
                r = image_resolve(store, m->source, &m->image_layers, &id, &why);
                if (r == -ENOENT) {
                        log_error_errno(r, "image mount %s: %s; see 'berth image ls'", m->destination,
                                        why ?: "image not found");
                        break;
                }
                if (r < 0) {
                        log_error_errno(r, "image mount %s: failed to resolve image '%s': %s", m->destination, m->source,
                                        why ?: strerror(-r));
                        break;
                }
                /* overlayfs splits lowerdir= at ':' and ','; berth's store paths hold neither
                 * unless BERTH_STATE_DIR does. */
                STRV_FOREACH(l, m->image_layers)
                        if (strpbrk(*l, ":,\\")) {
                                r = log_error_errno(-EINVAL, "image mount %s: the layer path %s holds ':', ',' or '\\'",
                                                    m->destination, *l);
                                break;
                        }
                if (r < 0)
                        break;
                if (strv_isempty(m->image_layers)) {
                        r = log_error_errno(-EINVAL, "image mount %s: image '%s' has no layers", m->destination, m->source);
                        break;
                }
                r = image_mount_pin_name(container, j++, &pin);
                if (r >= 0)
                        r = store_pin(store, pin, id);
                if (r < 0)
                        log_error_errno(r, "Failed to pin image %s for container %s: %m", id, container);
        }
        if (r >= 0)
                r = unpin_stale(store, container, k);
        store_close(store);
        return r < 0 ? r : 0;
}
