/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PublishPort=/-p, ExposePort=/--expose and the port specs records hold, as port.c reads them. */

#include "cleanup.h"
#include "fuzz.h"
#include "port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = fuzz_string(data, size);
        PortPublish p;
        PortSpec spec;
        unsigned n;

        if (!s)
                return 0;
        (void) port_spec_parse(s, &spec);
        (void) port_expose_parse(s, &spec);
        (void) port_expose_range_parse(s, &spec, &n);
        if (port_publish_parse(s, &p) >= 0)
                for (unsigned i = 0; i < p.n; i++)
                        port_publish_get(&p, i, &spec);
        return 0;
}
