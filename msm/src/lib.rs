//! carbide-msm: multi-scalar multiplication over arkworks short-Weierstrass curves.
//!
//! To live here (issue "MSM on the CPU"): a capability trait, the CPU Pippenger implementation
//! (signed-digit windows, batch-affine buckets), a naive double-and-add reference, `MsmContext`
//! for fixed bases and batched MSM, and the `msm` entry point equal to ark-ec's.
