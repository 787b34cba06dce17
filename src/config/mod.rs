//! (stage config)
