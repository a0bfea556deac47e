//! The generic field suite, stamped out for every field carbide ships or supports.

mod common;

field_suite!(goldilocks, carbide_field::Goldilocks);
field_suite!(goldilocks_ext2, carbide_field::GoldilocksExt2);
field_suite!(bn254_fr, ark_bn254::Fr);
field_suite!(bls12_381_fr, ark_bls12_381::Fr);

#[test]
fn goldilocks_ext2_is_an_extension() {
    common::check_extension::<carbide_field::Goldilocks, carbide_field::GoldilocksExt2>();
}

#[test]
fn prime_fields_are_trivial_extensions_of_themselves() {
    common::check_extension::<carbide_field::Goldilocks, carbide_field::Goldilocks>();
    common::check_extension::<ark_bn254::Fr, ark_bn254::Fr>();
}
