//! What every GPU test file shares.

pub use carbide_cuda::testing::gpu_or_skip as gpu;
