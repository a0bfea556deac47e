//! kernels/ntt.cu itself, compiled as host C++ (tests/host/ntt.cpp, threads for a block's
//! threads, a barrier for `__syncthreads`) and fed the launch plans the device executor
//! sends, with their geometry: the kernel's code against the CPU NTT without a GPU. Skips
//! without a C++ compiler unless `REQUIRE_CXX=1`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use ark_bn254::Fr;
use carbide_field::{Field, Goldilocks, TwoAdicField};
use carbide_ntt::{Ntt, Radix2Dit};

use super::plan::{self, Buf, Launch, Op, Powers, Shape};
use super::tests::{cpu_apply, random};
use crate::field::{GpuField, as_words, as_words_mut};

fn harness() -> Option<&'static PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    crate::testing::host_program(&BUILT, "ntt")
}

fn push_words<F: GpuField>(out: &mut String, v: &[F]) {
    let w = as_words(v).unwrap();
    let _ = write!(out, "{}", w.len());
    for x in w {
        let _ = write!(out, " {x:x}");
    }
    out.push('\n');
}

fn push_table<F: GpuField>(out: &mut String, p: &Option<Powers<F>>) {
    match p {
        Some(p) => {
            push_words(out, &p.lo);
            push_words(out, &p.hi);
            let _ = writeln!(out, "{}", p.lo_bits);
        }
        None => out.push_str("0\n0\n0\n"),
    }
}

fn slot(b: Buf) -> usize {
    match b {
        Buf::A => 0,
        Buf::B => 1,
        Buf::C => 2,
    }
}

/// Runs `launches` through the host build of the kernels; returns the three buffers.
fn run<F: GpuField>(exe: &PathBuf, launches: &[Launch<F>], bufs: [Vec<F>; 3]) -> [Vec<F>; 3] {
    let tw_log = launches.iter().map(|l| l.log_n).max().unwrap_or(0).max(1);
    let tw = plan::twiddle_powers::<F>(tw_log).unwrap();
    let mut input = format!("{}\n", F::NAME);
    for b in &bufs {
        push_words(&mut input, b);
    }
    push_words(&mut input, &tw.lo);
    push_words(&mut input, &tw.hi);
    let _ = writeln!(input, "{} {}", tw.lo_bits, 1u64 << (tw_log - 1));
    let _ = writeln!(input, "{tw_log} {}", launches.len());
    for l in launches {
        let _ = writeln!(
            input,
            "{} {} {} {} {} {} {} {} {} {} {} {}",
            slot(l.read.buf),
            slot(l.write.buf),
            u32::from(l.inverse),
            l.log_n,
            l.pass.s0,
            l.pass.k,
            l.pass.t,
            l.width,
            l.read.rs,
            l.read.cs,
            l.read.rows,
            u32::from(l.read.bitrev)
        );
        push_table(&mut input, &l.read.scale);
        let _ = writeln!(input, "{} {}", l.write.rs, l.write.cs);
        push_table(&mut input, &l.write.scale);
        let g = l.geometry(F::WORDS);
        let _ = writeln!(
            input,
            "{} {} {} {}",
            g.grid.0, g.grid.1, g.block, g.shared_bytes
        );
    }
    let text = crate::testing::run_host_program(exe, input);
    let mut lines = text.lines();
    bufs.map(|mut b| {
        let words: Vec<u64> = lines
            .next()
            .unwrap()
            .split_whitespace()
            .skip(1)
            .map(|w| u64::from_str_radix(w, 16).unwrap())
            .collect();
        as_words_mut(&mut b).unwrap().copy_from_slice(&words);
        b
    })
}

/// Canonical words for Goldilocks (the kernels store them), equal limbs for Fr.
fn canonical<F: GpuField>(v: &[F]) -> Vec<u64> {
    v.iter()
        .flat_map(|x| {
            let mut w = x.device_words();
            if F::WORDS == 1 {
                w[0] = Goldilocks::from_noncanonical_u64(w[0]).as_canonical_u64();
            }
            w.into_iter().take(F::WORDS)
        })
        .collect()
}

fn check<F: GpuField>(max_log: u32) {
    let Some(exe) = harness() else { return };
    let cpu = Radix2Dit::<F>::new();
    let shift = F::coset_shift();
    let shapes = [
        Shape {
            shared_log: F::SHARED_LOG,
            coalesce_log: F::COALESCE_LOG,
        },
        Shape {
            shared_log: 3,
            coalesce_log: 1,
        },
    ];
    for shape in shapes {
        for log_n in 0..=max_log {
            let width = if log_n % 2 == 0 { 1 } else { 3 };
            let n = 1usize << log_n;
            let input: Vec<F> = random(n * width, 40 + u64::from(log_n));
            for op in [
                Op::Forward,
                Op::Inverse,
                Op::Coset(shift),
                Op::CosetInverse(shift),
            ] {
                let mut expect = input.clone();
                cpu_apply(op, &mut expect, width);
                let launches = plan::in_place(shape, log_n, width, op);
                let [a, _, _] = run(
                    exe,
                    &launches,
                    [input.clone(), vec![F::ZERO; n * width], vec![F::ZERO]],
                );
                assert_eq!(
                    canonical(&a),
                    canonical(&expect),
                    "{op:?} 2^{log_n}×{width} {shape:?}"
                );
                assert_eq!(as_words(&a).unwrap(), canonical(&a), "stored canonically");
            }
            let big = n << 2;
            let (launches, out) = plan::lde(shape, log_n, width, 2, shift);
            let bufs = run(
                exe,
                &launches,
                [
                    input.clone(),
                    vec![F::ZERO; big * width],
                    vec![F::ZERO; big * width],
                ],
            );
            let expect = cpu.coset_lde_batch(&input, width, 2, shift).unwrap();
            assert_eq!(
                canonical(&bufs[slot(out)]),
                canonical(&expect),
                "LDE 2^{log_n}×{width} {shape:?}"
            );
        }
    }
}

#[test]
fn goldilocks_kernel_on_the_host_matches_the_cpu() {
    check::<Goldilocks>(12);
}

#[test]
fn bn254_fr_kernel_on_the_host_matches_the_cpu() {
    check::<Fr>(10);
}

#[test]
fn twiddle_kernel_builds_the_table() {
    // The powers kernel's table is the one the model uses (the NTT tests would also fail).
    let p = plan::twiddle_powers::<Goldilocks>(5).unwrap();
    let w = Goldilocks::two_adic_generator(5).unwrap();
    for m in 0..16u64 {
        assert_eq!(p.at(m), w.exp_u64(m));
    }
}
