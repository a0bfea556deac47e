//! What every GPU test file shares.

use carbide_cuda::Gpu;

/// Device 0, or `None` after printing `skipped: no CUDA device (why)`; with `REQUIRE_GPU=1`
/// a missing device fails the test instead.
pub fn gpu() -> Option<Gpu> {
    match Gpu::new(0) {
        Ok(g) => Some(g),
        Err(e) => {
            assert!(
                std::env::var("REQUIRE_GPU").map_or(true, |v| v != "1"),
                "REQUIRE_GPU=1 but {e}"
            );
            println!("skipped: no CUDA device ({e})");
            None
        }
    }
}
