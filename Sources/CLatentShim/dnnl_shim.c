#include <dnnl.h>
#include "dnnl_shim.h"

// libgomp's entry point, declared here so that no omp.h is needed (oneDNN is built on libgomp).
void omp_set_num_threads(int);
int omp_get_max_threads(void);

void latent_dnnl_set_threads(int count) { omp_set_num_threads(count > 0 ? count : 1); }

int latent_dnnl_threads(void) { return omp_get_max_threads(); }

// The enum in dnnl_shim.h must match the installed headers.
_Static_assert(LATENT_DNNL_ARG_SRC == DNNL_ARG_SRC && LATENT_DNNL_ARG_DST == DNNL_ARG_DST
    && LATENT_DNNL_ARG_WEIGHTS == DNNL_ARG_WEIGHTS && LATENT_DNNL_ARG_BIAS == DNNL_ARG_BIAS
    && LATENT_DNNL_ARG_DIFF_SRC == DNNL_ARG_DIFF_SRC && LATENT_DNNL_ARG_DIFF_DST == DNNL_ARG_DIFF_DST
    && LATENT_DNNL_ARG_DIFF_WEIGHTS == DNNL_ARG_DIFF_WEIGHTS
    && LATENT_DNNL_ARG_DIFF_BIAS == DNNL_ARG_DIFF_BIAS
    && LATENT_DNNL_ARG_FROM == DNNL_ARG_FROM && LATENT_DNNL_ARG_TO == DNNL_ARG_TO,
    "dnnl_shim.h argument indices differ from dnnl_types.h");
