// Splits loops over the OpenMP thread pool that oneDNN already runs, so elementwise work and
// GEMMs share one set of threads instead of fighting over the cores. The pool's entry point is
// looked up at run time (libdnnl loads libgomp); without it, loops run on the calling thread.
#include "SwiftGANKernels.h"
#include <dlfcn.h>
#include <pthread.h>

typedef void (*gomp_parallel_t)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*omp_int_t)(void);

static gomp_parallel_t gomp_parallel;
static omp_int_t thread_num, num_threads, max_threads;
static void (*set_num_threads)(int);
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void resolve(void) {
    gomp_parallel = (gomp_parallel_t)dlsym(RTLD_DEFAULT, "GOMP_parallel");
    thread_num = (omp_int_t)dlsym(RTLD_DEFAULT, "omp_get_thread_num");
    num_threads = (omp_int_t)dlsym(RTLD_DEFAULT, "omp_get_num_threads");
    max_threads = (omp_int_t)dlsym(RTLD_DEFAULT, "omp_get_max_threads");
    set_num_threads = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (!thread_num || !num_threads || !max_threads) gomp_parallel = 0;
}

typedef struct {
    sg_range_body body;
    void *context;
    int64_t n;
} job_t;

static void run_share(void *arg) {
    job_t *job = (job_t *)arg;
    int64_t t = thread_num(), k = num_threads();
    int64_t per = (job->n + k - 1) / k;
    int64_t begin = t * per, end = begin + per < job->n ? begin + per : job->n;
    if (begin < end) job->body(job->context, begin, end);
}

void sg_parallel_for(sg_range_body body, void *context, int64_t n, int64_t min_per_thread) {
    pthread_once(&once, resolve);
    int64_t threads = gomp_parallel ? max_threads() : 1;
    if (threads > n / (min_per_thread > 0 ? min_per_thread : 1)) threads = n / (min_per_thread > 0 ? min_per_thread : 1);
    if (threads <= 1) { body(context, 0, n); return; }
    job_t job = {body, context, n};
    gomp_parallel(run_share, &job, (unsigned)threads, 0);
}

int64_t sg_compute_threads(void) {
    pthread_once(&once, resolve);
    return gomp_parallel ? max_threads() : 1;
}

int64_t sg_set_compute_threads(int64_t n) {
    pthread_once(&once, resolve);
    if (gomp_parallel && set_num_threads && n > 0) set_num_threads(n > 4096 ? 4096 : (int)n);
    return sg_compute_threads();
}
