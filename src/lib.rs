//! bannerc: a compiler and runner for banner campaigns on BigQuery and DuckDB.
//!
//! The modules are the pipeline, in order: `syntax` and `config` (front
//! ends) produce an [`ir::CampaignSpec`]; `plan` expands it into an
//! [`ir::Campaign`]; `check` proves it well formed and orders its
//! operations; `lower` emits SQL; `verify` re-parses that SQL and proves its
//! shape; `exec` runs it; `cli` is the command line.

pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod exec;
pub mod ir;
pub mod lower;
pub mod plan;
pub mod syntax;
pub mod verify;
