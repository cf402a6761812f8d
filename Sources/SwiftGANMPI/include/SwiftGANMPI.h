// Open MPI, loaded at run time: SwiftGAN builds without MPI's headers and runs without its
// library; only a process that mpirun started loads libmpi. Every call answers 0 on success or
// writes a one-line reason into `error`.
#ifndef SWIFTGAN_MPI_H
#define SWIFTGAN_MPI_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this process was started by mpirun (Open MPI's or PMIx's rank variables are set).
int sg_mpi_launched(void);
/// Loads libmpi and initializes it; writes this process's rank and the world size.
int sg_mpi_init(int *rank, int *size, char *error, size_t error_size);
/// In-place sum over all ranks of `count` floats (any count: sent in pieces of at most 2^30).
int sg_mpi_allreduce_sum_float(float *buffer, int64_t count, char *error, size_t error_size);
/// In-place sum over all ranks of `count` doubles.
int sg_mpi_allreduce_sum_double(double *buffer, int64_t count, char *error, size_t error_size);
/// Waits for every rank.
int sg_mpi_barrier(char *error, size_t error_size);
/// Shuts MPI down (after the last collective call).
void sg_mpi_finalize(void);
/// The cores this process may run on (its CPU affinity mask): 1 when mpirun bound the rank to
/// one core, all of them with --bind-to none.
int sg_usable_cores(void);
/// Stops every rank (after one rank failed, so the others do not wait for it forever).
void sg_mpi_abort(int code);

#ifdef __cplusplus
}
#endif
#endif
