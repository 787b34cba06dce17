//! Engines that run a compiled campaign, and the reference evaluator that
//! says what any engine must produce.

pub mod reference;
