/* Per-thread cleanup for threads that ran solvers (the explorer's background solves):
 * GLPK allocates an environment per thread on first use, which only that thread can
 * free. GLPK stays inside solvers/. */
#include "solvers/solver.h"

#include <glpk.h>

void ps_solver_thread_exit(void)
{
    glp_free_env();
}
