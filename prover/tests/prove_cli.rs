//! `carbide prove` writes a proof file that `carbide verify` accepts (exit 0); a changed file,
//! garbage and a missing file are rejected with exit 1 and one line.

mod common;

use std::process::Command;

#[test]
fn prove_then_verify_and_reject_changes() {
    let dir = std::env::temp_dir().join(format!("carbide-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fib.proof");
    let out = Command::new(common::carbide_exe())
        .args([
            "prove",
            "--air",
            "fib",
            "--log-rows",
            "6",
            "--backend",
            "cpu",
            "-o",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("64 rows") && summary.contains("100 bits"),
        "{summary}"
    );
    let verify = |path: &std::path::Path| {
        Command::new(common::carbide_exe())
            .arg("verify")
            .arg(path)
            .output()
            .unwrap()
    };
    let ok = verify(&file);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bytes = std::fs::read(&file).unwrap();
    let bad = dir.join("bad.proof");
    for pos in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5] {
        let mut b = bytes.clone();
        b[pos] ^= 0x10;
        std::fs::write(&bad, &b).unwrap();
        let r = verify(&bad);
        assert_eq!(r.status.code(), Some(1), "byte {pos}");
        let text = String::from_utf8_lossy(&r.stdout);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with("invalid"), "{text}");
    }
    std::fs::write(&bad, b"garbage").unwrap();
    assert_eq!(verify(&bad).status.code(), Some(1));
    assert_eq!(verify(&dir.join("missing.proof")).status.code(), Some(1));
    // Two tables with a lookup, BLAKE3 trees, the progress display on stderr.
    let two = dir.join("bytes.proof");
    let out = Command::new(common::carbide_exe())
        .args([
            "prove",
            "--air",
            "bytes",
            "--log-rows",
            "5",
            "--hash",
            "blake3",
            "--progress",
            "--backend",
            "cpu",
            "-o",
        ])
        .arg(&two)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stages = String::from_utf8_lossy(&out.stderr);
    for stage in ["commit traces", "lookups", "quotient", "FRI and queries"] {
        assert!(stages.contains(stage), "{stages}");
    }
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("2 tables") && summary.contains("blake3"),
        "{summary}"
    );
    let ok = verify(&two);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("blake3"));
    let unknown = Command::new(common::carbide_exe())
        .args(["prove", "--air", "nope", "--log-rows", "4"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_executes_a_guest() {
    let dir = std::env::temp_dir().join(format!("carbide-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("abc");
    std::fs::write(&input, b"abc").unwrap();
    let elf = format!("{}/guests/bin/sha256.elf", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(common::carbide_exe())
        .args(["run", &elf, "--input"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // SHA-256("abc"), FIPS 180-4's first example.
    assert!(
        text.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        "{text}"
    );
    assert!(text.contains("cycles"), "{text}");
    let limited = Command::new(common::carbide_exe())
        .args(["run", &elf, "--max-cycles", "10"])
        .output()
        .unwrap();
    assert_eq!(limited.status.code(), Some(1));
    let err = String::from_utf8_lossy(&limited.stderr);
    assert!(
        err.contains("cycle limit 10") && err.contains("pc 0x"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_guest_proof_round_trips_through_files() {
    let dir = std::env::temp_dir().join(format!("carbide-zkvm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (input, file) = (dir.join("in"), dir.join("fib.proof"));
    std::fs::write(&input, 10u32.to_le_bytes()).unwrap();
    let elf = |name: &str| format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(common::carbide_exe())
        .args([
            "prove",
            &elf("fib"),
            "--segment-log",
            "7",
            "--progress",
            "--input",
        ])
        .arg(&input)
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    // F(10) = 55, as a little-endian u64; 295 cycles in segments of 128.
    assert!(text.contains("output 3700000000000000"), "{text}");
    assert!(text.contains("295 cycles in 3 segment(s)"), "{text}");
    // Each segment's stages, then where the time went.
    for i in 0..3 {
        for stage in ["run and build traces", "commit traces", "FRI and queries"] {
            assert!(
                stderr.contains(&format!("] segment {i}: {stage}")),
                "{stderr}"
            );
        }
    }
    assert!(!stderr.contains("segment 3:"), "{stderr}");
    assert!(
        stderr.contains("time by stage: run and build traces"),
        "{stderr}"
    );
    let verify = |path: &std::path::Path, program: Option<&str>| {
        let mut c = Command::new(common::carbide_exe());
        c.arg("verify").arg(path);
        if let Some(p) = program {
            c.args(["--elf", &elf(p)]);
        }
        let out = c.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = verify(&file, None);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("output 3700000000000000"), "{text}");
    assert_eq!(verify(&file, Some("fib")).0, Some(0));
    // Another program's digest, a changed output byte and a changed proof byte are refused.
    let (code, text) = verify(&file, Some("sort"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("the proof is of program"), "{text}");
    let bytes = std::fs::read(&file).unwrap();
    // The output (length 8, then F(10)) follows the magic, the ELF and the input.
    let skip = 16 + std::fs::read(elf("fib")).unwrap().len();
    let pattern = [8u64.to_le_bytes(), 55u64.to_le_bytes()].concat();
    let out_at = skip
        + 8
        + bytes[skip..]
            .windows(16)
            .position(|w| w == pattern)
            .unwrap();
    for at in [out_at, bytes.len() - 100] {
        let mut b = bytes.clone();
        b[at] ^= 1;
        let changed = dir.join("changed.proof");
        std::fs::write(&changed, &b).unwrap();
        let (code, text) = verify(&changed, None);
        assert_eq!(code, Some(1), "byte {at}: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
