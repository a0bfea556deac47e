//! The STARK race against starky (the `bench` feature): the same AIR on both sides — 32
//! columns in pairs (a, b) → (b, a·b + a), first row public (starky counts its degree as 3,
//! the transition selector included) — the same blowup (2), the same FRI folding (arity 16,
//! final polynomial of 32 coefficients), the same query count (84), grinding (16 bits) and cap
//! height (4): starky's `standard_fast_config`, 100 conjectured bits on both sides. The
//! traces are built before timing; starky takes its trace by value, so its runs include one
//! copy of it (a few milliseconds against seconds).

use std::hint::black_box;
use std::marker::PhantomData;

use carbide_benches::{Contender, Race};
use carbide_field::Goldilocks;
use carbide_field::merkle::MerkleHash;
use carbide_ntt::Radix2Dit;
use plonky2::field::extension::{Extendable, FieldExtension};
use plonky2::field::goldilocks_field::GoldilocksField as P2;
use plonky2::field::packed::PackedField;
use plonky2::field::polynomial::PolynomialValues;
use plonky2::hash::hash_types::RichField;
use plonky2::iop::ext_target::ExtensionTarget;
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::config::PoseidonGoldilocksConfig;
use plonky2::util::timing::TimingTree;
use starky::constraint_consumer::{ConstraintConsumer, RecursiveConstraintConsumer};
use starky::evaluation_frame::{StarkEvaluationFrame, StarkFrame};
use starky::stark::Stark;

use crate::fri::FriConfig;
use crate::stark::{StarkConfig, WideAir, prove};

/// Columns of the raced AIR.
pub const WIDTH: usize = 32;

/// The configuration matching starky's `standard_fast_config`, with the given hash.
pub fn config(hash: MerkleHash) -> StarkConfig {
    StarkConfig {
        fri: FriConfig {
            log_blowup: 1,
            arity_bits: 4,
            final_log_len: 5,
            num_queries: 84,
            pow_bits: 16,
            cap_height: 4,
            hash,
        },
        min_security_bits: 100,
    }
}

/// carbide's wide-fib AIR written for starky.
#[derive(Clone, Copy, Default)]
pub struct WideFibStark<F> {
    _f: PhantomData<F>,
}

impl<F: RichField + Extendable<D>, const D: usize> Stark<F, D> for WideFibStark<F> {
    type EvaluationFrame<FE, P, const D2: usize>
        = StarkFrame<P, P::Scalar, WIDTH, WIDTH>
    where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>;

    type EvaluationFrameTarget = StarkFrame<ExtensionTarget<D>, ExtensionTarget<D>, WIDTH, WIDTH>;

    fn eval_packed_generic<FE, P, const D2: usize>(
        &self,
        vars: &Self::EvaluationFrame<FE, P, D2>,
        out: &mut ConstraintConsumer<P>,
    ) where
        FE: FieldExtension<D2, BaseField = F>,
        P: PackedField<Scalar = FE>,
    {
        let (local, next, public) = (
            vars.get_local_values(),
            vars.get_next_values(),
            vars.get_public_inputs(),
        );
        for j in (0..WIDTH).step_by(2) {
            let (a, b) = (local[j], local[j + 1]);
            out.constraint_first_row(a - public[j]);
            out.constraint_first_row(b - public[j + 1]);
            out.constraint_transition(next[j] - b);
            out.constraint_transition(next[j + 1] - (a * b + a));
        }
    }

    fn eval_ext_circuit(
        &self,
        builder: &mut CircuitBuilder<F, D>,
        vars: &Self::EvaluationFrameTarget,
        out: &mut RecursiveConstraintConsumer<F, D>,
    ) {
        let (local, next, public) = (
            vars.get_local_values(),
            vars.get_next_values(),
            vars.get_public_inputs(),
        );
        for j in (0..WIDTH).step_by(2) {
            let (a, b) = (local[j], local[j + 1]);
            let c = builder.sub_extension(a, public[j]);
            out.constraint_first_row(builder, c);
            let c = builder.sub_extension(b, public[j + 1]);
            out.constraint_first_row(builder, c);
            let c = builder.sub_extension(next[j], b);
            out.constraint_transition(builder, c);
            let step = builder.mul_add_extension(a, b, a);
            let c = builder.sub_extension(next[j + 1], step);
            out.constraint_transition(builder, c);
        }
    }

    fn constraint_degree(&self) -> usize {
        3
    }
}

/// The trace as starky's columns.
pub fn starky_trace(trace: &[Goldilocks], width: usize) -> Vec<PolynomialValues<P2>> {
    (0..width)
        .map(|c| {
            PolynomialValues::new(
                trace
                    .iter()
                    .skip(c)
                    .step_by(width)
                    .map(|&x| x.into())
                    .collect(),
            )
        })
        .collect()
}

/// starky's proof of the trace (its `prove`, then nothing else).
pub fn starky_prove(columns: Vec<PolynomialValues<P2>>, public: &[P2]) -> Result<usize, String> {
    let stark = WideFibStark::<P2>::default();
    let proof = starky::prover::prove::<P2, PoseidonGoldilocksConfig, _, 2>(
        stark,
        &starky::config::StarkConfig::standard_fast_config(),
        columns,
        public,
        None,
        &mut TimingTree::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(bincode::serialized_size(&proof.proof).map_or(0, |s| s as usize))
}

/// carbide's proof of the same trace (CPU backends, the configuration's hash), its size in
/// bytes.
pub fn carbide_prove(
    trace: &[Goldilocks],
    public: &[Goldilocks],
    config: &StarkConfig,
) -> Result<usize, String> {
    let merkle = config.fri.hash.cpu();
    let proof = prove(
        &WideAir::fib(WIDTH),
        config,
        trace,
        public,
        &Radix2Dit::<Goldilocks>::new(),
        merkle,
    )
    .map_err(|e| e.to_string())?;
    Ok(proof.to_bytes().len())
}

/// The group name of the race at 2^log_rows rows.
pub fn group(log_rows: u32) -> String {
    format!("stark/wide-fib-32x2^{log_rows}")
}

/// Proof sizes in bytes at 2^log_rows rows: carbide with Poseidon, with BLAKE3, and starky
/// (its proof serialized with bincode).
pub fn proof_sizes(log_rows: u32) -> Result<[(&'static str, usize); 3], String> {
    let (trace, public) = WideAir::fib(WIDTH).trace(log_rows, 1);
    let p2_public: Vec<P2> = public.iter().map(|&x| x.into()).collect();
    Ok([
        (
            "carbide",
            carbide_prove(&trace, &public, &config(MerkleHash::Poseidon))?,
        ),
        (
            "carbide-blake3",
            carbide_prove(&trace, &public, &config(MerkleHash::Blake3))?,
        ),
        (
            "starky",
            starky_prove(starky_trace(&trace, WIDTH), &p2_public)?,
        ),
    ])
}

/// One race per size: carbide's prover with Poseidon trees, with BLAKE3 trees, and starky's
/// `prove`.
pub fn stark_races(log_rows: &[u32]) -> Vec<Race> {
    log_rows
        .iter()
        .map(|&k| {
            let (trace, public) = WideAir::fib(WIDTH).trace(k, 1);
            let columns = starky_trace(&trace, WIDTH);
            let p2_public: Vec<P2> = public.iter().map(|&x| x.into()).collect();
            let ours = |name: &'static str, hash: MerkleHash| {
                let (trace, public, cfg) = (trace.clone(), public.clone(), config(hash));
                Contender {
                    name,
                    run: Box::new(move || {
                        black_box(carbide_prove(&trace, &public, &cfg).ok());
                    }),
                }
            };
            Race {
                group: Box::leak(group(k).into_boxed_str()),
                elements: 1 << k,
                contenders: vec![
                    ours("carbide", MerkleHash::Poseidon),
                    ours("carbide-blake3", MerkleHash::Blake3),
                    Contender {
                        name: "starky",
                        run: Box::new(move || {
                            black_box(starky_prove(columns.clone(), &p2_public).ok());
                        }),
                    },
                ],
            }
        })
        .collect()
}
