/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Libraries opened on first use: once, every symbol, and a missing one said in words. */
#include <errno.h>
#include <math.h>

#include "cleanup.h"
#include "dlopen-util.h"
#include "macro.h"
#include "string-util.h"
#include "tap.h"

static typeof(cos) *sym_cos;
static typeof(sin) *sym_sin;
static void *sym_no_such_function_in_libm;

int main(void) {
        static const DlopenSymbol good[] = { DLSYM(cos), DLSYM(sin) };
        static const DlopenSymbol bad[] = { DLSYM(cos), DLSYM(no_such_function_in_libm) };
        void *handle = NULL, *other = NULL, *missing = NULL;
        _cleanup_free_ char *why = NULL;

        ok_eq_int(dlopen_symbols(&handle, "libm.so.6", good, ELEMENTSOF(good), NULL), 0);
        ok(handle && sym_cos && sym_sin && sym_cos(0.0) == 1.0, "libm's cos() through its pointer");
        ok_eq_int(dlopen_symbols(&handle, "libm.so.6", good, ELEMENTSOF(good), NULL), 0);

        sym_cos = NULL;
        ok_eq_int(dlopen_symbols(&other, "libm.so.6", bad, ELEMENTSOF(bad), &why), -EOPNOTSUPP);
        ok(!other && !sym_cos, "a missing symbol: nothing kept");
        ok(why && strstr(why, "no_such_function_in_libm"), "  … and the reason names it (%s)", why ?: "-");

        free(why);
        why = NULL;
        ok_eq_int(dlopen_symbols(&missing, "libberth-no-such-library.so.0", good, ELEMENTSOF(good), &why), -EOPNOTSUPP);
        ok(why && strstr(why, "libberth-no-such-library.so.0"), "a missing library: the reason names it (%s)",
           why ?: "-");
        return tap_finish();
}
