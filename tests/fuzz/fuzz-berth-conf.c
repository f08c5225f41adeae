/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/berth/berth.conf, as berth_config_load() and network_config_load() read it (from a
 * memfd), and the values in it that have parsers of their own. */

#include <arpa/inet.h>

#include "berth-conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = fuzz_string(data, size), *error = NULL, *error2 = NULL;
        BerthConfig c;
        NetworkConfig n;
        struct in_addr a4;
        struct in6_addr a6;
        uint32_t first, last;
        unsigned prefix;
        char path[64];
        int fd;

        if (!s)
                return 0;
        (void) userns_pool_parse(s, &first, &last);
        (void) subnet4_parse(s, &a4, &prefix);
        (void) subnet6_parse(s, &a6, &prefix);
        fd = fuzz_memfd(data, size, path);
        if (fd < 0)
                return 0;
        if (berth_config_load(path, &c, &error) >= 0)
                berth_config_done(&c);
        (void) network_config_load(path, &n, &error2);
        close(fd);
        return 0;
}
