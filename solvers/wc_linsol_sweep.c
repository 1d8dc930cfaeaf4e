/* wc_linsol_sweep.c — the preconditioner as the whole linear solver (see wc_linsol_sweep.h). */
#include "wc_linsol_sweep.h"

#include <stdlib.h>

#include <sundials/sundials_iterative.h>

typedef struct wc_linsol_sweep_content {
  void *prec_data;
  SUNPSetupFn prec_setup;
  SUNPSolveFn prec_solve;
  sunindextype last_flag;
} wc_linsol_sweep_content;

static wc_linsol_sweep_content *content_of(SUNLinearSolver s) { return (wc_linsol_sweep_content *)s->content; }

static SUNLinearSolver_Type ls_type(SUNLinearSolver s) {
  (void)s;
  return SUNLINEARSOLVER_ITERATIVE;
}

static SUNLinearSolver_ID ls_id(SUNLinearSolver s) {
  (void)s;
  return SUNLINEARSOLVER_CUSTOM;
}

/* CVODE insists that a matrix-free solver accepts an ATimes routine; this one never needs it. */
static int ls_set_atimes(SUNLinearSolver s, void *data, SUNATimesFn atimes) {
  (void)s;
  (void)data;
  (void)atimes;
  return SUNLS_SUCCESS;
}

static int ls_set_preconditioner(SUNLinearSolver s, void *data, SUNPSetupFn setup, SUNPSolveFn solve) {
  content_of(s)->prec_data = data;
  content_of(s)->prec_setup = setup;
  content_of(s)->prec_solve = solve;
  return SUNLS_SUCCESS;
}

/* Accepting scaling vectors spares cvLsSolve a weighted norm per solve that it would
 * otherwise spend adjusting the tolerance of a solver that ignores tolerances. */
static int ls_set_scaling(SUNLinearSolver s, N_Vector s1, N_Vector s2) {
  (void)s;
  (void)s1;
  (void)s2;
  return SUNLS_SUCCESS;
}

static int ls_set_zero_guess(SUNLinearSolver s, booleantype on) {
  (void)s;
  (void)on;
  return SUNLS_SUCCESS;
}

static int ls_initialize(SUNLinearSolver s) {
  content_of(s)->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

static int ls_setup(SUNLinearSolver s, SUNMatrix a) {
  (void)a;
  wc_linsol_sweep_content *c = content_of(s);
  int flag = c->prec_setup ? c->prec_setup(c->prec_data) : 0;
  c->last_flag = flag == 0 ? SUNLS_SUCCESS : (flag > 0 ? SUNLS_PSET_FAIL_REC : SUNLS_PSET_FAIL_UNREC);
  return (int)c->last_flag;
}

static int ls_solve(SUNLinearSolver s, SUNMatrix a, N_Vector x, N_Vector b, realtype tol) {
  (void)a;
  wc_linsol_sweep_content *c = content_of(s);
  if (!c->prec_solve) {
    c->last_flag = SUNLS_PSOLVE_NULL;
    return SUNLS_PSOLVE_NULL;
  }
  int flag = c->prec_solve(c->prec_data, b, x, tol, SUN_PREC_LEFT);
  c->last_flag = flag == 0 ? SUNLS_SUCCESS : (flag > 0 ? SUNLS_PSOLVE_FAIL_REC : SUNLS_PSOLVE_FAIL_UNREC);
  return (int)c->last_flag;
}

static int ls_num_iters(SUNLinearSolver s) {
  (void)s;
  return 1;
}

static realtype ls_res_norm(SUNLinearSolver s) {
  (void)s;
  return 0.0;
}

static sunindextype ls_last_flag(SUNLinearSolver s) { return content_of(s)->last_flag; }

static int ls_space(SUNLinearSolver s, long *lrw, long *liw) {
  (void)s;
  *lrw = 0;
  *liw = (long)(sizeof(wc_linsol_sweep_content) / sizeof(long));
  return SUNLS_SUCCESS;
}

static int ls_free(SUNLinearSolver s) {
  if (!s) return SUNLS_SUCCESS;
  free(s->content);
  s->content = NULL;
  SUNLinSolFreeEmpty(s);
  return SUNLS_SUCCESS;
}

wc_status wc_linsol_sweep_create(SUNContext context, SUNLinearSolver *solver) {
  *solver = NULL;
  SUNLinearSolver s = SUNLinSolNewEmpty(context);
  WC_CHECK(s != NULL, WC_ERR_MEMORY, "SUNLinSolNewEmpty failed");
  wc_linsol_sweep_content *c = calloc(1, sizeof *c);
  if (!c) {
    SUNLinSolFreeEmpty(s);
    WC_FAIL(WC_ERR_MEMORY, "out of memory for the sweep linear solver");
  }
  s->content = c;
  s->ops->gettype = ls_type;
  s->ops->getid = ls_id;
  s->ops->setatimes = ls_set_atimes;
  s->ops->setpreconditioner = ls_set_preconditioner;
  s->ops->setscalingvectors = ls_set_scaling;
  s->ops->setzeroguess = ls_set_zero_guess;
  s->ops->initialize = ls_initialize;
  s->ops->setup = ls_setup;
  s->ops->solve = ls_solve;
  s->ops->numiters = ls_num_iters;
  s->ops->resnorm = ls_res_norm;
  s->ops->lastflag = ls_last_flag;
  s->ops->space = ls_space;
  s->ops->free = ls_free;
  *solver = s;
  return WC_OK;
}
