#ifndef LATENT_PROCESS_SETUP_H
#define LATENT_PROCESS_SETUP_H

/// oneDNN runs on GNU OpenMP, whose idle workers spin for a long time before sleeping. Between
/// oneDNN primitives our own Swift kernels need those cores, so spinning workers would steal
/// half the machine (measured: 55% of training time in libgomp's spin loop). libgomp reads
/// OMP_WAIT_POLICY once, when it is loaded — before `main` — so the only way to set it for our
/// own process is to set it and re-execute. Call first thing in `main`; returns only when no
/// re-exec was needed or possible. The user's own OMP_WAIT_POLICY, if any, is respected.
void latent_reexec_with_passive_openmp(int argc, char **argv);

#endif
