//! Continuations: a run proved in segments verifies with the claim of the whole run, segments
//! prove apart and verify alone, memory crosses segments only as the image tree's root, and a
//! reordered, spliced, truncated or forged chain of segments is rejected.

use carbide_field::merkle::CpuMerkle;
use carbide_field::poseidon::Digest;
use carbide_field::{Field, Goldilocks};
use carbide_ntt::Radix2Dit;
use carbide_prover::stark::Stage;
use carbide_prover::zkvm::image::{self, Image, MemoryTree, Touched};
use carbide_prover::zkvm::{self, Boundary, Program, Progress, SegmentProof, ZkvmProof};
use rand::{Rng, SeedableRng};

use common::fast_config as config;

mod common;

fn guest(name: &str) -> Program {
    let path = format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

fn prove(p: &Program, input: &[u8], log_segment: u32) -> ZkvmProof {
    let ntt = Radix2Dit::<Goldilocks>::new();
    zkvm::prove(p, input, 1 << 20, log_segment, &config(), &ntt, &CpuMerkle).unwrap()
}

fn message(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..len).map(|_| rng.r#gen()).collect()
}

#[test]
fn a_run_proves_in_segments_with_the_claim_of_the_whole_run() {
    use sha2::Digest as _;
    let (p, msg) = (guest("sha256"), message(1, 70));
    let run = zkvm::run(&p, &msg, 1 << 20).unwrap();
    let ntt = Radix2Dit::<Goldilocks>::new();
    let mut events = Vec::new();
    let job = (&p, &msg[..], 1 << 20, 11, Digest::default());
    let proof =
        zkvm::prove_bound_with(job, &config(), &ntt, &CpuMerkle, &mut |e| events.push(e)).unwrap();
    zkvm::verify(&p, &msg, &proof, &config()).unwrap();
    let n = proof.segments.len();
    // Each segment's traces, then its proof's stages in order, then the end.
    let stages = [
        Stage::Commit,
        Stage::Lookups,
        Stage::Quotient,
        Stage::Openings,
        Stage::Fri,
    ];
    let expected: Vec<Progress> = (0..n)
        .flat_map(|i| {
            std::iter::once(Progress::Traces(i)).chain(stages.map(|s| Progress::Stage(i, s)))
        })
        .chain([Progress::Done])
        .collect();
    assert_eq!(events, expected);
    assert_eq!(n as u64, run.cycles.div_ceil(1 << 11));
    assert!(n >= 4, "{n} segments");
    assert_eq!(proof.claim.output, sha2::Sha256::digest(&msg).to_vec());
    assert_eq!(proof.claim.output, run.output);
    assert_eq!(proof.claim.cycles, run.cycles);
    assert_eq!(proof.claim.exit_code, run.exit_code);
    let image = Image::new(&p).unwrap();
    assert_eq!(proof.segments[0].segment.start, Boundary::start(&p, &image));
    for (i, s) in proof.segments.iter().enumerate() {
        let s = &s.segment;
        assert_eq!(s.halted, i + 1 == n);
        if i + 1 < n {
            assert_eq!(s.cycles, 1 << 11);
            assert_eq!(proof.segments[i + 1].segment.start, s.end);
        }
        // A segment touches a few words, not the image.
        assert!(s.memory.len() < image.len() / 2, "{} words", s.memory.len());
    }
    // The same run in one segment says the same.
    let whole = prove(&p, &msg, 20);
    assert_eq!(whole.segments.len(), 1);
    assert_eq!(whole.claim, proof.claim);
}

#[test]
fn segments_prove_apart_and_verify_alone() {
    // 24 words to sort.
    let (p, input) = (guest("sort"), message(2, 24 * 4));
    let ntt = Radix2Dit::<Goldilocks>::new();
    let traces: Vec<_> = zkvm::segments(&p, &input, 1 << 20, 9)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(traces.len() >= 3, "{} segments", traces.len());
    // Proved last first, as separate machines would, each from its own traces.
    let mut proofs: Vec<SegmentProof> = traces
        .iter()
        .rev()
        .map(|t| zkvm::prove_traces(&p, &input, t, &config(), &ntt, &CpuMerkle, true).unwrap())
        .collect();
    proofs.reverse();
    for s in &proofs {
        let end = zkvm::verify_segment(&p, &input, s, &config()).unwrap();
        assert_eq!(end, s.segment.end);
    }
    let proof = ZkvmProof::join(&p, proofs).unwrap();
    zkvm::verify(&p, &input, &proof, &config()).unwrap();
    let mut v: Vec<u32> = input
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    v.sort_unstable();
    let sorted: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(proof.claim.output, sorted);
}

fn rejects(p: &Program, input: &[u8], segments: Vec<SegmentProof>, what: &str) {
    let proof = match ZkvmProof::join(p, segments) {
        Ok(proof) => proof,
        Err(_) => return,
    };
    assert!(
        zkvm::verify(p, input, &proof, &config()).is_err(),
        "the verifier accepted {what}"
    );
}

#[test]
fn a_reordered_spliced_truncated_or_forged_chain_is_rejected() {
    let (p, msg) = (guest("sha256"), message(3, 40));
    let proof = prove(&p, &msg, 10);
    let segs = proof.segments.clone();
    let n = segs.len();
    assert!(n >= 3, "{n} segments");

    let mut s = segs.clone();
    s.swap(1, 2);
    rejects(&p, &msg, s, "swapped segments");
    let mut s = segs.clone();
    s.remove(1);
    rejects(&p, &msg, s, "a dropped segment");
    rejects(&p, &msg, segs[..n - 1].to_vec(), "a run without its halt");
    let mut s = segs.clone();
    s.insert(1, segs[1].clone());
    rejects(&p, &msg, s, "a repeated segment");
    // A segment of a run on another input.
    let other = prove(&p, &message(4, 40), 10);
    let mut s = segs.clone();
    s[1] = other.segments[1].clone();
    rejects(&p, &msg, s, "a segment of another run");
    // The claim says what the segments say, and nothing else.
    let mut forged = proof.clone();
    forged.claim.output[3] ^= 1;
    assert!(zkvm::verify(&p, &msg, &forged, &config()).is_err());
    let mut forged = proof.clone();
    forged.claim.cycles += 1;
    assert!(zkvm::verify(&p, &msg, &forged, &config()).is_err());

    // Boundaries forged consistently across the chain: the segment proofs refuse them.
    let chain = |f: &dyn Fn(&mut Vec<SegmentProof>)| {
        let mut s = segs.clone();
        f(&mut s);
        s
    };
    rejects(
        &p,
        &msg,
        chain(&|s| {
            s[0].segment.end.pc += 4;
            s[1].segment.start.pc += 4;
        }),
        "a moved pc between segments",
    );
    rejects(
        &p,
        &msg,
        chain(&|s| {
            s[0].segment.end.input += 1;
            s[1].segment.start.input += 1;
        }),
        "a moved input counter between segments",
    );
    rejects(
        &p,
        &msg,
        chain(&|s| s[1].segment.halted = true),
        "a halt in the middle",
    );
    let last = n - 1;
    rejects(
        &p,
        &msg,
        chain(&|s| s[last].segment.output[0] ^= 1),
        "a forged output byte",
    );
    rejects(
        &p,
        &msg,
        chain(&|s| s[last].segment.exit_code = 1),
        "a forged exit code",
    );
}

/// The roots before and after `touched`.
fn roots_of(p: &Program, touched: &[Touched], siblings: &[Digest]) -> (Digest, Digest) {
    image::roots(&Image::new(p).unwrap(), touched, siblings).unwrap()
}

#[test]
fn memory_forged_across_a_boundary_is_rejected() {
    let (p, msg) = (guest("sha256"), message(5, 40));
    let proof = prove(&p, &msg, 11);
    let seg = &proof.segments[1];
    zkvm::verify_segment(&p, &msg, seg, &config()).unwrap();
    let check = |f: &dyn Fn(&mut SegmentProof), what: &str| {
        let mut s = seg.clone();
        f(&mut s);
        assert!(
            zkvm::verify_segment(&p, &msg, &s, &config()).is_err(),
            "the verifier accepted {what}"
        );
    };
    // A value after the segment changed, the end root recomputed to match: the segment's
    // memory table no longer closes its accesses.
    let changed = seg
        .segment
        .memory
        .iter()
        .position(|t| t.before != t.after)
        .expect("a segment writes something");
    check(
        &|s| {
            s.segment.memory[changed].after ^= 1;
            s.segment.end.memory = roots_of(&p, &s.segment.memory, &s.segment.siblings).1;
        },
        "a forged value carried out",
    );
    check(
        &|s| {
            s.segment.memory[changed].before ^= 1;
            s.segment.start.memory = roots_of(&p, &s.segment.memory, &s.segment.siblings).0;
        },
        "a forged value carried in",
    );
    // A word dropped from the touched list: the siblings no longer connect it to the roots.
    check(
        &|s| {
            s.segment.memory.remove(0);
        },
        "a touched word left out",
    );
    // Roots that do not match the touched words, and malformed lists: errors, not panics.
    check(
        &|s| s.segment.end.memory[0] += Goldilocks::ONE,
        "a wrong end root",
    );
    check(
        &|s| s.segment.memory.swap(0, 1),
        "touched words out of order",
    );
    check(
        &|s| s.segment.memory[0].index = u32::MAX,
        "a word outside the image",
    );
    check(&|s| s.segment.siblings.clear(), "no siblings");
    check(
        &|s| s.segment.siblings.push(Digest::default()),
        "an extra sibling",
    );
    check(&|s| s.segment.memory.clear(), "no touched words");
    check(
        &|s| s.segment.cycles = 1000,
        "a short segment that does not halt",
    );
}

#[test]
fn image_roots_follow_the_tree() {
    let p = guest("fib");
    let image = Image::new(&p).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut values = image.initial().to_vec();
    let mut tree = MemoryTree::new(&image, &values);
    for round in 0..20 {
        let k = 1 + round % 9;
        let mut indices: Vec<usize> = (0..k).map(|_| rng.gen_range(0..image.len())).collect();
        if round == 0 {
            indices = vec![0, 1, image.len() - 1];
        }
        indices.sort_unstable();
        indices.dedup();
        let touched: Vec<Touched> = indices
            .iter()
            .map(|&i| Touched {
                index: i as u32,
                before: values[i],
                after: if image.read_only(i) {
                    values[i]
                } else {
                    rng.r#gen()
                },
            })
            .collect();
        let siblings = tree.siblings(&indices);
        let before = tree.root();
        for t in &touched {
            values[t.index as usize] = t.after;
            tree.set(&image, t.index as usize, t.after);
        }
        assert_eq!(
            image::roots(&image, &touched, &siblings).unwrap(),
            (before, tree.root())
        );
        assert_eq!(tree.root(), MemoryTree::new(&image, &values).root());
    }
    // A store to read-only memory is refused.
    let ro = (0..image.len()).find(|&i| image.read_only(i)).unwrap();
    let t = [Touched {
        index: ro as u32,
        before: values[ro],
        after: values[ro] ^ 1,
    }];
    assert!(image::roots(&image, &t, &tree.siblings(&[ro])).is_err());
}
