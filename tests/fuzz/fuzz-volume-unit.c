/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A Quadlet NAME.volume file's text, as volume_unit_parse() reads it. */

#include "fuzz.h"
#include "volume-spec.h"
#include "volume-unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(volume_unit_freep) VolumeUnit *u = NULL;
        _cleanup_free_ char *text = fuzz_string(data, size), *why = NULL;

        if (!text || volume_unit_parse(text, "/fuzz/fuzz.volume", &u, &why) < 0)
                return 0;
        VolumeMount m = { .type = VOLUME_NAMED };
        (void) volume_unit_apply(u, &m);
        volume_mount_done(&m);
        return 0;
}
