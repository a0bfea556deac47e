//! What the binary's tests share.

/// The `carbide` binary cargo built, or (test binaries packed by gpu-pack into
/// `.gpu/tests/`) the one packed beside them in `.gpu/`.
pub fn carbide_exe() -> std::path::PathBuf {
    let built = std::path::PathBuf::from(env!("CARGO_BIN_EXE_carbide"));
    if built.exists() {
        return built;
    }
    let here = std::env::current_exe().expect("the test binary's path");
    here.parent()
        .and_then(|d| d.parent())
        .expect("the test binary's folder")
        .join("carbide")
}
