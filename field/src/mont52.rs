//! Montgomery arithmetic on eight lanes of five 52-bit limbs with AVX-512 IFMA, for 256-bit
//! prime fields (BN254 and BLS12-381 scalar fields, any arkworks 4-limb Montgomery field).
//!
//! Why 52-bit limbs: `vpmadd52{lo,hi}uq` multiply eight 52×52-bit pairs per instruction and add
//! the low or high 52 bits of each product into a 64-bit accumulator, which leaves 12 bits of
//! headroom for carries — no carry chains inside the product, eight elements at once. A scalar
//! 4×64-bit Montgomery product has no such parallelism.
//!
//! Representation: an element `x` of arkworks' Montgomery form (`x·2^256 mod p`) is split into
//! limbs as is; twiddles and other constants are kept as `c·2^260 mod p` ("R′ form"), so that the
//! IFMA Montgomery product `a·b·2^−260` of an arkworks value and an R′ constant is again the
//! arkworks value of the product. Data therefore never changes representation, only limb size.
//!
//! Bounds (p < 2^256): [`Consts::mul`] takes `a < 4p` and `b < 2p` with normalised limbs and
//! returns `(a·b + m·p)/2^260 < 8p²/2^260 + p < 2p`, since `8p < 2^260`. Sums are brought back
//! under `2p` with one conditional subtraction and differences are lifted by `2p`, so values
//! stay in `[0, 2p)` between butterflies and no product needs a final subtraction (Harvey's
//! lazy butterflies); only the output is made canonical.

use core::arch::x86_64::__m512i;

use crate::packed::Kernel;

/// Bits per limb.
const LIMB_BITS: u32 = 52;
const MASK: u64 = (1 << LIMB_BITS) - 1;
/// Limbs per element: 260 bits.
pub const LIMBS: usize = 5;
/// Elements per vector.
pub const LANES: usize = 8;

pulp::simd_type! {
    /// Proof that the CPU runs AVX-512 F and IFMA; [`Ifma::vectorize`] compiles a kernel for them.
    #[allow(missing_docs)]
    pub struct Ifma {
        pub f: "avx512f",
        pub ifma: "avx512ifma",
    }
}

impl Ifma {
    /// Runs `kernel` compiled for AVX-512 IFMA; the kernel's `run` and everything it calls must
    /// be `#[inline(always)]` for the intrinsics to inline.
    #[inline(always)]
    pub fn run<K: Kernel>(self, kernel: K) -> K::Output {
        self.vectorize(Call(kernel))
    }
}

/// A [`Kernel`] in the shape pulp calls: a struct, so it inlines into the target-feature frame
/// (closures there were left as calls).
struct Call<K>(K);

impl<K: Kernel> pulp::NullaryFnOnce for Call<K> {
    type Output = K::Output;

    #[inline(always)]
    fn call(self) -> K::Output {
        self.0.run()
    }
}

/// The IFMA token if this CPU has AVX-512 IFMA and `CARBIDE_SIMD` does not turn SIMD off.
pub fn ifma() -> Option<Ifma> {
    if crate::packed::simd_disabled() {
        return None;
    }
    Ifma::try_new()
}

/// One element per lane, limb by limb: `v[k]` holds limb k of all eight lanes.
pub type Vec52 = [__m512i; LIMBS];

/// The layout of [`Vec52`] in memory: limb-major, lane-minor, 320 bytes.
pub type Block = [[u64; LANES]; LIMBS];

/// Splits little-endian 64-bit words into 52-bit limbs.
#[inline(always)]
pub fn to_limbs52(w: [u64; 4]) -> [u64; LIMBS] {
    [
        w[0] & MASK,
        ((w[0] >> 52) | (w[1] << 12)) & MASK,
        ((w[1] >> 40) | (w[2] << 24)) & MASK,
        ((w[2] >> 28) | (w[3] << 36)) & MASK,
        w[3] >> 16,
    ]
}

/// Joins normalised 52-bit limbs of a value below 2^256 into 64-bit words.
#[inline(always)]
pub fn from_limbs52(l: [u64; LIMBS]) -> [u64; 4] {
    [
        l[0] | (l[1] << 52),
        (l[1] >> 12) | (l[2] << 40),
        (l[2] >> 24) | (l[3] << 28),
        (l[3] >> 36) | (l[4] << 16),
    ]
}

/// `a + b` of 4-word integers with the carry out.
fn add4(a: [u64; 4], b: [u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s, c1) = a[i].overflowing_add(b[i]);
        let (s, c2) = s.overflowing_add(carry as u64);
        out[i] = s;
        carry = c1 | c2;
    }
    (out, carry)
}

/// `a − b` of 4-word integers with the borrow out.
fn sub4(a: [u64; 4], b: [u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow as u64);
        out[i] = d;
        borrow = b1 | b2;
    }
    (out, borrow)
}

/// A modulus p < 2^256 prepared for 52-bit Montgomery arithmetic (R′ = 2^260).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mont52 {
    p: [u64; 4],
    p52: [u64; LIMBS],
    p2_52: [u64; LIMBS],
    /// −p⁻¹ mod 2^52.
    n0: u64,
}

impl Mont52 {
    /// Parameters for the odd modulus `p` (little-endian words); `None` if `p` is even.
    pub fn new(p: [u64; 4]) -> Option<Self> {
        if p[0] & 1 == 0 {
            return None;
        }
        // p⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct low bits).
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p[0].wrapping_mul(inv)));
        }
        let (p2, carry) = add4(p, p);
        let mut p2_52 = to_limbs52(p2);
        // 2p may need 257 bits: the carry is bit 256 = limb 4's bit 48.
        p2_52[4] |= (carry as u64) << 48;
        Some(Self {
            p,
            p52: to_limbs52(p),
            p2_52,
            n0: inv.wrapping_neg() & MASK,
        })
    }

    /// The modulus, little-endian words.
    pub fn modulus(&self) -> [u64; 4] {
        self.p
    }

    /// `2·x mod p` for `x < p`.
    fn double(&self, x: [u64; 4]) -> [u64; 4] {
        let (d, carry) = add4(x, x);
        let (r, borrow) = sub4(d, self.p);
        if carry || !borrow { r } else { d }
    }

    /// The R′-form limbs (`x·2^260 mod p`) of the element whose arkworks Montgomery words are
    /// `w = x·2^256 mod p`: four modular doublings.
    pub fn r260_from_r256(&self, w: [u64; 4]) -> [u64; LIMBS] {
        let mut x = w;
        for _ in 0..4 {
            x = self.double(x);
        }
        to_limbs52(x)
    }

    /// The arkworks Montgomery words (`x·2^256 mod p`) of canonical R′-form limbs
    /// (`x·2^260 mod p`): four modular halvings.
    pub fn r256_from_r260(&self, l: [u64; LIMBS]) -> [u64; 4] {
        let mut x = from_limbs52(l);
        for _ in 0..4 {
            // x/2 mod p: (x + p)/2 when x is odd; the sum's 257th bit comes back as the top.
            let (sum, carry) = if x[0] & 1 == 1 {
                add4(x, self.p)
            } else {
                (x, false)
            };
            for i in 0..4 {
                let next = if i == 3 { carry as u64 } else { sum[i + 1] & 1 };
                x[i] = (sum[i] >> 1) | (next << 63);
            }
        }
        x
    }

    /// `p − x` for canonical limbs `x` (zero stays zero).
    pub fn neg(&self, x: [u64; LIMBS]) -> [u64; LIMBS] {
        let w = from_limbs52(x);
        if w == [0; 4] {
            return x;
        }
        to_limbs52(sub4(self.p, w).0)
    }

    /// The constants as vectors, made once per kernel.
    #[inline(always)]
    pub fn splat(&self, s: Ifma) -> Consts {
        Consts {
            s,
            p: self.p52.map(|l| splat(s, l)),
            p2: self.p2_52.map(|l| splat(s, l)),
            n0: splat(s, self.n0),
            mask: splat(s, MASK),
            zero: s.f._mm512_setzero_si512(),
        }
    }
}

#[inline(always)]
fn splat(s: Ifma, x: u64) -> __m512i {
    s.f._mm512_set1_epi64(x as i64)
}

/// The eight lanes of a memory block.
#[inline(always)]
pub fn load(b: &Block) -> Vec52 {
    b.map(pulp::cast)
}

/// Writes eight lanes to a memory block.
#[inline(always)]
pub fn store(v: Vec52, b: &mut Block) {
    *b = v.map(pulp::cast);
}

/// Vector constants of one modulus, and the arithmetic on them.
#[derive(Clone, Copy)]
pub struct Consts {
    s: Ifma,
    p: Vec52,
    p2: Vec52,
    n0: __m512i,
    mask: __m512i,
    zero: __m512i,
}

impl Consts {
    /// One value in all lanes, from its limbs.
    #[inline(always)]
    pub fn broadcast(&self, l: &[u64; LIMBS]) -> Vec52 {
        l.map(|x| splat(self.s, x))
    }

    /// Carries (signed: limbs may be negative in two's complement) into the next limb, leaving
    /// limbs 0..4 in 52 bits; the top limb keeps the rest.
    #[inline(always)]
    fn normalize(&self, mut t: Vec52) -> Vec52 {
        let f = self.s.f;
        for k in 0..LIMBS - 1 {
            let c = f._mm512_srai_epi64::<LIMB_BITS>(t[k]);
            t[k] = f._mm512_and_si512(t[k], self.mask);
            t[k + 1] = f._mm512_add_epi64(t[k + 1], c);
        }
        t
    }

    /// `x − q` where that is non-negative, else `x`; `x` normalised.
    #[inline(always)]
    fn sub_if_ge(&self, x: Vec52, q: &Vec52) -> Vec52 {
        let f = self.s.f;
        let d = self.normalize(core::array::from_fn(|k| f._mm512_sub_epi64(x[k], q[k])));
        let negative = f._mm512_cmplt_epi64_mask(d[LIMBS - 1], self.zero);
        core::array::from_fn(|k| f._mm512_mask_blend_epi64(negative, d[k], x[k]))
    }

    /// `a + b` for `a, b < 2p`: a result `< 2p`.
    #[inline(always)]
    pub fn add(&self, a: Vec52, b: Vec52) -> Vec52 {
        let f = self.s.f;
        let sum = self.normalize(core::array::from_fn(|k| f._mm512_add_epi64(a[k], b[k])));
        self.sub_if_ge(sum, &self.p2)
    }

    /// `a − b + 2p` for `a, b < 2p`: a result in `(0, 4p)`, fit to multiply.
    #[inline(always)]
    pub fn sub_lazy(&self, a: Vec52, b: Vec52) -> Vec52 {
        let f = self.s.f;
        self.normalize(core::array::from_fn(|k| {
            f._mm512_sub_epi64(f._mm512_add_epi64(a[k], self.p2[k]), b[k])
        }))
    }

    /// `a − b` for `a, b < 2p`: a result `< 2p`.
    #[inline(always)]
    pub fn sub(&self, a: Vec52, b: Vec52) -> Vec52 {
        let d = self.sub_lazy(a, b);
        self.sub_if_ge(d, &self.p2)
    }

    /// A value `< 4p` brought under `2p`.
    #[inline(always)]
    pub fn reduce_4p(&self, x: Vec52) -> Vec52 {
        self.sub_if_ge(x, &self.p2)
    }

    /// A value `< 2p` brought to its canonical residue.
    #[inline(always)]
    pub fn canonical(&self, x: Vec52) -> Vec52 {
        self.sub_if_ge(x, &self.p)
    }

    /// The Montgomery product `a·b·2^−260 mod p`, `< 2p`, for `a < 4p`, `b < 2p` with
    /// normalised limbs.
    #[inline(always)]
    pub fn mul(&self, a: Vec52, b: Vec52) -> Vec52 {
        let f = self.s.f;
        let m52 = self.s.ifma;
        // Column k of the double-width product collects lo(a_i·b_j) for i+j = k and
        // hi(a_i·b_j) for i+j+1 = k; at most 20 terms of 52 bits plus a carry: no overflow.
        let mut t = [self.zero; 2 * LIMBS];
        for i in 0..LIMBS {
            for j in 0..LIMBS {
                t[i + j] = m52._mm512_madd52lo_epu64(t[i + j], a[i], b[j]);
                t[i + j + 1] = m52._mm512_madd52hi_epu64(t[i + j + 1], a[i], b[j]);
            }
        }
        // Word-by-word reduction: m = t_i·(−p⁻¹) mod 2^52 makes column i vanish mod 2^52;
        // its carry moves up before the next m is taken.
        for i in 0..LIMBS {
            let m = m52._mm512_madd52lo_epu64(self.zero, t[i], self.n0);
            for j in 0..LIMBS {
                t[i + j] = m52._mm512_madd52lo_epu64(t[i + j], m, self.p[j]);
                t[i + j + 1] = m52._mm512_madd52hi_epu64(t[i + j + 1], m, self.p[j]);
            }
            let carry = f._mm512_srli_epi64::<LIMB_BITS>(t[i]);
            t[i + 1] = f._mm512_add_epi64(t[i + 1], carry);
        }
        self.normalize([t[5], t[6], t[7], t[8], t[9]])
    }

    /// Transposes eight vectors as an 8×8 matrix of u64 (lane l of row r ↔ lane r of row l).
    #[inline(always)]
    pub fn transpose(&self, r: [__m512i; 8]) -> [__m512i; 8] {
        let f = self.s.f;
        let idx = |v: [i64; 8]| f._mm512_setr_epi64(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        let step = |x: [__m512i; 8], span: usize, lo: __m512i, hi: __m512i| {
            let mut y = x;
            for base in (0..8).step_by(2 * span) {
                for i in base..base + span {
                    y[i] = f._mm512_permutex2var_epi64(x[i], lo, x[i + span]);
                    y[i + span] = f._mm512_permutex2var_epi64(x[i], hi, x[i + span]);
                }
            }
            y
        };
        // Swap 1×1, then 2×2, then 4×4 sub-blocks across the diagonal.
        let a = step(
            r,
            1,
            idx([0, 8, 2, 10, 4, 12, 6, 14]),
            idx([1, 9, 3, 11, 5, 13, 7, 15]),
        );
        let b = step(
            a,
            2,
            idx([0, 1, 8, 9, 4, 5, 12, 13]),
            idx([2, 3, 10, 11, 6, 7, 14, 15]),
        );
        step(
            b,
            4,
            idx([0, 1, 2, 3, 8, 9, 10, 11]),
            idx([4, 5, 6, 7, 12, 13, 14, 15]),
        )
    }
}
