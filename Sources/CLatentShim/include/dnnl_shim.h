// oneDNN macros re-exported for Swift, which cannot import macros defined through other
// macros (the DNNL_ARG_* aliases), plus OpenMP thread control.
#ifndef LATENT_DNNL_SHIM_H
#define LATENT_DNNL_SHIM_H
#include <dnnl.h>
#include <dnnl_debug.h>  // dnnl_status2str, for error messages

/// Execution-argument indices of the primitives Latent uses (values of DNNL_ARG_*).
enum {
    LATENT_DNNL_ARG_SRC = 1,            // DNNL_ARG_SRC
    LATENT_DNNL_ARG_DST = 17,           // DNNL_ARG_DST
    LATENT_DNNL_ARG_WEIGHTS = 33,       // DNNL_ARG_WEIGHTS
    LATENT_DNNL_ARG_BIAS = 41,          // DNNL_ARG_BIAS
    LATENT_DNNL_ARG_DIFF_SRC = 129,     // DNNL_ARG_DIFF_SRC
    LATENT_DNNL_ARG_DIFF_DST = 145,     // DNNL_ARG_DIFF_DST
    LATENT_DNNL_ARG_DIFF_WEIGHTS = 161, // DNNL_ARG_DIFF_WEIGHTS
    LATENT_DNNL_ARG_DIFF_BIAS = 169,    // DNNL_ARG_DIFF_BIAS
    LATENT_DNNL_ARG_FROM = 1,           // DNNL_ARG_FROM (reorder source)
    LATENT_DNNL_ARG_TO = 17,            // DNNL_ARG_TO (reorder destination)
};

/// Sets the OpenMP team size oneDNN uses for primitives executed from the calling thread.
void latent_dnnl_set_threads(int count);

/// The OpenMP team size oneDNN will use for primitives executed from the calling thread.
int latent_dnnl_threads(void);

#endif
