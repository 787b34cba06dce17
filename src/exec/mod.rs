//! Engines that run a compiled campaign, what they report, how a run is
//! judged before it starts, and the reference evaluator that says what any
//! engine must produce.

pub mod bigquery;
#[cfg(feature = "duckdb")]
pub mod duckdb;
pub mod engine;
pub mod facts;
pub mod failpoint;
pub mod preflight;
pub mod reference;

pub use engine::{
    Access, DEMO_FILE, Engine, EngineError, EngineSpec, RunObserver, Silent, connect,
};
