#![allow(missing_docs)] // criterion_main! generates undocumented items.
//! Field arithmetic, carbide against its peers in the same criterion groups:
//! Goldilocks and its extension against plonky2, BN254 Fr (through carbide's traits) against
//! arkworks. Each group's functions are `carbide` and the peer's name.

use std::hint::black_box;

use carbide_benches::{add_slices, mul_chain, mul_slices, random_vec};
use carbide_field::{Field, Goldilocks, GoldilocksExt2, par_batch_inverse_in_place};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use plonky2_field::extension::quadratic::QuadraticExtension;
use plonky2_field::goldilocks_field::GoldilocksField as P2;
use plonky2_field::types::Field as P2Field;

type P2Ext = QuadraticExtension<P2>;

const N: usize = 1 << 12;
const CHAIN: usize = 1 << 12;
const BATCH: usize = 1 << 16;

/// The plonky2 side of a slice loop, on the same bits as ours. Every loop, ours and the
/// peers', is an out-of-line function, so inlining into criterion's closure favours neither.
#[inline(never)]
fn p2_mul_slices(a: &[P2], b: &[P2], out: &mut [P2]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x * *y;
    }
}

#[inline(never)]
fn p2_add_slices(a: &[P2], b: &[P2], out: &mut [P2]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x + *y;
    }
}

#[inline(never)]
fn p2_mul_chain(mut x: P2, y: P2, n: usize) -> P2 {
    for _ in 0..n {
        x *= y;
    }
    x
}

#[inline(never)]
fn p2_ext_mul_slices(a: &[P2Ext], b: &[P2Ext], out: &mut [P2Ext]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x * *y;
    }
}

#[inline(never)]
fn ark_mul_slices(a: &[ark_bn254::Fr], b: &[ark_bn254::Fr], out: &mut [ark_bn254::Fr]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x * y;
    }
}

#[inline(never)]
fn ark_add_slices(a: &[ark_bn254::Fr], b: &[ark_bn254::Fr], out: &mut [ark_bn254::Fr]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x + y;
    }
}

fn goldilocks(c: &mut Criterion) {
    let a: Vec<Goldilocks> = random_vec(N, 1);
    let b: Vec<Goldilocks> = random_vec(N, 2);
    let pa: Vec<P2> = a.iter().map(|&x| x.into()).collect();
    let pb: Vec<P2> = b.iter().map(|&x| x.into()).collect();

    let mut g = c.benchmark_group("goldilocks/mul");
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![Goldilocks::ZERO; N];
    g.bench_function("carbide", |bn| {
        bn.iter(|| mul_slices(black_box(&a), black_box(&b), &mut out))
    });
    let mut pout = vec![P2::ZERO; N];
    g.bench_function("plonky2", |bn| {
        bn.iter(|| p2_mul_slices(black_box(&pa), black_box(&pb), &mut pout))
    });
    g.finish();

    let mut g = c.benchmark_group("goldilocks/mul-chain");
    g.throughput(Throughput::Elements(CHAIN as u64));
    g.bench_function("carbide", |bn| {
        bn.iter(|| mul_chain(black_box(a[0]), black_box(b[0]), CHAIN))
    });
    g.bench_function("plonky2", |bn| {
        bn.iter(|| p2_mul_chain(black_box(pa[0]), black_box(pb[0]), CHAIN))
    });
    g.finish();

    let mut g = c.benchmark_group("goldilocks/add");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("carbide", |bn| {
        bn.iter(|| add_slices(black_box(&a), black_box(&b), &mut out))
    });
    g.bench_function("plonky2", |bn| {
        bn.iter(|| p2_add_slices(black_box(&pa), black_box(&pb), &mut pout))
    });
    g.finish();

    let mut g = c.benchmark_group("goldilocks/inverse");
    g.bench_function("carbide", |bn| bn.iter(|| black_box(a[7]).try_inverse()));
    g.bench_function("plonky2", |bn| bn.iter(|| black_box(pa[7]).try_inverse()));
    g.finish();

    let big_a: Vec<Goldilocks> = random_vec(BATCH, 3);
    let big_pa: Vec<P2> = big_a.iter().map(|&x| x.into()).collect();
    // One zero forces the zero-aware pass after the optimistic one: the worst case.
    let mut with_zero = big_a.clone();
    with_zero[BATCH / 2] = Goldilocks::ZERO;
    let mut g = c.benchmark_group("goldilocks/batch-inverse-2^16");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("carbide", |bn| {
        bn.iter(|| Goldilocks::batch_inverse(black_box(&big_a)))
    });
    g.bench_function("carbide-with-zero", |bn| {
        bn.iter(|| Goldilocks::batch_inverse(black_box(&with_zero)))
    });
    g.bench_function("carbide-parallel", |bn| {
        bn.iter_batched_ref(
            || big_a.clone(),
            |v| par_batch_inverse_in_place(v),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("plonky2", |bn| {
        bn.iter(|| P2::batch_multiplicative_inverse(black_box(&big_pa)))
    });
    g.finish();
}

fn goldilocks_ext2(c: &mut Criterion) {
    let a: Vec<GoldilocksExt2> = random_vec(N, 4);
    let b: Vec<GoldilocksExt2> = random_vec(N, 5);
    let pa: Vec<P2Ext> = a.iter().map(|&x| x.into()).collect();
    let pb: Vec<P2Ext> = b.iter().map(|&x| x.into()).collect();

    let mut g = c.benchmark_group("goldilocks-ext2/mul");
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![GoldilocksExt2::ZERO; N];
    g.bench_function("carbide", |bn| {
        bn.iter(|| mul_slices(black_box(&a), black_box(&b), &mut out))
    });
    let mut pout = vec![P2Ext::ZERO; N];
    g.bench_function("plonky2", |bn| {
        bn.iter(|| p2_ext_mul_slices(black_box(&pa), black_box(&pb), &mut pout))
    });
    g.finish();

    let mut g = c.benchmark_group("goldilocks-ext2/inverse");
    g.bench_function("carbide", |bn| bn.iter(|| black_box(a[7]).try_inverse()));
    g.bench_function("plonky2", |bn| bn.iter(|| black_box(pa[7]).try_inverse()));
    g.finish();
}

fn bn254_fr(c: &mut Criterion) {
    use ark_bn254::Fr;
    let a: Vec<Fr> = random_vec(N, 6);
    let b: Vec<Fr> = random_vec(N, 7);

    let mut g = c.benchmark_group("bn254-fr/mul");
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![Fr::from(0u64); N];
    g.bench_function("carbide", |bn| {
        bn.iter(|| mul_slices(black_box(&a), black_box(&b), &mut out))
    });
    g.bench_function("arkworks", |bn| {
        bn.iter(|| ark_mul_slices(black_box(&a), black_box(&b), &mut out))
    });
    g.finish();

    let mut g = c.benchmark_group("bn254-fr/add");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("carbide", |bn| {
        bn.iter(|| add_slices(black_box(&a), black_box(&b), &mut out))
    });
    g.bench_function("arkworks", |bn| {
        bn.iter(|| ark_add_slices(black_box(&a), black_box(&b), &mut out))
    });
    g.finish();

    let mut g = c.benchmark_group("bn254-fr/inverse");
    g.bench_function("carbide", |bn| {
        bn.iter(|| Field::try_inverse(&black_box(a[7])))
    });
    g.bench_function("arkworks", |bn| {
        bn.iter(|| ark_ff::Field::inverse(&black_box(a[7])))
    });
    g.finish();

    let big: Vec<Fr> = random_vec(BATCH, 8);
    let mut g = c.benchmark_group("bn254-fr/batch-inverse-2^16");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("carbide", |bn| {
        bn.iter_batched_ref(
            || big.clone(),
            |v| carbide_field::montgomery_batch_inverse_in_place(v),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("carbide-parallel", |bn| {
        bn.iter_batched_ref(
            || big.clone(),
            |v| par_batch_inverse_in_place(v),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("arkworks-serial", |bn| {
        bn.iter_batched_ref(
            || big.clone(),
            |v| ark_ff::serial_batch_inversion_and_mul(v, &Fr::from(1u64)),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("arkworks-parallel", |bn| {
        bn.iter_batched_ref(
            || big.clone(),
            |v| ark_ff::batch_inversion(v),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, goldilocks, goldilocks_ext2, bn254_fr);
criterion_main!(benches);
