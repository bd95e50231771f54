// CLatentShim: the C that Swift cannot write.
#ifndef CLATENTSHIM_H
#define CLATENTSHIM_H
#include <stddef.h>
#include <stdint.h>

#include "dnnl_shim.h"

/// Number of logical CPUs the process may run on.
int latent_cpu_count(void);

#endif
