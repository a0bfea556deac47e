//! The launch plans, run by the CPU model of the kernel, against carbide-ntt's CPU transforms:
//! every size up to 2^12 with the kernels' shapes and with tiny shared memory (many passes at
//! small sizes), one and several columns, forward, inverse, cosets and LDE.

use ark_bn254::Fr;
use carbide_field::{Field, Goldilocks, TwoAdicField};
use carbide_ntt::{Ntt, Radix2Dit};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::model;
use super::plan::{self, Buf, Launch, Op, Shape};
use crate::field::GpuField;

pub(super) fn random<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

pub(super) fn shapes<F: GpuField>() -> [Shape; 3] {
    [
        Shape {
            shared_log: F::SHARED_LOG,
            coalesce_log: F::COALESCE_LOG,
        },
        Shape {
            shared_log: 3,
            coalesce_log: 1,
        },
        Shape {
            shared_log: 4,
            coalesce_log: 2,
        },
    ]
}

/// `op` by the CPU NTT, in place.
pub(super) fn cpu_apply<F: TwoAdicField>(op: Op<F>, values: &mut [F], width: usize) {
    let cpu = Radix2Dit::<F>::new();
    match op {
        Op::Forward => cpu.ntt_batch(values, width),
        Op::Inverse => cpu.intt_batch(values, width),
        Op::Coset(s) => cpu.coset_ntt_batch(values, width, s),
        Op::CosetInverse(s) => cpu.coset_intt_batch(values, width, s),
    }
    .unwrap();
}

fn execute<F: TwoAdicField>(launches: &[Launch<F>], bufs: &mut [Vec<F>; 3], log_n: u32) {
    let tw_log = log_n.max(1);
    let p = plan::twiddle_powers::<F>(tw_log).unwrap();
    let tw: Vec<F> = (0..1u64 << (tw_log - 1)).map(|m| p.at(m)).collect();
    model::run(launches, bufs, &tw, tw_log);
}

fn check_in_place<F: GpuField>(max_log: u32) {
    let shift = F::coset_shift();
    for shape in shapes::<F>() {
        for log_n in 0..=max_log {
            for width in [1usize, 3] {
                let n = 1usize << log_n;
                let input: Vec<F> = random(n * width, u64::from(log_n) * 7 + width as u64);
                let ops = [
                    Op::Forward,
                    Op::Inverse,
                    Op::Coset(shift),
                    Op::CosetInverse(shift),
                ];
                for op in ops {
                    let mut expect = input.clone();
                    cpu_apply(op, &mut expect, width);
                    let launches = plan::in_place(shape, log_n, width, op);
                    let mut bufs = [input.clone(), vec![F::ZERO; n * width], Vec::new()];
                    execute(&launches, &mut bufs, log_n);
                    assert_eq!(bufs[0], expect, "{op:?} 2^{log_n}×{width} {shape:?}");
                }
            }
        }
    }
}

fn check_lde<F: GpuField>(max_log: u32) {
    let cpu = Radix2Dit::<F>::new();
    let shift = F::coset_shift();
    for shape in shapes::<F>() {
        for log_n in 0..=max_log {
            for added in [1u32, 2] {
                let width = 2;
                let n = 1usize << log_n;
                let big = n << added;
                let input: Vec<F> = random(n * width, 99 + u64::from(log_n));
                let expect = cpu
                    .coset_lde_batch(&input, width, added as usize, shift)
                    .unwrap();
                let (launches, out) = plan::lde(shape, log_n, width, added, shift);
                let mut bufs = [
                    input.clone(),
                    vec![F::ZERO; big * width],
                    vec![F::ZERO; big * width],
                ];
                execute(&launches, &mut bufs, log_n + added);
                let got = &bufs[match out {
                    Buf::A => 0,
                    Buf::B => 1,
                    Buf::C => 2,
                }];
                assert_eq!(got, &expect, "LDE 2^{log_n}+{added} {shape:?}");
            }
        }
    }
}

#[test]
fn goldilocks_plans_match_the_cpu() {
    check_in_place::<Goldilocks>(12);
}

#[test]
fn bn254_fr_plans_match_the_cpu() {
    check_in_place::<Fr>(10);
}

#[test]
fn goldilocks_lde_plans_match_the_cpu() {
    check_lde::<Goldilocks>(10);
}

#[test]
fn bn254_fr_lde_plans_match_the_cpu() {
    check_lde::<Fr>(8);
}

#[test]
fn a_smaller_transform_reads_a_larger_twiddle_table() {
    // One table for the largest size in use serves every smaller one (strided reads).
    let cpu = Radix2Dit::<Goldilocks>::new();
    for shape in shapes::<Goldilocks>() {
        for (log_n, tw_log) in [(3u32, 9u32), (6, 7), (1, 5)] {
            let n = 1usize << log_n;
            for op in [Op::Forward, Op::Inverse] {
                let input: Vec<Goldilocks> = random(n, 5);
                let mut expect = input.clone();
                if op == Op::Forward {
                    cpu.ntt_batch(&mut expect, 1).unwrap();
                } else {
                    cpu.intt_batch(&mut expect, 1).unwrap();
                }
                let launches = plan::in_place(shape, log_n, 1, op);
                let mut bufs = [input, vec![Goldilocks::ZERO; n], Vec::new()];
                let p = plan::twiddle_powers::<Goldilocks>(tw_log).unwrap();
                let tw: Vec<Goldilocks> = (0..1u64 << (tw_log - 1)).map(|m| p.at(m)).collect();
                model::run(&launches, &mut bufs, &tw, tw_log);
                assert_eq!(bufs[0], expect);
            }
        }
    }
}
