/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Issue 16: leftovers. The pins of Mount=type=image (image-mount.h): named after their container,
 * and found back from their name by the sweep's question. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "image-mount.h"
#include "name.h"
#include "string-util.h"
#include "tap.h"

static void name_is(const char *container, size_t n, const char *want) {
        _cleanup_free_ char *pin = NULL, *owner = NULL;
        int r = image_mount_pin_name(container, n, &pin);

        ok(r == 0 && streq_ptr(pin, want), "%s, %zu → %s (got %s)", container, n, want, pin ?: "nothing");
        ok(pin && image_mount_pin_owner(pin, &owner) == 1 && streq_ptr(owner, container), "  … whose owner is %s (got %s)",
           container, owner ?: "none");
}

static void not_a_pin(const char *pin) {
        _cleanup_free_ char *owner = NULL;

        ok(image_mount_pin_owner(pin, &owner) == 0 && !owner, "%s is a container's own pin", pin);
}

int main(void) {
        _cleanup_free_ char *pin = NULL;
        char longname[NAME_MAX_LEN + 1];

        name_is("web", 0, "web+image-0");
        name_is("web", 12, "web+image-12");
        name_is("web@1", 0, "web@1+image-0");
        name_is("a.b", 3, "a.b+image-3");
        not_a_pin("web");
        not_a_pin("web@1");
        /* An instance named image-0 of the template web@ is a container, never web's mount pin. */
        not_a_pin("web@image-0");
        not_a_pin("web@1.image-0");
        not_a_pin("web+image-");
        not_a_pin("web+image-x");
        not_a_pin("web+images-1");

        /* The longest container name pins its mounts too. */
        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        ok(image_mount_pin_name(longname, 0, &pin) == 0 && pin && strlen(pin) == NAME_MAX_LEN + 8,
           "a 63-character name's mount is pinned");
        ok(image_mount_pin_name("../x", 0, &(char *) { NULL }) == -EINVAL, "an invalid container name is refused");
        return tap_finish();
}
