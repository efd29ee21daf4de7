//! Evaluation commands: score scour against benchmark ground truth.

pub mod dedup;
pub mod extract;
