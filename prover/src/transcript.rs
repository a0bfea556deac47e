//! The Fiat–Shamir transcript. [`Challenger`] is plonky2's duplex sponge over Poseidon
//! (overwrite mode, rate 8, challenges popped from the end of the squeezed rate), so a plonky2
//! circuit can replay it; [`Transcript`] puts carbide's framing on top: every message is
//! absorbed with a tag naming its kind and its length, so no two different sequences of
//! messages read the same, and byte strings are packed seven bytes to an element (always
//! below p).

use carbide_field::merkle::{MerkleError, MerkleHash, MerkleHasher};
use carbide_field::poseidon::{self, Digest, RATE, WIDTH};
use carbide_field::pow;
use carbide_field::{Field, Goldilocks, GoldilocksExt2};

/// plonky2's `Challenger<GoldilocksField, PoseidonHash>`.
#[derive(Clone, Debug)]
pub struct Challenger {
    state: [Goldilocks; WIDTH],
    input: Vec<Goldilocks>,
    output: Vec<Goldilocks>,
}

impl Default for Challenger {
    fn default() -> Self {
        Self::new()
    }
}

impl Challenger {
    /// The empty sponge.
    pub fn new() -> Self {
        Self {
            state: [Goldilocks::ZERO; WIDTH],
            input: Vec::with_capacity(RATE),
            output: Vec::with_capacity(RATE),
        }
    }

    /// Absorbs one element (buffered until the rate is full or a challenge is drawn).
    pub fn observe(&mut self, x: Goldilocks) {
        self.output.clear();
        self.input.push(x);
        if self.input.len() == RATE {
            self.duplex();
        }
    }

    /// Absorbs elements in order.
    pub fn observe_all(&mut self, xs: &[Goldilocks]) {
        for &x in xs {
            self.observe(x);
        }
    }

    /// A challenge: the last unused element of the squeezed rate, after a permutation if
    /// there are pending inputs or no outputs left.
    pub fn challenge(&mut self) -> Goldilocks {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplex();
        }
        // The duplex just filled the output buffer.
        self.output.pop().unwrap_or(Goldilocks::ZERO)
    }

    /// The state a permutation would start from if `x` were observed next (the pending
    /// inputs written over the rate), and where `x` goes: what a proof-of-work search
    /// permutes, one nonce at a time.
    pub fn next_state(&self) -> ([Goldilocks; WIDTH], usize) {
        let mut base = self.state;
        // The buffer is flushed whenever it fills, so it holds fewer than RATE inputs.
        let n = self.input.len().min(RATE - 1);
        base[..n].copy_from_slice(&self.input[..n]);
        (base, n)
    }

    fn duplex(&mut self) {
        let n = self.input.len();
        self.state[..n].copy_from_slice(&self.input);
        self.input.clear();
        poseidon::permute(&mut self.state);
        self.output.clear();
        self.output.extend_from_slice(&self.state[..RATE]);
    }
}

/// Kinds of transcript messages; each absorb starts with its tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Tag {
    /// The protocol and its configuration.
    Protocol = 1,
    /// Public values.
    Public = 2,
    /// A commitment (Merkle cap).
    Commitment = 3,
    /// Evaluations sent by the prover.
    Evaluations = 4,
    /// A proof-of-work witness.
    Nonce = 5,
    /// Anything else a protocol defines.
    Other = 6,
}

/// The framed transcript both prover and verifier run.
#[derive(Clone, Debug)]
pub struct Transcript {
    sponge: Challenger,
}

impl Transcript {
    /// A transcript bound to `protocol` (a name and version; the configuration digest is
    /// absorbed next by the caller).
    pub fn new(protocol: &[u8]) -> Self {
        let mut t = Self {
            sponge: Challenger::new(),
        };
        t.absorb_bytes(Tag::Protocol, protocol);
        t
    }

    fn frame(&mut self, tag: Tag, len: usize) {
        self.sponge.observe(Goldilocks::new(tag as u64));
        self.sponge.observe(Goldilocks::new(len as u64));
    }

    /// Absorbs `values` as one message of kind `tag`.
    pub fn absorb(&mut self, tag: Tag, values: &[Goldilocks]) {
        self.frame(tag, values.len());
        self.sponge.observe_all(values);
    }

    /// Absorbs extension-field values (two coordinates each) as one message.
    pub fn absorb_ext(&mut self, tag: Tag, values: &[GoldilocksExt2]) {
        self.frame(tag, 2 * values.len());
        for v in values {
            self.sponge.observe_all(&v.0);
        }
    }

    /// Absorbs digests (a Merkle cap) as one message.
    pub fn absorb_digests(&mut self, tag: Tag, digests: &[Digest]) {
        self.frame(tag, 4 * digests.len());
        for d in digests {
            self.sponge.observe_all(d);
        }
    }

    /// Absorbs bytes as one message: their length, then seven bytes per element.
    pub fn absorb_bytes(&mut self, tag: Tag, bytes: &[u8]) {
        self.frame(tag, bytes.len());
        for chunk in bytes.chunks(7) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.sponge
                .observe(Goldilocks::new(u64::from_le_bytes(word)));
        }
    }

    /// A base-field challenge.
    pub fn challenge(&mut self) -> Goldilocks {
        self.sponge.challenge()
    }

    /// The least nonce passing `bits` bits of proof of work from this transcript, for a
    /// proof whose trees hash with `hash`:
    /// - Poseidon: the nonce's absorption as a [`Tag::Nonce`] message makes the next
    ///   challenge start with `bits` zero bits, searched by `hasher` (the CPU's search in SIMD
    ///   lanes across threads, or a GPU's); the answer is the same whoever searches;
    /// - BLAKE3: BLAKE3 of the state that absorption starts from and the nonce starts with
    ///   `bits` zero bits ([`carbide_field::pow`]), searched on the CPU (two compressions a
    ///   nonce instead of a permutation).
    pub fn grind(
        &self,
        bits: u32,
        hash: MerkleHash,
        hasher: &dyn MerkleHasher,
    ) -> Result<u64, MerkleError> {
        if bits == 0 {
            return Ok(0);
        }
        let (base, position) = self.nonce_state();
        match hash {
            MerkleHash::Poseidon => hasher.grind(&base, position, bits),
            MerkleHash::Blake3 => Ok(pow::blake3_grind(&base, position, bits)),
        }
    }

    /// The sponge's state once a [`Tag::Nonce`] message's frame is absorbed, and where its
    /// nonce goes.
    fn nonce_state(&self) -> ([Goldilocks; WIDTH], usize) {
        let mut framed = self.sponge.clone();
        framed.observe(Goldilocks::new(Tag::Nonce as u64));
        framed.observe(Goldilocks::new(1));
        framed.next_state()
    }

    /// Whether `nonce` passes [`Self::grind`]'s test for `hash`.
    pub fn check_grind(&self, nonce: u64, bits: u32, hash: MerkleHash) -> bool {
        if bits == 0 {
            return true;
        }
        match hash {
            MerkleHash::Poseidon => {
                let mut t = self.clone();
                t.absorb(Tag::Nonce, &[Goldilocks::new(nonce)]);
                t.challenge().as_canonical_u64() >> (64 - bits) == 0
            }
            MerkleHash::Blake3 => {
                let (base, position) = self.nonce_state();
                pow::blake3_grind_ok(&base, position, nonce, bits)
            }
        }
    }

    /// An extension-field challenge (two base challenges, as plonky2 draws them).
    pub fn challenge_ext(&mut self) -> GoldilocksExt2 {
        GoldilocksExt2::new(self.challenge(), self.challenge())
    }

    /// A challenge index below `2^bits` (`bits` ≤ 32): the low bits of a canonical element,
    /// as plonky2's FRI query indices.
    pub fn challenge_index(&mut self, bits: u32) -> usize {
        let x = self.challenge().as_canonical_u64();
        (x & ((1u64 << bits.min(32)) - 1)) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(x: u64) -> Goldilocks {
        Goldilocks::new(x)
    }

    #[test]
    fn framing_separates_message_boundaries() {
        let run = |msgs: &[&[Goldilocks]]| {
            let mut t = Transcript::new(b"test");
            for m in msgs {
                t.absorb(Tag::Public, m);
            }
            t.challenge()
        };
        let (a, b) = ([g(1)], [g(2)]);
        assert_ne!(run(&[&a, &b]), run(&[&[g(1), g(2)]]));
        assert_ne!(run(&[&a]), run(&[&a, &[]]));
        assert_eq!(run(&[&a, &b]), run(&[&a, &b]));
        let mut t1 = Transcript::new(b"test");
        let mut t2 = Transcript::new(b"test");
        t1.absorb(Tag::Public, &a);
        t2.absorb(Tag::Commitment, &a);
        assert_ne!(t1.challenge(), t2.challenge());
        assert_ne!(
            Transcript::new(b"a").challenge(),
            Transcript::new(b"b").challenge()
        );
        assert_ne!(
            Transcript::new(b"").challenge(),
            Transcript::new(b"\\0").challenge()
        );
    }

    #[test]
    fn grinding_finds_the_least_nonce() {
        for hash in [MerkleHash::Poseidon, MerkleHash::Blake3] {
            for (prefix, bits) in [(0u64, 6u32), (3, 9), (7, 1), (11, 0), (5, 14)] {
                let mut t = Transcript::new(b"grind");
                // Buffered inputs of every length before the nonce's message.
                t.absorb(Tag::Public, &(0..prefix).map(g).collect::<Vec<_>>());
                let nonce = t
                    .grind(bits, hash, &carbide_field::merkle::CpuMerkle)
                    .unwrap();
                assert!(t.check_grind(nonce, bits, hash), "{prefix} {bits}");
                let least = (0u64..).find(|&n| t.check_grind(n, bits, hash)).unwrap();
                assert_eq!(nonce, least, "{prefix} {bits}");
                // The nonce is bound to everything absorbed before it.
                let mut other = t.clone();
                other.absorb(Tag::Public, &[g(1)]);
                if bits >= 14 {
                    assert!(!other.check_grind(nonce, bits, hash), "{prefix} {bits}");
                }
            }
        }
        // The state a nonce's permutation starts from is what observing it then drawing uses.
        let mut c = Challenger::new();
        for i in 0..13 {
            let (base, position) = c.next_state();
            for x in [g(0), g(5), g(1 << 40)] {
                let mut one = c.clone();
                one.observe(x);
                let mut s = base;
                s[position] = x;
                poseidon::permute(&mut s);
                assert_eq!(one.challenge(), s[RATE - 1]);
            }
            c.observe(g(i));
        }
    }

    #[test]
    fn successive_challenges_differ() {
        let mut t = Transcript::new(b"x");
        let c: Vec<Goldilocks> = (0..20).map(|_| t.challenge()).collect();
        for i in 0..c.len() {
            for j in 0..i {
                assert_ne!(c[i], c[j]);
            }
        }
        assert!(t.challenge_index(5) < 32);
    }
}
