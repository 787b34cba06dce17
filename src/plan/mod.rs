//! (stage plan)
