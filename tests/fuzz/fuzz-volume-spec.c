/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volume=/-v, Mount=, Tmpfs= and VolumesFrom= values, as volume-spec.c reads them. */

#include "fuzz.h"
#include "volume-spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = fuzz_string(data, size), *why = NULL, *why2 = NULL, *why3 = NULL, *why4 = NULL,
                            *why5 = NULL, *name = NULL;
        VolumeMount m = {};
        bool read_only;

        if (!s)
                return 0;
        if (volume_spec_parse(s, &m, &why) >= 0) {
                (void) volume_mount_check_options(&m, "Volume", &why5);
                volume_mount_done(&m);
        }
        if (volume_tmpfs_parse(s, &m, &why2) >= 0)
                volume_mount_done(&m);
        (void) volume_from_parse(s, &name, &read_only, &why3);
        (void) volume_destination_check(s, /* privileged= */ false, &why4);
        return 0;
}
