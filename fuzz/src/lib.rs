//! Harness functions for the fuzz targets in `fuzz_targets/`: each target is a few lines calling
//! one of these, which assert round trips and invariants, not only the absence of panics.

pub mod classify;
pub mod command;
pub mod data_receiver;
pub mod dsn;
pub mod reply;
pub mod scenario;
pub mod server_session;
pub mod sim_driver;
