// Open MPI through dlopen. Its C API names handles with macros over global objects
// (MPI_COMM_WORLD is &ompi_mpi_comm_world, MPI_FLOAT &ompi_mpi_float, MPI_SUM &ompi_mpi_op_sum,
// MPI_IN_PLACE is (void *)1), so the handles are those symbols' addresses. This is Open MPI's
// ABI (Debian's openmpi-bin), the one the bootstrap installs.
#define _GNU_SOURCE
#include "SwiftGANMPI.h"
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*init_fn)(int *, char ***);
typedef int (*comm_int_fn)(void *, int *);
typedef int (*allreduce_fn)(const void *, void *, int, void *, void *, void *);
typedef int (*comm_fn)(void *);
typedef int (*finalize_fn)(void);
typedef int (*abort_fn)(void *, int);

static struct {
    void *library;
    init_fn init;
    comm_int_fn rank, size;
    allreduce_fn allreduce;
    comm_fn barrier;
    finalize_fn finalize;
    abort_fn abort;
    void *world, *type_float, *type_double, *op_sum;
    int initialized;
} mpi;

#define MPI_IN_PLACE_ ((void *)1)
#define MPI_SUCCESS_ 0

int sg_mpi_launched(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMIX_RANK") != NULL;
}

static int fail(char *error, size_t size, const char *what, int code) {
    snprintf(error, size, "%s (MPI error %d)", what, code);
    return code ? code : -1;
}

int sg_mpi_init(int *rank, int *size, char *error, size_t error_size) {
    const char *names[] = {"libmpi.so.40", "libmpi.so"};
    for (int i = 0; i < 2 && !mpi.library; i++) mpi.library = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (!mpi.library) {
        snprintf(error, error_size, "started by mpirun, but Open MPI's libmpi.so.40 cannot be loaded (install openmpi-bin): %s", dlerror());
        return -1;
    }
#define LOAD(field, name) if (!(*(void **)&mpi.field = dlsym(mpi.library, name))) { \
        snprintf(error, error_size, "libmpi has no %s: SwiftGAN needs Open MPI (openmpi-bin)", name); return -1; }
    LOAD(init, "MPI_Init") LOAD(rank, "MPI_Comm_rank") LOAD(size, "MPI_Comm_size")
    LOAD(allreduce, "MPI_Allreduce") LOAD(barrier, "MPI_Barrier") LOAD(finalize, "MPI_Finalize")
    LOAD(abort, "MPI_Abort") LOAD(world, "ompi_mpi_comm_world") LOAD(type_float, "ompi_mpi_float")
    LOAD(type_double, "ompi_mpi_double") LOAD(op_sum, "ompi_mpi_op_sum")
#undef LOAD
    int code = mpi.init(NULL, NULL);
    if (code != MPI_SUCCESS_) return fail(error, error_size, "MPI_Init failed", code);
    mpi.initialized = 1;
    if ((code = mpi.rank(mpi.world, rank)) != MPI_SUCCESS_) return fail(error, error_size, "MPI_Comm_rank failed", code);
    if ((code = mpi.size(mpi.world, size)) != MPI_SUCCESS_) return fail(error, error_size, "MPI_Comm_size failed", code);
    return 0;
}

static int allreduce(void *buffer, int64_t count, size_t element, void *type, char *error, size_t error_size) {
    if (!mpi.initialized) { snprintf(error, error_size, "MPI is not initialized"); return -1; }
    const int64_t piece = (int64_t)1 << 30;
    for (int64_t done = 0; done < count; done += piece) {
        int n = (int)(count - done < piece ? count - done : piece);
        int code = mpi.allreduce(MPI_IN_PLACE_, (char *)buffer + (size_t)done * element, n, type, mpi.op_sum, mpi.world);
        if (code != MPI_SUCCESS_) return fail(error, error_size, "MPI_Allreduce failed", code);
    }
    return 0;
}

int sg_mpi_allreduce_sum_float(float *buffer, int64_t count, char *error, size_t error_size) {
    return allreduce(buffer, count, sizeof(float), mpi.type_float, error, error_size);
}

int sg_mpi_allreduce_sum_double(double *buffer, int64_t count, char *error, size_t error_size) {
    return allreduce(buffer, count, sizeof(double), mpi.type_double, error, error_size);
}

int sg_mpi_barrier(char *error, size_t error_size) {
    if (!mpi.initialized) { snprintf(error, error_size, "MPI is not initialized"); return -1; }
    int code = mpi.barrier(mpi.world);
    return code == MPI_SUCCESS_ ? 0 : fail(error, error_size, "MPI_Barrier failed", code);
}

void sg_mpi_finalize(void) {
    if (mpi.initialized) { mpi.finalize(); mpi.initialized = 0; }
}

void sg_mpi_abort(int code) {
    if (mpi.initialized) mpi.abort(mpi.world, code);
    exit(code);
}

int sg_usable_cores(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}
