/*
 * wc_linsol_sweep.h — a SUNLinearSolver whose solve is one application of the
 * preconditioner CVODE attaches to it: x = P^-1 b.
 *
 * With the downstream sweep as P (wc_integrator attaches it with CVodeSetPreconditioner),
 * P^-1 is the exact inverse of the Newton matrix on one rank, so this is a direct solver
 * without a SUNMatrix: no Krylov basis, no Jacobian-vector products, no Gram-Schmidt.
 *
 * Why the type is SUNLINEARSOLVER_ITERATIVE and not MATRIX_EMBEDDED: CVODE 6.4 never calls
 * the setup of a matrix-embedded solver (cvLsInitialize sets lsetup to NULL), so the
 * solver would have to re-evaluate the blocks at every solve. As an "iterative" solver
 * with a preconditioner, CVODE's own heuristics decide when the blocks are re-evaluated
 * (jok) and when only gamma changed, and its statistics count setups and solves.
 * numiters reports 1 per solve.
 */
#ifndef WC_LINSOL_SWEEP_H
#define WC_LINSOL_SWEEP_H

#include <sundials/sundials_linearsolver.h>

#include "wc_status.h"

/* Create the solver; free it with SUNLinSolFree (after CVodeFree). */
WC_NODISCARD wc_status wc_linsol_sweep_create(SUNContext context, SUNLinearSolver *solver);

#endif /* WC_LINSOL_SWEEP_H */
