//! (stage lower)
