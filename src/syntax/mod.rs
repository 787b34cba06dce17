//! (stage syntax)
