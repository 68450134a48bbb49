//! Shared inputs for the criterion benchmarks in `benches/benches/`.
