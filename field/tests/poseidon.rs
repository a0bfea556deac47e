//! Poseidon against plonky2: its published test vectors for the permutation, then the
//! permutation, `hash_no_pad` (every length 0..=40), `hash_or_noop` and `two_to_one` on
//! random and edge inputs, compared with plonky2's own functions.

use carbide_field::poseidon::{self, WIDTH};
use carbide_field::{Field, Goldilocks};
use plonky2::field::goldilocks_field::GoldilocksField as P2;
use plonky2::field::types::{Field as _, PrimeField64 as _};
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::{Poseidon, PoseidonHash};
use plonky2::plonk::config::Hasher;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn to_p2(x: Goldilocks) -> P2 {
    P2::from_canonical_u64(x.as_canonical_u64())
}

fn from_p2(x: P2) -> Goldilocks {
    Goldilocks::new(x.to_canonical_u64())
}

#[test]
fn plonky2_test_vectors() {
    let neg_one = Goldilocks::NEG_ONE.as_canonical_u64();
    let vectors: [([u64; 12], [u64; 12]); 4] = [
        (
            [0; 12],
            [
                0x3c18a9786cb0b359,
                0xc4055e3364a246c3,
                0x7953db0ab48808f4,
                0xc71603f33a1144ca,
                0xd7709673896996dc,
                0x46a84e87642f44ed,
                0xd032648251ee0b3c,
                0x1c687363b207df62,
                0xdf8565563e8045fe,
                0x40f5b37ff4254dae,
                0xd070f637b431067c,
                0x1792b1c4342109d7,
            ],
        ),
        (
            core::array::from_fn(|i| i as u64),
            [
                0xd64e1e3efc5b8e9e,
                0x53666633020aaa47,
                0xd40285597c6a8825,
                0x613a4f81e81231d2,
                0x414754bfebd051f0,
                0xcb1f8980294a023f,
                0x6eb2a9e4d54a9d0f,
                0x1902bc3af467e056,
                0xf045d5eafdc6021f,
                0xe4150f77caaa3be5,
                0xc9bfd01d39b50cce,
                0x5c0a27fcb0e1459b,
            ],
        ),
        (
            [neg_one; 12],
            [
                0xbe0085cfc57a8357,
                0xd95af71847d05c09,
                0xcf55a13d33c1c953,
                0x95803a74f4530e82,
                0xfcd99eb30a135df1,
                0xe095905e913a3029,
                0xde0392461b42919b,
                0x7d3260e24e81d031,
                0x10d3d0465d9deaa0,
                0xa87571083dfc2a47,
                0xe18263681e9958f8,
                0xe28e96f1ae5e60d3,
            ],
        ),
        (
            [
                0x8ccbbbea4fe5d2b7,
                0xc2af59ee9ec49970,
                0x90f7e1a9e658446a,
                0xdcc0630a3ab8b1b8,
                0x7ff8256bca20588c,
                0x5d99a7ca0c44ecfb,
                0x48452b17a70fbee3,
                0xeb09d654690b6c88,
                0x4a55d3a39c676a88,
                0xc0407a38d2285139,
                0xa234bac9356386d1,
                0xe1633f2bad98a52f,
            ],
            [
                0xa89280105650c4ec,
                0xab542d53860d12ed,
                0x5704148e9ccab94f,
                0xd3a826d4b62da9f5,
                0x8a7a6ca87892574f,
                0xc7017e1cad1a674e,
                0x1f06668922318e34,
                0xa3b203bc8102676f,
                0xfcc781b0ce382bf2,
                0x934c69ff3ed14ba5,
                0x504688a5996e8f13,
                0x401f3f2ed524a2ba,
            ],
        ),
    ];
    for (input, output) in vectors {
        let mut state = input.map(Goldilocks::new);
        let mut naive = state;
        poseidon::permute(&mut state);
        poseidon::permute_naive(&mut naive);
        assert_eq!(state.map(|x| x.as_canonical_u64()), output);
        assert_eq!(naive.map(|x| x.as_canonical_u64()), output);
    }
}

fn random_state(rng: &mut ChaCha8Rng) -> [Goldilocks; WIDTH] {
    core::array::from_fn(|_| Goldilocks::random(rng))
}

#[test]
fn permutation_matches_plonky2() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for k in 0..500 {
        let mut state = random_state(&mut rng);
        if k < 12 {
            // One lane at p − 1, the rest zero.
            state = [Goldilocks::ZERO; WIDTH];
            state[k] = Goldilocks::NEG_ONE;
        }
        let theirs = P2::poseidon(state.map(to_p2));
        let mut naive = state;
        poseidon::permute(&mut state);
        poseidon::permute_naive(&mut naive);
        assert_eq!(state, theirs.map(from_p2));
        assert_eq!(naive, state, "the plain rounds");
    }
}

#[test]
fn sponge_matches_plonky2() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for len in 0..=40 {
        let input: Vec<Goldilocks> = (0..len).map(|_| Goldilocks::random(&mut rng)).collect();
        let p2: Vec<P2> = input.iter().map(|&x| to_p2(x)).collect();
        let theirs = PoseidonHash::hash_no_pad(&p2);
        assert_eq!(
            poseidon::hash_no_pad(&input),
            theirs.elements.map(from_p2),
            "len {len}"
        );
        let theirs = PoseidonHash::hash_or_noop(&p2);
        assert_eq!(
            poseidon::hash_or_noop(&input),
            theirs.elements.map(from_p2),
            "noop {len}"
        );
        // Squeezing past one rate's worth.
        let m = 1 + rng.gen_range(0..20);
        let theirs = plonky2::hash::hashing::hash_n_to_m_no_pad::<
            P2,
            <PoseidonHash as Hasher<P2>>::Permutation,
        >(&p2, m);
        let ours = poseidon::hash_n_to_m_no_pad(&input, m);
        assert_eq!(
            ours,
            theirs.into_iter().map(from_p2).collect::<Vec<_>>(),
            "len {len} m {m}"
        );
    }
}

#[test]
fn two_to_one_matches_plonky2() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..200 {
        let a: [Goldilocks; 4] = core::array::from_fn(|_| Goldilocks::random(&mut rng));
        let b: [Goldilocks; 4] = core::array::from_fn(|_| Goldilocks::random(&mut rng));
        let theirs = PoseidonHash::two_to_one(
            HashOut {
                elements: a.map(to_p2),
            },
            HashOut {
                elements: b.map(to_p2),
            },
        );
        assert_eq!(poseidon::two_to_one(a, b), theirs.elements.map(from_p2));
    }
}

#[test]
fn partial_inputs_are_refused() {
    let v = vec![Goldilocks::ONE; 10];
    assert!(poseidon::hash_rows(&v, 3).is_none());
    assert!(poseidon::hash_rows(&v, 0).is_none());
    assert!(poseidon::hash_no_pad_rows(&v, 3).is_none());
    assert!(poseidon::hash_no_pad_rows(&v, 0).is_none());
    assert!(poseidon::compress_pairs(&[[Goldilocks::ONE; 4]; 3]).is_none());
}

#[test]
fn lane_parallel_hashing_matches_one_at_a_time() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    for (rows, width) in [
        (1, 9),
        (7, 5),
        (8, 8),
        (13, 9),
        (16, 16),
        (21, 17),
        (40, 33),
        (9, 3),
    ] {
        let values: Vec<Goldilocks> = (0..rows * width)
            .map(|_| Goldilocks::random(&mut rng))
            .collect();
        let out = poseidon::hash_rows(&values, width).unwrap();
        for (r, d) in out.iter().enumerate() {
            assert_eq!(
                *d,
                poseidon::hash_or_noop(&values[r * width..(r + 1) * width]),
                "{rows}×{width} row {r}"
            );
        }
    }
    // Every row through the sponge, short rows included (the zkVM's memory leaves).
    for (rows, width) in [(1, 1), (9, 2), (17, 2), (8, 4), (13, 9), (21, 17)] {
        let values: Vec<Goldilocks> = (0..rows * width)
            .map(|_| Goldilocks::random(&mut rng))
            .collect();
        let out = poseidon::hash_no_pad_rows(&values, width).unwrap();
        for (r, d) in out.iter().enumerate() {
            assert_eq!(
                *d,
                poseidon::hash_no_pad(&values[r * width..(r + 1) * width]),
                "{rows}×{width} row {r}"
            );
        }
    }
    for pairs in [1, 7, 8, 9, 24, 31] {
        let below: Vec<[Goldilocks; 4]> = (0..2 * pairs)
            .map(|_| core::array::from_fn(|_| Goldilocks::random(&mut rng)))
            .collect();
        let out = poseidon::compress_pairs(&below).unwrap();
        for (j, d) in out.iter().enumerate() {
            assert_eq!(
                *d,
                poseidon::two_to_one(below[2 * j], below[2 * j + 1]),
                "{pairs} pairs, {j}"
            );
        }
    }
}

#[test]
fn batched_permutations_match_one_at_a_time() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    for count in [0, 1, 7, 8, 9, 16, 21] {
        let mut states: Vec<[Goldilocks; WIDTH]> =
            (0..count).map(|_| random_state(&mut rng)).collect();
        if count > 2 {
            states[1] = [Goldilocks::NEG_ONE; WIDTH];
            states[2] = [Goldilocks::ZERO; WIDTH];
        }
        let mut one = states.clone();
        one.iter_mut().for_each(poseidon::permute);
        poseidon::permute_many(&mut states);
        assert_eq!(states, one, "{count} states");
    }
}
