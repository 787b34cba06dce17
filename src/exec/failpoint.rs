//! Test failpoints: `BANNERC_FAILPOINT=<step>` makes the process abort
//! (`std::process::abort`, as abrupt as a SIGKILL: no unwinding, no
//! destructors, no rollback) right before the named step runs. Tests use it
//! to prove that an interruption anywhere leaves every table as it was.
//!
//! The steps of `apply`, in order (see `lower::duckdb::step_name`):
//! `begin`, `setup`, `backup` (in-place), `collect` (fused), `pre-check`,
//! `relabel-N` and `fix-fields-N` (in-place, per phase), `insert`,
//! `post-check`, `ledger`, `commit`, and `committed` (after the commit,
//! before the run is read back). The steps of `rollback`:
//! `rollback-begin`, `rollback-delete`, `rollback-restore` (in-place),
//! `rollback-ledger`, `rollback-commit`.

/// The environment variable naming the step to abort at.
pub const VARIABLE: &str = "BANNERC_FAILPOINT";

/// Abort the process if `step` is the failpoint's step.
pub fn hit(step: &str) {
    if std::env::var(VARIABLE).is_ok_and(|wanted| wanted == step) {
        eprintln!("bannerc: failpoint {VARIABLE}={step}: aborting");
        std::process::abort();
    }
}
