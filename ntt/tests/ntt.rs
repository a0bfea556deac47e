//! The NTTs against the naive DFT, ark-poly and plonky2, and the derived transforms against
//! direct polynomial evaluation, stamped out for every field.

use carbide_field::{Field, Goldilocks, GoldilocksExt2, TwoAdicField};
use carbide_ntt::{NaiveDft, Ntt, NttError, Radix2Dit, intt, ntt};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn random_vec<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

/// Horner evaluation of every column of a row-major coefficient batch at `x`.
fn eval_columns<F: Field>(coeffs: &[F], width: usize, x: F) -> Vec<F> {
    let mut acc = vec![F::ZERO; width];
    for row in coeffs.chunks(width).rev() {
        for (a, c) in acc.iter_mut().zip(row) {
            *a = *a * x + *c;
        }
    }
    acc
}

/// Row i of `got` holds the columns of `coeffs` evaluated at shift·ω^i, ω of order 2^log_size.
fn assert_coset_evaluations<F: TwoAdicField>(
    got: &[F],
    coeffs: &[F],
    width: usize,
    shift: F,
    log_size: usize,
) {
    assert_eq!(got.len(), width << log_size);
    let omega = F::two_adic_generator(log_size).unwrap();
    for (i, row) in got.chunks(width).enumerate() {
        let x = shift * omega.exp_u64(i as u64);
        assert_eq!(
            row,
            eval_columns(coeffs, width, x),
            "row {i} of 2^{log_size}"
        );
    }
}

fn matches_naive<F: TwoAdicField>(max_log: usize) {
    let fast = Radix2Dit::<F>::new();
    for log_n in 0..=max_log {
        for width in [1, 3] {
            let input: Vec<F> = random_vec((1 << log_n) * width, log_n as u64);
            let mut want = input.clone();
            NaiveDft.ntt_batch(&mut want, width).unwrap();
            let mut got = input.clone();
            fast.ntt_batch(&mut got, width).unwrap();
            assert_eq!(got, want, "2^{log_n} x {width}");
            if width == 1 {
                let mut single = input.clone();
                ntt(&mut single).unwrap();
                assert_eq!(single, want, "entry point 2^{log_n}");
            }
            // Edge columns: zeros, ones, −1s.
            let mut edges = vec![F::ZERO; (1 << log_n) * width];
            for (i, e) in edges.iter_mut().enumerate() {
                *e = match i % 3 {
                    0 => F::ZERO,
                    1 => F::ONE,
                    _ => -F::ONE,
                };
            }
            let mut want = edges.clone();
            NaiveDft.ntt_batch(&mut want, width).unwrap();
            fast.ntt_batch(&mut edges, width).unwrap();
            assert_eq!(edges, want, "edges 2^{log_n} x {width}");
        }
    }
}

fn round_trips<F: TwoAdicField>(max_log: usize) {
    let fast = Radix2Dit::<F>::new();
    for log_n in 0..=max_log {
        for width in [1, 2, 5] {
            let input: Vec<F> = random_vec((1 << log_n) * width, 100 + log_n as u64);
            let mut v = input.clone();
            fast.ntt_batch(&mut v, width).unwrap();
            fast.intt_batch(&mut v, width).unwrap();
            assert_eq!(v, input, "intt∘ntt 2^{log_n} x {width}");
            let mut v = input.clone();
            NaiveDft.intt_batch(&mut v, width).unwrap();
            fast.ntt_batch(&mut v, width).unwrap();
            assert_eq!(v, input, "ntt∘intt 2^{log_n} x {width}");
        }
        let input: Vec<F> = random_vec(1 << log_n, 7);
        let mut v = input.clone();
        ntt(&mut v).unwrap();
        intt(&mut v).unwrap();
        assert_eq!(v, input);
    }
}

fn coset_and_lde_match_evaluation<F: TwoAdicField>() {
    let fast = Radix2Dit::<F>::new();
    let shift = F::coset_shift();
    for log_n in 0..=6 {
        let n = 1 << log_n;
        let width = 3;
        let coeffs: Vec<F> = random_vec(n * width, 200 + log_n as u64);
        // Coset NTT: row i = P(shift·ω^i).
        let mut v = coeffs.clone();
        fast.coset_ntt_batch(&mut v, width, shift).unwrap();
        assert_coset_evaluations(&v, &coeffs, width, shift, log_n);
        fast.coset_intt_batch(&mut v, width, shift).unwrap();
        assert_eq!(v, coeffs, "coset round trip 2^{log_n}");

        // LDE: evaluations on H in, evaluations on shift·H' out, |H'| = n·2^bits.
        for bits in 0..=3 {
            let mut evals = coeffs.clone();
            fast.ntt_batch(&mut evals, width).unwrap();
            let lde = fast.coset_lde_batch(&evals, width, bits, shift).unwrap();
            assert_eq!(lde.len(), (n * width) << bits);
            assert_coset_evaluations(&lde, &coeffs, width, shift, log_n + bits);
            // The same rows in bit-reversed order.
            let bitrev = fast
                .coset_lde_batch_bitrev_output(&evals, width, bits, shift)
                .unwrap();
            let log_big = log_n + bits;
            for (i, row) in bitrev.chunks(width).enumerate() {
                let j = if log_big == 0 {
                    0
                } else {
                    i.reverse_bits() >> (usize::BITS as usize - log_big)
                };
                assert_eq!(
                    row,
                    &lde[j * width..(j + 1) * width],
                    "row {i} of 2^{log_big}"
                );
            }
        }
    }
}

fn refuses_bad_shapes<F: TwoAdicField>() {
    let fast = Radix2Dit::<F>::new();
    for len in [0usize, 3, 6, 12, 1000] {
        let mut v = vec![F::ONE; len];
        let before = v.clone();
        assert_eq!(
            ntt(&mut v),
            Err(NttError::NotPowerOfTwo { len }),
            "len {len}"
        );
        assert!(intt(&mut v).is_err());
        assert!(NaiveDft.ntt_batch(&mut v, 1).is_err());
        assert_eq!(v, before, "nothing changed on error");
    }
    let mut v = vec![F::ONE; 8];
    assert_eq!(
        fast.ntt_batch(&mut v, 0),
        Err(NttError::ShapeMismatch { len: 8, width: 0 })
    );
    assert_eq!(
        fast.ntt_batch(&mut v, 3),
        Err(NttError::ShapeMismatch { len: 8, width: 3 })
    );
    assert_eq!(
        fast.coset_intt_batch(&mut v, 1, F::ZERO),
        Err(NttError::ZeroShift)
    );
    assert_eq!(v, vec![F::ONE; 8]);
    let too_big = F::TWO_ADICITY + 1;
    assert_eq!(
        carbide_ntt::log_rows::<F>(1 << too_big, 1),
        Err(NttError::TooLarge {
            log_len: too_big,
            max_log_len: F::TWO_ADICITY
        })
    );
    assert!(matches!(
        fast.coset_lde_batch(&[F::ONE; 4], 1, F::TWO_ADICITY, F::coset_shift()),
        Err(NttError::TooLarge { .. })
    ));
    // n = 1 is the identity; n = 2 is (a + b, a − b).
    let mut one = vec![F::from_u64(5)];
    ntt(&mut one).unwrap();
    assert_eq!(one, vec![F::from_u64(5)]);
    let (a, b) = (F::from_u64(3), F::from_u64(10));
    let mut two = vec![a, b];
    ntt(&mut two).unwrap();
    assert_eq!(two, vec![a + b, a - b]);
}

/// The fused LDE equals the trait's default (inverse, pad, coset forward) computed by the naive
/// reference, for shapes that put its skipped stages inside the cached blocks, across them,
/// and past them (very wide batches: one-row blocks); and the bit-reversed variants equal the
/// natural-order transform with the reversal applied by hand.
fn lde_and_bitrev_match_reference<F: TwoAdicField>() {
    let fast = Radix2Dit::<F>::new();
    let shift = F::coset_shift();
    let rev = |i: usize, bits: usize| {
        if bits == 0 {
            0
        } else {
            i.reverse_bits() >> (usize::BITS as usize - bits)
        }
    };
    for (log_n, width, bits) in [
        (0, 1, 3),
        (3, 1, 0),
        (5, 2, 4),
        (7, 5, 1),
        (2, 1 << 13, 2),
        (1, 1 << 14, 3),
    ] {
        let evals: Vec<F> = random_vec((1 << log_n) * width, 700 + log_n as u64);
        let want = NaiveDft
            .coset_lde_batch(&evals, width, bits, shift)
            .unwrap();
        let got = fast.coset_lde_batch(&evals, width, bits, shift).unwrap();
        assert!(got == want, "LDE 2^{log_n} x {width}, blowup 2^{bits}");
    }
    for (log_n, width) in [(0, 1), (3, 2), (6, 1), (9, 1), (10, 3)] {
        let n = 1usize << log_n;
        let input: Vec<F> = random_vec(n * width, 800 + log_n as u64);
        let permuted = |v: &[F]| -> Vec<F> {
            (0..n)
                .flat_map(|i| v[rev(i, log_n) * width..][..width].to_vec())
                .collect()
        };
        let mut natural = input.clone();
        NaiveDft.ntt_batch(&mut natural, width).unwrap();
        let mut v = permuted(&input);
        fast.ntt_batch_bitrev_input(&mut v, width).unwrap();
        assert!(v == natural, "bit-reversed input 2^{log_n} x {width}");
        let mut v = input.clone();
        fast.ntt_batch_bitrev_output(&mut v, width).unwrap();
        assert!(
            v == permuted(&natural),
            "bit-reversed output 2^{log_n} x {width}"
        );
    }
    let evals = vec![F::ONE; 8];
    assert_eq!(
        fast.coset_lde_batch(&evals, 1, 1, F::ZERO),
        Err(NttError::ZeroShift)
    );
    assert_eq!(
        NaiveDft.coset_lde_batch(&evals, 1, 1, F::ZERO),
        Err(NttError::ZeroShift)
    );
}

/// One transform reused across extensions of every shape in turn, smaller after larger (its
/// kept coefficient buffer then holds another input's values, which must never be read):
/// each equals the reference's.
fn reused_transform_forgets_earlier_extensions<F: TwoAdicField>() {
    let fast = Radix2Dit::<F>::new();
    let shift = F::coset_shift();
    let shapes = [
        (9, 4, 1),
        (8, 1, 1),
        (7, 3, 2),
        (9, 4, 1),
        (6, 1, 3),
        (3, 2, 1),
        (10, 1, 1),
        (4, 5, 2),
    ];
    for (i, (log_n, width, bits)) in shapes.into_iter().enumerate() {
        let evals: Vec<F> = random_vec((1 << log_n) * width, 900 + i as u64);
        let want = NaiveDft
            .coset_lde_batch(&evals, width, bits, shift)
            .unwrap();
        let got = fast.coset_lde_batch(&evals, width, bits, shift).unwrap();
        assert!(
            got == want,
            "call {i}: LDE 2^{log_n} x {width}, blowup 2^{bits}"
        );
    }
}

macro_rules! ntt_suite {
    ($name:ident, $F:ty, $naive_log:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn matches_naive_up_to_the_limit() {
                matches_naive::<$F>($naive_log);
            }
            #[test]
            fn inverse_and_forward_round_trip() {
                round_trips::<$F>(12);
            }
            #[test]
            fn coset_and_lde() {
                coset_and_lde_match_evaluation::<$F>();
            }
            #[test]
            fn lde_and_bit_reversed_variants() {
                lde_and_bitrev_match_reference::<$F>();
            }
            #[test]
            fn bad_shapes() {
                refuses_bad_shapes::<$F>();
            }
            #[test]
            fn reused_transform() {
                reused_transform_forgets_earlier_extensions::<$F>();
            }
        }
    };
}

ntt_suite!(goldilocks, Goldilocks, 10);
ntt_suite!(goldilocks_ext2, GoldilocksExt2, 9);
ntt_suite!(bn254_fr, ark_bn254::Fr, 10);
ntt_suite!(bls12_381_fr, ark_bls12_381::Fr, 9);

/// Bit-identical to plonky2's `fft` and `ifft` at every size up to 2^20.
#[test]
fn goldilocks_matches_plonky2() {
    use plonky2_field::fft::{fft, ifft};
    use plonky2_field::goldilocks_field::GoldilocksField as P2;
    use plonky2_field::polynomial::{PolynomialCoeffs, PolynomialValues};
    for log_n in 0..=20 {
        let input: Vec<Goldilocks> = random_vec(1 << log_n, 300 + log_n as u64);
        let theirs = fft(PolynomialCoeffs::new(
            input.iter().map(|&x| P2::from(x)).collect(),
        ));
        let mut ours = input.clone();
        ntt(&mut ours).unwrap();
        let theirs: Vec<Goldilocks> = theirs.values.into_iter().map(Goldilocks::from).collect();
        assert_eq!(ours, theirs, "fft 2^{log_n}");
        let back = ifft(PolynomialValues::new(
            theirs.iter().map(|&x| P2::from(x)).collect(),
        ));
        intt(&mut ours).unwrap();
        let back: Vec<Goldilocks> = back.coeffs.into_iter().map(Goldilocks::from).collect();
        assert_eq!(ours, back, "ifft 2^{log_n}");
    }
}

/// Batches wide and long enough that the stages past the in-cache blocks take several passes
/// over memory (even and odd stage counts per pass), column by column against the
/// single-column four-step transform: the lanes of a packed vector and a row's leftover
/// columns included, and the LDE's stages skipped at the start.
#[test]
fn wide_batches_match_single_columns() {
    let fast = Radix2Dit::<Goldilocks>::new();
    let column = |m: &[Goldilocks], width: usize, c: usize| -> Vec<Goldilocks> {
        m.iter().skip(c).step_by(width).copied().collect()
    };
    for (log_n, width) in [(15, 64), (16, 300), (17, 100), (14, 1000), (12, 2000)] {
        let input: Vec<Goldilocks> = random_vec((1 << log_n) * width, 900 + log_n as u64);
        let mut batch = input.clone();
        fast.ntt_batch(&mut batch, width).unwrap();
        let shift = Goldilocks::coset_shift();
        let lde = fast.coset_lde_batch(&input, width, 1, shift).unwrap();
        let columns = (0..9).chain([width / 2 + 3, width - 5, width - 1]);
        for c in columns {
            let mut want = column(&input, width, c);
            fast.ntt_batch(&mut want, 1).unwrap();
            assert!(
                column(&batch, width, c) == want,
                "2^{log_n} x {width}, column {c}"
            );
            let want = fast
                .coset_lde_batch(&column(&input, width, c), 1, 1, shift)
                .unwrap();
            assert!(
                column(&lde, width, c) == want,
                "LDE 2^{log_n} x {width}, column {c}"
            );
        }
    }
}

/// Bit-identical to ark-poly's `fft_in_place` and `ifft_in_place` up to 2^20.
fn matches_ark_poly<F: TwoAdicField + ark_ff::FftField>() {
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    for log_n in (0..=16).chain([18, 20]) {
        let input: Vec<F> = random_vec(1 << log_n, 400 + log_n as u64);
        let domain = Radix2EvaluationDomain::<F>::new(1 << log_n).unwrap();
        let mut theirs = input.clone();
        domain.fft_in_place(&mut theirs);
        let mut ours = input.clone();
        ntt(&mut ours).unwrap();
        assert_eq!(ours, theirs, "fft 2^{log_n}");
        domain.ifft_in_place(&mut theirs);
        intt(&mut ours).unwrap();
        assert_eq!(ours, theirs, "ifft 2^{log_n}");
        assert_eq!(ours, input);
    }
}

#[test]
fn bn254_fr_matches_ark_poly() {
    matches_ark_poly::<ark_bn254::Fr>();
}

#[test]
fn bls12_381_fr_matches_ark_poly() {
    matches_ark_poly::<ark_bls12_381::Fr>();
}

/// Columns of a batch transform independently: the batch equals column-by-column.
#[test]
fn batch_equals_columns() {
    let fast = Radix2Dit::<Goldilocks>::new();
    for (log_n, width) in [(4, 7), (11, 2), (14, 3), (16, 64)] {
        let n = 1 << log_n;
        let batch: Vec<Goldilocks> = random_vec(n * width, 500);
        let mut got = batch.clone();
        fast.ntt_batch(&mut got, width).unwrap();
        for c in 0..width {
            let mut col: Vec<Goldilocks> = batch.iter().skip(c).step_by(width).copied().collect();
            ntt(&mut col).unwrap();
            let got_col: Vec<Goldilocks> = got.iter().skip(c).step_by(width).copied().collect();
            assert_eq!(got_col, col, "column {c} of 2^{log_n} x {width}");
        }
    }
}

/// The batched LDE equals plonky2's `lde_onto_coset` column by column (blowup 4, its shift).
#[test]
fn lde_matches_plonky2_column_by_column() {
    use plonky2_field::goldilocks_field::GoldilocksField as P2;
    use plonky2_field::polynomial::PolynomialValues;
    let fast = Radix2Dit::<Goldilocks>::new();
    let (log_n, width, bits) = (10, 16, 2);
    let evals: Vec<Goldilocks> = random_vec((1 << log_n) * width, 600);
    let lde = fast
        .coset_lde_batch(&evals, width, bits, Goldilocks::coset_shift())
        .unwrap();
    for c in 0..width {
        let col: Vec<P2> = evals
            .iter()
            .skip(c)
            .step_by(width)
            .map(|&x| x.into())
            .collect();
        let theirs = PolynomialValues::new(col).lde_onto_coset(bits);
        let ours: Vec<Goldilocks> = lde.iter().skip(c).step_by(width).copied().collect();
        let theirs: Vec<Goldilocks> = theirs.values.into_iter().map(Goldilocks::from).collect();
        assert_eq!(ours, theirs, "column {c}");
    }
}
