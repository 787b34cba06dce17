//! (stage verify)
