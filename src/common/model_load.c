#include "model_load.h"

#include <stdio.h>

#include "model_any.h"

bool model_load(const char *path, paths_getenv env, mlp *net, model_meta *meta, char *used,
                size_t used_len, dp_error *err)
{
    char bundled[PATHS_MAX];
    if (!path) {
        paths_bundled_model(env, bundled, sizeof bundled);
        path = bundled;
    }
    if (used && used_len > 0)
        snprintf(used, used_len, "%s", path);
    dp_error why;
    // Any format digitpad reads, found by content (model_any.h).
    if (model_any_load(path, net, meta, NULL, &why))
        return true;
    return dp_fail(err, "%s: %s", path, why.msg);
}
