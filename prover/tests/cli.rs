//! The `carbide` binary's backend choice where there is no GPU: `cuda` is a one-line error
//! and a non-zero exit, `auto` says why once and runs the CPU suite. (On a GPU machine the
//! same commands time the GPU; these tests then only check that they succeed.)

#![cfg(feature = "bench")]

mod common;

use std::process::Command;

fn carbide(backend: &str, args: &[&str]) -> std::process::Output {
    Command::new(common::carbide_exe())
        .env("CARBIDE_BACKEND", backend)
        .args(args)
        .output()
        .unwrap()
}

fn has_gpu() -> bool {
    carbide_cuda::devices().is_ok()
}

#[test]
fn cuda_without_a_gpu_is_a_one_line_error() {
    if has_gpu() {
        return;
    }
    for suite in ["ntt", "msm", "stark"] {
        let out = carbide("cuda", &["bench", suite]);
        assert_eq!(out.status.code(), Some(1), "{suite}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("cuda"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn auto_without_a_gpu_runs_on_the_cpu() {
    let out = carbide(
        "auto",
        &[
            "bench",
            "ntt",
            "--rounds",
            "1",
            "--burst-ms",
            "1",
            "--filter",
            "goldilocks-2^16",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if has_gpu() {
        return;
    }
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stdout.contains("| ntt/goldilocks-2^16 |"), "{stdout}");
    assert_eq!(stderr.matches("using the CPU").count(), 1, "{stderr}");
}

#[test]
fn an_unknown_backend_is_refused() {
    let out = carbide("tpu", &["bench", "ntt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown backend \"tpu\""));
}
