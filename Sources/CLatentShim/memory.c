// Allocator settings Swift cannot reach: <malloc.h> is not part of the Glibc module.
#include "CLatentShim.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int latent_set_mmap_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return 0;
#endif
}
