//! A first tour of carbide's field layer: Goldilocks and its extension, arkworks' BN254 Fr
//! through the same traits, roots of unity, batch inversion and canonical encodings.
//!
//! Run with `cargo run -p carbide-examples --example fields`.

use carbide_field::{
    CanonicalEncoding, DecodeError, Field, Goldilocks, GoldilocksExt2, TwoAdicField,
    par_batch_inverse_in_place,
};

/// Code written once against the traits runs on every field.
fn sum_of_inverses<F: Field>(xs: &[F]) -> F {
    F::batch_inverse(xs).into_iter().sum()
}

fn main() -> Result<(), DecodeError> {
    // Goldilocks: any u64 goes in, reduced mod p = 2^64 − 2^32 + 1.
    let a = Goldilocks::new(u64::MAX);
    let b = Goldilocks::new(12345);
    println!("p = {}", Goldilocks::ORDER);
    println!("a = 2^64 − 1 mod p = {a}, a·b = {}", a * b);
    match a.try_inverse() {
        Some(inv) => println!("a⁻¹ = {inv}, a·a⁻¹ = {}", a * inv),
        None => println!("a has no inverse"),
    }
    println!(
        "0⁻¹ = {:?} (no panic: zero has no inverse)",
        Goldilocks::ZERO.try_inverse()
    );

    // The 2^20-th root of unity plonky2 and carbide's NTT use.
    let w = Goldilocks::two_adic_generator(20).expect("Goldilocks has 2^32-th roots");
    println!("ω_(2^20) = {w}, ω^(2^20) = {}", w.exp_power_of_2(20));
    println!(
        "2^40-th root: {}",
        Goldilocks::two_adic_generator(40).unwrap_err()
    );

    // The quadratic extension, X² = 7, where STARK challenges live.
    let x = GoldilocksExt2::new(Goldilocks::new(3), Goldilocks::new(4));
    let y = x.try_inverse().expect("non-zero");
    println!(
        "x = {x}, x·x⁻¹ = {}, coordinates {:?}",
        x * y,
        (x * y).as_base_slice()
    );

    // arkworks' own BN254 Fr, no wrapper: the same generic code runs on it.
    let frs: Vec<ark_bn254::Fr> = (1..=4u64).map(ark_bn254::Fr::from).collect();
    println!("Σ 1/i for i = 1..4 in BN254 Fr: {}", sum_of_inverses(&frs));
    let gls: Vec<Goldilocks> = (1..=4u64).map(Goldilocks::new).collect();
    println!(
        "Σ 1/i for i = 1..4 in Goldilocks: {}",
        sum_of_inverses(&gls)
    );

    // Batch inversion over threads; zeros stay zero.
    let mut many: Vec<Goldilocks> = (0..100_000u64).map(Goldilocks::new).collect();
    par_batch_inverse_in_place(&mut many);
    println!(
        "1/7 = {} (check: {})",
        many[7],
        many[7] * Goldilocks::new(7)
    );

    // Canonical encodings: p − 1 decodes, p does not.
    let bytes = (Goldilocks::ORDER - 1).to_le_bytes();
    let top = Goldilocks::from_canonical_bytes(&bytes)?;
    println!("decoded p − 1 = {}", top.as_canonical_u64());
    let err = Goldilocks::from_canonical_bytes(&Goldilocks::ORDER.to_le_bytes()).unwrap_err();
    println!("decoding p: {err}");
    println!(
        "as JSON: {}",
        serde_json::to_string(&x).expect("serializable")
    );
    Ok(())
}
