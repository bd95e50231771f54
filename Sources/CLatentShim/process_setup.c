#include <stdlib.h>
#include <unistd.h>
#include "process_setup.h"

void latent_reexec_with_passive_openmp(int argc, char **argv) {
    (void)argc;
    if (getenv("OMP_WAIT_POLICY") != NULL) return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
    execv("/proc/self/exe", argv);
    // execv failed (no /proc): carry on with the default policy.
}
