//! Packed Goldilocks computes the very bits the scalar operations do (not only the same field
//! element), SIMD or not: the NTT's vector and scalar paths must agree exactly, and plonky2 and
//! the GPU see the raw u64s.

use carbide_field::{Field, Goldilocks, PackedField, PackedGoldilocks};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Raw values at every carry and borrow boundary, canonical and not.
fn raw_edges() -> Vec<u64> {
    let p = Goldilocks::ORDER;
    let mut v = vec![
        0,
        1,
        2,
        0xffff_ffff,
        0x1_0000_0000,
        0x1_0000_0001,
        1 << 63,
        (1 << 63) - 1,
    ];
    v.extend([p - 2, p - 1, p, p + 1, p + 2, u64::MAX - 1, u64::MAX]);
    v.extend([
        0xffff_ffff_0000_0000,
        0xffff_fffe_ffff_ffff,
        0x0000_0001_ffff_fffe,
    ]);
    v
}

fn run(a: &[u64], b: &[u64]) {
    let g = |v: &[u64]| -> Vec<Goldilocks> {
        v.iter()
            .map(|&x| Goldilocks::from_noncanonical_u64(x))
            .collect()
    };
    let (ga, gb) = (g(a), g(b));
    type Op<T> = fn(T, T) -> T;
    let ops: [(&str, Op<PackedGoldilocks>, Op<Goldilocks>); 3] = [
        ("add", |x, y| x + y, |x, y| x + y),
        ("sub", |x, y| x - y, |x, y| x - y),
        ("mul", |x, y| x * y, |x, y| x * y),
    ];
    for (name, packed, scalar) in ops {
        let got: Vec<u64> = PackedGoldilocks::vectorized(|| {
            let mut out = vec![Goldilocks::ZERO; ga.len()];
            for ((o, x), y) in out
                .chunks_exact_mut(8)
                .zip(ga.chunks_exact(8))
                .zip(gb.chunks_exact(8))
            {
                packed(PackedGoldilocks::load(x), PackedGoldilocks::load(y)).store(o);
            }
            out.iter().map(|x| x.as_noncanonical_u64()).collect()
        });
        for (i, (&x, &y)) in ga.iter().zip(&gb).enumerate().take(ga.len() / 8 * 8) {
            let want = scalar(x, y).as_noncanonical_u64();
            assert_eq!(
                got[i], want,
                "{name}({:#x}, {:#x}): packed {:#x}, scalar {want:#x}",
                a[i], b[i], got[i]
            );
        }
    }
}

#[test]
fn bit_identical_on_all_edge_pairs() {
    let e = raw_edges();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for &x in &e {
        for &y in &e {
            a.push(x);
            b.push(y);
        }
    }
    while a.len() % 8 != 0 {
        a.push(0);
        b.push(0);
    }
    run(&a, &b);
}

#[test]
fn bit_identical_on_random_raw_values() {
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let n = 1 << 16;
    // Uniform u64s (so 2^-32 of them non-canonical) and values crowded at the boundaries.
    let sample = |rng: &mut ChaCha8Rng| match rng.gen_range(0..4) {
        0 => rng.gen_range(Goldilocks::ORDER..=u64::MAX),
        1 => rng.gen_range(0..1u64 << 33),
        _ => rng.r#gen(),
    };
    let a: Vec<u64> = (0..n).map(|_| sample(&mut rng)).collect();
    let b: Vec<u64> = (0..n).map(|_| sample(&mut rng)).collect();
    run(&a, &b);
}

#[test]
fn simd_level_is_named() {
    assert!(["avx512", "avx2", "scalar", "portable"].contains(&carbide_field::simd_level()));
}

/// Rows turned into lanes: every width up to a few blocks of four and its leftover words,
/// rows longer than the width, raw values kept as they are (not reduced).
#[test]
fn transposed_rows_are_the_rows_lanes() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    for width in 0..=21 {
        let rows: Vec<Vec<Goldilocks>> = (0..8)
            .map(|l| {
                (0..width + l)
                    .map(|_| Goldilocks::from_noncanonical_u64(rng.r#gen()))
                    .collect()
            })
            .collect();
        let mut out = vec![PackedGoldilocks::default(); width];
        PackedGoldilocks::transpose_rows(core::array::from_fn(|l| &rows[l][..]), &mut out);
        for (k, o) in out.iter().enumerate() {
            for (l, row) in rows.iter().enumerate() {
                assert_eq!(
                    o.0[l].as_noncanonical_u64(),
                    row[k].as_noncanonical_u64(),
                    "width {width}, word {k}, row {l}"
                );
            }
        }
    }
}
