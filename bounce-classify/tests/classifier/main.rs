//! bounce-classify's integration tests, as one test binary: the CLI, real reply texts,
//! robustness on arbitrary and mutated input, and bounce shapes the corpus lacks.

mod cli;
mod reference_replies;
mod robustness;
mod unseen_shapes;
