/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "container-network.h"
#include "fd-util.h"
#include "lock.h"
#include "name.h"
#include "path-util.h"
#include "paths.h"
#include "store.h"
#include "teardown.h"
#include "userns-range.h"

int teardown_cleanup(const char *name) {
        _cleanup_free_ char *run = NULL;

        if (!name_is_valid(name))
                return -EINVAL;
        run = path_join(berth_runtime_dir(), name);
        if (!run)
                return -ENOMEM;
        (void) container_network_cleanup(name);
        return rm_rf(run);
}

int teardown_remove(const char *name, bool including_config) {
        _cleanup_free_ char *run = NULL, *etc = NULL, *dir = NULL;
        int ret;

        if (!name_is_valid(name))
                return -EINVAL;
        if (asprintf(&run, "%s/containers/%s.container", berth_runtime_dir(), name) < 0 ||
            asprintf(&etc, "%s/containers/%s.container", berth_config_dir(), name) < 0)
                return -ENOMEM;
        dir = path_join(berth_state_dir(), "containers", name);
        if (!dir)
                return -ENOMEM;
        /* The files first, the definition last: once the definition is gone, so is everything
         * else, and a removal cut short leaves a container that 'berth rm' still knows. */
        ret = rm_rf(dir);
        if (unlink(run) < 0 && errno != ENOENT && ret == 0)
                ret = -errno;
        if (including_config && unlink(etc) < 0 && errno != ENOENT && ret == 0)
                ret = -errno;
        /* Gone for good (no admin's definition stays): its image is no longer kept for it, and the
         * next sweep may take it if nothing else names it. */
        if (ret == 0 && access(etc, F_OK) < 0)
                ret = store_unpin_container(name);
        if (ret == 0 && access(etc, F_OK) < 0) /* Issue 18: its user namespace range goes with it. */
                ret = userns_maps_release(name);
        if (ret == 0)
                lock_forget_if_free(name);
        return ret;
}
