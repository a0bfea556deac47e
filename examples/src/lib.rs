//! carbide-examples: the programs in `examples/` are what a new user reads first.

/// The README's Rust snippets (fields, NTT, MSM), compiled and run as doc tests so they stay
/// true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
