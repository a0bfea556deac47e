//! Test support, not API: builds the kernels' host C++ programs (`tests/host/*.cpp`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Compiles `tests/host/<program>.cpp` with the kernels' headers (and the emulated PTX carry
/// flag of `tests/host/field/ptx.cuh`, found first) into a temporary executable. `Err` says
/// why not: no compiler or no sources here (a skip), or a failed build (a failure: the message
/// contains "failed").
pub fn build_host_program(program: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !dir.join("kernels").is_dir() {
        // A packed test binary on another machine: the sources are not there.
        return Err(format!(
            "no C++ build: kernel sources not at {}",
            dir.display()
        ));
    }
    let exe = std::env::temp_dir().join(format!("carbide-{program}-{}", std::process::id()));
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".to_owned());
    let status = Command::new(&cxx)
        .args([
            "-std=c++20",
            "-O2",
            "-pthread",
            "-Wall",
            "-Wno-unknown-pragmas",
            "-Werror",
            // As strict as distributions whose glibc marks scanf's result must-use.
            "-U_FORTIFY_SOURCE",
            "-D_FORTIFY_SOURCE=2",
            "-o",
        ])
        .arg(&exe)
        .arg(format!("-I{}", dir.join("tests/host").display()))
        .arg(format!("-I{}", dir.join("kernels").display()))
        .arg(dir.join(format!("tests/host/{program}.cpp")))
        .status();
    match status {
        Ok(s) if s.success() => Ok(exe),
        Ok(s) => Err(format!("{cxx} failed on {program}.cpp: {s}")),
        Err(e) => Err(format!("no C++ compiler ({cxx}): {e}")),
    }
}

/// [`build_host_program`] once per process, as a test uses it: `None` (after printing
/// `skipped: …`) when there is no compiler or no sources, unless `REQUIRE_CXX=1`; a panic
/// when the build fails.
pub fn host_program(
    cell: &'static std::sync::OnceLock<Result<PathBuf, String>>,
    program: &str,
) -> Option<&'static PathBuf> {
    match cell.get_or_init(|| build_host_program(program)) {
        Ok(p) => Some(p),
        Err(e) => {
            assert!(!e.contains("failed"), "the host build of the kernels: {e}");
            assert!(
                std::env::var("REQUIRE_CXX").map_or(true, |v| v != "1"),
                "REQUIRE_CXX=1 but {e}"
            );
            println!("skipped: {e}");
            None
        }
    }
}

/// Runs a host program with `input` on stdin (written from another thread, so a large input
/// cannot deadlock against its output) and returns its stdout; a failed run panics.
pub fn run_host_program(exe: &PathBuf, input: String) -> String {
    let mut child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("the host program's output");
    writer
        .join()
        .expect("the writer thread")
        .expect("writing the input");
    assert!(out.status.success(), "{}: {:?}", exe.display(), out.status);
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Device 0 for a GPU test, or `None` after printing `skipped: no CUDA device (why)`; with
/// `REQUIRE_GPU=1` a missing device fails the test instead.
pub fn gpu_or_skip() -> Option<crate::Gpu> {
    match crate::Gpu::new(0) {
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
