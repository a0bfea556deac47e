//! carbide's `Challenger` against plonky2's `Challenger<GoldilocksField, PoseidonHash>` on
//! random interleavings of observations and challenges (runs shorter and longer than the
//! rate), so a plonky2 circuit replaying the transcript draws the same challenges.

use carbide_field::{Field, Goldilocks};
use carbide_prover::transcript::Challenger;
use plonky2::field::goldilocks_field::GoldilocksField as P2;
use plonky2::field::types::{Field as _, PrimeField64 as _};
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::challenger::Challenger as P2Challenger;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn challenges_match_plonky2() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for _ in 0..50 {
        let mut ours = Challenger::new();
        let mut theirs = P2Challenger::<P2, PoseidonHash>::new();
        for _ in 0..40 {
            if rng.gen_bool(0.6) {
                for _ in 0..rng.gen_range(0..20) {
                    let x = Goldilocks::random(&mut rng);
                    ours.observe(x);
                    theirs.observe_element(P2::from_canonical_u64(x.as_canonical_u64()));
                }
            } else {
                for _ in 0..rng.gen_range(1..12) {
                    let c = theirs.get_challenge().to_canonical_u64();
                    assert_eq!(ours.challenge().as_canonical_u64(), c);
                }
            }
        }
    }
}
