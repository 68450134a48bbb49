//! Harness functions shared by the fuzz targets; each target in `fuzz_targets/` is a few lines
//! calling one of these. Every function panics when an invariant breaks.

pub mod command;
