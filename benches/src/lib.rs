//! carbide-benches: carbide raced against its peers (plonky2's Goldilocks, arkworks' BN254 Fr).
//!
//! Every comparison is a [`Race`]: one workload, carbide's contender(s) and the peer's, each an
//! out-of-line loop over the same inputs, so inlining favours no side. Two drivers run the
//! same races:
//! - the criterion bench (`cargo bench -p carbide-benches --bench field`), one group per race;
//! - `race` (`cargo run --release -p carbide-benches --bin race -- --suite field|ntt`), which
//!   interleaves the contenders in short alternating bursts and reports the median of the
//!   per-round ratios, so load from other tenants of a shared machine hits both sides alike.

use std::hint::black_box;
use std::ops::{Add, Mul, MulAssign};

pub mod driver;
pub mod gpu;

use ark_bn254::Fr;
use carbide_field::{Field, Goldilocks, GoldilocksExt2, par_batch_inverse};
use plonky2_field::extension::quadratic::QuadraticExtension;
use plonky2_field::goldilocks_field::GoldilocksField as P2;
use plonky2_field::types::Field as P2Field;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

type P2Ext = QuadraticExtension<P2>;

/// Elements per slice workload: 32 KiB of Goldilocks, resident in L1/L2.
pub const N: usize = 1 << 12;
/// Elements for batch inversion.
pub const BATCH: usize = 1 << 16;

/// One side of a race.
pub struct Contender {
    /// `carbide…` for ours, the peer's name otherwise.
    pub name: &'static str,
    /// One run of the workload.
    pub run: Box<dyn FnMut()>,
}

/// One workload and the contenders that race on it.
pub struct Race {
    /// `field/operation`, e.g. `goldilocks/mul`.
    pub group: &'static str,
    /// Field elements processed per run (for throughput figures).
    pub elements: u64,
    /// carbide's contender(s) first, then the peer's.
    pub contenders: Vec<Contender>,
}

fn contender(name: &'static str, run: impl FnMut() + 'static) -> Contender {
    Contender {
        name,
        run: Box::new(run),
    }
}

/// `n` random elements from a fixed seed, so every run races on the same inputs.
pub fn random_vec<F: Field>(n: usize, seed: u64) -> Vec<F> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| F::random(&mut rng)).collect()
}

/// `out[i] = a[i] · b[i]`. Generic over the operator, so carbide's fields and the peers' types
/// run the same loop (each instance out of line: inlining favours no side).
#[inline(never)]
pub fn mul_slices<T: Copy + Mul<Output = T>>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x * *y;
    }
}

/// `out[i] = a[i] + b[i]`.
#[inline(never)]
pub fn add_slices<T: Copy + Add<Output = T>>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = *x + *y;
    }
}

/// `x ← x·y`, `n` times: a dependent chain, so this measures latency, not throughput.
#[inline(never)]
pub fn mul_chain<T: Copy + MulAssign>(mut x: T, y: T, n: usize) -> T {
    for _ in 0..n {
        x *= y;
    }
    x
}

/// `out[i] = a[i]⁻¹` one inversion at a time, through the type's own inverse (zero for zero).
#[inline(never)]
pub fn invert_each<T: Copy + Default>(a: &[T], out: &mut [T], inv: impl Fn(&T) -> Option<T>) {
    for (o, x) in out.iter_mut().zip(a) {
        *o = inv(x).unwrap_or_default();
    }
}

/// A binary slice operation raced between ours (on `F`) and a peer (on `P`), on the same bits.
fn slice_race<F: Field, P: Copy + Default + 'static>(
    group: &'static str,
    peer_name: &'static str,
    seed: u64,
    to_peer: fn(F) -> P,
    ours: fn(&[F], &[F], &mut [F]),
    theirs: fn(&[P], &[P], &mut [P]),
) -> Race {
    let (a, b): (Vec<F>, Vec<F>) = (random_vec(N, seed), random_vec(N, seed + 1));
    let (pa, pb): (Vec<P>, Vec<P>) = (
        a.iter().map(|&x| to_peer(x)).collect(),
        b.iter().map(|&x| to_peer(x)).collect(),
    );
    let mut out = vec![F::ZERO; N];
    let mut pout = vec![P::default(); N];
    Race {
        group,
        elements: N as u64,
        contenders: vec![
            contender("carbide", move || {
                ours(black_box(&a), black_box(&b), black_box(&mut out))
            }),
            contender(peer_name, move || {
                theirs(black_box(&pa), black_box(&pb), black_box(&mut pout))
            }),
        ],
    }
}

/// One-at-a-time inversion of 256 elements, ours against a peer.
fn inverse_race<F: Field, P: Copy + Default + 'static>(
    group: &'static str,
    peer_name: &'static str,
    to_peer: fn(F) -> P,
    peer_inverse: fn(&P) -> Option<P>,
) -> Race {
    const M: usize = 256;
    let a: Vec<F> = random_vec(M, 40);
    let pa: Vec<P> = a.iter().map(|&x| to_peer(x)).collect();
    let (mut out, mut pout) = (vec![F::ZERO; M], vec![P::default(); M]);
    Race {
        group,
        elements: M as u64,
        contenders: vec![
            contender("carbide", move || {
                invert_each(black_box(&a), black_box(&mut out), F::try_inverse)
            }),
            contender(peer_name, move || {
                invert_each(black_box(&pa), black_box(&mut pout), peer_inverse)
            }),
        ],
    }
}

/// Every field race, in report order.
pub fn field_races() -> Vec<Race> {
    let to_p2 = |x: Goldilocks| P2::from(x);
    let to_p2_ext = |x: GoldilocksExt2| P2Ext::from(x);
    let same = |x: Fr| x;
    let mut races = vec![
        slice_race(
            "goldilocks/mul",
            "plonky2",
            1,
            to_p2,
            mul_slices,
            mul_slices,
        ),
        slice_race(
            "goldilocks/add",
            "plonky2",
            3,
            to_p2,
            add_slices,
            add_slices,
        ),
    ];

    let (x, y): (Goldilocks, Goldilocks) = (random_vec(1, 5)[0], random_vec(1, 6)[0]);
    let (px, py) = (P2::from(x), P2::from(y));
    races.push(Race {
        group: "goldilocks/mul-chain",
        elements: N as u64,
        contenders: vec![
            contender("carbide", move || {
                black_box(mul_chain(black_box(x), black_box(y), N));
            }),
            contender("plonky2", move || {
                black_box(mul_chain(black_box(px), black_box(py), N));
            }),
        ],
    });
    races.push(inverse_race(
        "goldilocks/inverse",
        "plonky2",
        to_p2,
        |x: &P2| x.try_inverse(),
    ));

    let big: Vec<Goldilocks> = random_vec(BATCH, 7);
    let big_p2: Vec<P2> = big.iter().map(|&x| x.into()).collect();
    let mut with_zero = big.clone();
    with_zero[BATCH / 2] = Goldilocks::ZERO;
    let big2 = big.clone();
    races.push(Race {
        group: "goldilocks/batch-inverse-2^16",
        elements: BATCH as u64,
        contenders: vec![
            contender("carbide", move || {
                black_box(Goldilocks::batch_inverse(black_box(&big)));
            }),
            contender("carbide-parallel", move || {
                black_box(par_batch_inverse(black_box(&big2)));
            }),
            contender("carbide-with-a-zero", move || {
                black_box(Goldilocks::batch_inverse(black_box(&with_zero)));
            }),
            contender("plonky2", move || {
                black_box(P2::batch_multiplicative_inverse(black_box(&big_p2)));
            }),
        ],
    });

    races.push(slice_race(
        "goldilocks-ext2/mul",
        "plonky2",
        9,
        to_p2_ext,
        mul_slices,
        mul_slices,
    ));
    races.push(inverse_race(
        "goldilocks-ext2/inverse",
        "plonky2",
        to_p2_ext,
        |x: &P2Ext| x.try_inverse(),
    ));

    races.push(slice_race(
        "bn254-fr/mul",
        "arkworks",
        11,
        same,
        mul_slices,
        mul_slices,
    ));
    races.push(slice_race(
        "bn254-fr/add",
        "arkworks",
        13,
        same,
        add_slices,
        add_slices,
    ));
    races.push(inverse_race(
        "bn254-fr/inverse",
        "arkworks",
        same,
        ark_ff::Field::inverse,
    ));

    let big: Vec<Fr> = random_vec(BATCH, 15);
    let (b1, b2, b3) = (big.clone(), big.clone(), big.clone());
    races.push(Race {
        group: "bn254-fr/batch-inverse-2^16",
        elements: BATCH as u64,
        contenders: vec![
            contender("carbide", move || {
                black_box(Fr::batch_inverse(black_box(&big)));
            }),
            contender("carbide-parallel", move || {
                black_box(par_batch_inverse(black_box(&b1)));
            }),
            contender("arkworks-serial", move || {
                let mut v = black_box(&b2).clone();
                ark_ff::serial_batch_inversion_and_mul(&mut v, &Fr::from(1u64));
                black_box(v);
            }),
            contender("arkworks-parallel", move || {
                let mut v = black_box(&b3).clone();
                ark_ff::batch_inversion(&mut v);
                black_box(v);
            }),
        ],
    });
    races
}

/// NTT races: Goldilocks against plonky2's `fft`, BN254 Fr against ark-poly's (parallel)
/// `fft_in_place`, and the STARK commit path (LDE of 64 columns, blowup 4, on a coset) against
/// plonky2's `lde_onto_coset` column by column. plonky2 consumes its input, so both sides of
/// its races start from a fresh copy each run.
pub fn ntt_races() -> Vec<Race> {
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    use carbide_ntt::{Ntt, Radix2Dit};
    use plonky2_field::polynomial::{PolynomialCoeffs, PolynomialValues};

    let mut races = Vec::new();
    for (group, log_n) in [
        ("ntt/goldilocks-2^16", 16),
        ("ntt/goldilocks-2^20", 20),
        ("ntt/goldilocks-2^22", 22),
    ] {
        // Both transform one buffer in place, run after run (each run's input is the last
        // run's output): no allocation or copy is timed. plonky2's `fft` takes its buffer by
        // value and hands it back.
        let mut ours: Vec<Goldilocks> = random_vec(1 << log_n, 50 + log_n as u64);
        let mut theirs: Vec<P2> = ours.iter().map(|&x| x.into()).collect();
        races.push(Race {
            group,
            elements: 1 << log_n,
            contenders: vec![
                contender("carbide", move || {
                    carbide_ntt::ntt(black_box(&mut ours)).unwrap_or_default();
                }),
                contender("plonky2", move || {
                    let p = PolynomialCoeffs::new(std::mem::take(black_box(&mut theirs)));
                    theirs = plonky2_field::fft::fft(p).values;
                }),
            ],
        });
    }
    for (group, log_n) in [("ntt/bn254-fr-2^16", 16), ("ntt/bn254-fr-2^20", 20)] {
        let mut ours: Vec<Fr> = random_vec(1 << log_n, 60 + log_n as u64);
        let mut theirs = ours.clone();
        let domain = Radix2EvaluationDomain::<Fr>::new(1 << log_n);
        races.push(Race {
            group,
            elements: 1 << log_n,
            contenders: vec![
                contender("carbide", move || {
                    carbide_ntt::ntt(black_box(&mut ours)).unwrap_or_default();
                }),
                contender("ark-poly", move || {
                    if let Some(d) = &domain {
                        d.fft_in_place(black_box(&mut theirs));
                    }
                }),
            ],
        });
    }
    let (log_n, width, bits) = (16, 64, 2);
    let evals: Vec<Goldilocks> = random_vec((1 << log_n) * width, 70);
    let columns: Vec<Vec<P2>> = (0..width)
        .map(|c| {
            evals
                .iter()
                .skip(c)
                .step_by(width)
                .map(|&x| x.into())
                .collect()
        })
        .collect();
    let dft = Radix2Dit::<Goldilocks>::new();
    races.push(Race {
        group: "lde/goldilocks-64x2^16-blowup4",
        elements: ((1 << log_n) * width) as u64,
        contenders: vec![
            contender("carbide", move || {
                let shift = <Goldilocks as carbide_field::TwoAdicField>::coset_shift();
                black_box(
                    dft.coset_lde_batch(black_box(&evals), width, bits, shift)
                        .ok(),
                );
            }),
            contender("plonky2", move || {
                for col in black_box(&columns) {
                    black_box(PolynomialValues::new(col.clone()).lde_onto_coset(bits));
                }
            }),
        ],
    });
    races
}

/// `n` independent random BN254 G1 points (`r_i·G` by ark-ec's windowed `batch_mul`) and
/// random scalars.
pub fn msm_inputs(n: usize, seed: u64) -> (Vec<ark_bn254::G1Affine>, Vec<Fr>) {
    use ark_ec::PrimeGroup;
    use ark_ec::scalar_mul::ScalarMul;
    use ark_ff::UniformRand;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let exponents: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let points = ark_bn254::G1Projective::generator().batch_mul(&exponents);
    let scalars = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    (points, scalars)
}

/// BN254 G1 MSM against ark-ec's `VariableBaseMSM::msm` (rayon-parallel), same points and
/// scalars on both sides.
pub fn msm_races() -> Vec<Race> {
    use ark_ec::VariableBaseMSM;
    let mut races = Vec::new();
    for (group, log_n) in [
        ("msm/bn254-g1-2^16", 16),
        ("msm/bn254-g1-2^18", 18),
        ("msm/bn254-g1-2^20", 20),
    ] {
        let (bases, scalars) = msm_inputs(1 << log_n, 80 + log_n as u64);
        let (b2, s2) = (bases.clone(), scalars.clone());
        races.push(Race {
            group,
            elements: 1 << log_n,
            contenders: vec![
                contender("carbide", move || {
                    black_box(carbide_msm::msm(black_box(&bases), black_box(&scalars)).ok());
                }),
                contender("ark-ec", move || {
                    black_box(ark_bn254::G1Projective::msm(black_box(&b2), black_box(&s2)).ok());
                }),
            ],
        });
    }
    races
}
