// Allocator settings and memory advice that Swift cannot reach (see CLatentShim.h).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "CLatentShim.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

enum { HUGE_PAGE = 2u << 20 };

static _Atomic int huge_pages_mask = -1;

static int huge_pages_uses(void) {
    int mask = huge_pages_mask;
    if (mask < 0) {
        const char *setting = getenv("LATENT_HUGE_PAGES");
        mask = LATENT_HUGE_PAGES_TENSORS;
        if (setting && (setting[0] == '0' || strcmp(setting, "none") == 0)) mask = 0;
        else if (setting && strcmp(setting, "all") == 0) mask = LATENT_HUGE_PAGES_TENSORS | LATENT_HUGE_PAGES_IMAGES;
        huge_pages_mask = mask;  // idempotent: racing first calls store the same value
    }
    return mask;
}

size_t latent_huge_page_threshold(void) { return (size_t)LATENT_HUGE_PAGE_THRESHOLD; }

void latent_set_huge_page_uses(int uses) { huge_pages_mask = uses & (LATENT_HUGE_PAGES_TENSORS | LATENT_HUGE_PAGES_IMAGES); }
int latent_huge_page_uses(void) { return huge_pages_uses(); }

void latent_advise_huge_pages(void *pointer, size_t bytes, int use) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (!pointer || bytes < LATENT_HUGE_PAGE_THRESHOLD || !(huge_pages_uses() & use)) return;
    uintptr_t start = ((uintptr_t)pointer + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)pointer + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
    // Advice only: EINVAL (THP not built in) or ENOMEM leave the buffer on ordinary pages.
    if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)pointer;
    (void)bytes;
    (void)use;
#endif
}

// <malloc.h> is not part of the Glibc module, so mallopt is reached from here.
int latent_set_mmap_threshold(size_t bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
    return 0;
#endif
}
