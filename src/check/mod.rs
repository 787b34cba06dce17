//! (stage check)
