//! Eight Goldilocks lanes in the shape LLVM vectorizes: u64 lanes, products from 32-bit
//! halves (`vpmuludq`), carries from comparisons, corrections by select. Every operation
//! computes exactly the u64 the scalar one does, so packed and scalar code agree bit for bit.

use core::ops::{Add, Mul, Sub};
use std::sync::OnceLock;

use super::{EPSILON, Goldilocks};
use crate::packed::{Kernel, PackedField};

/// Lanes per vector: one AVX-512 register, two AVX2 registers.
const LANES: usize = 8;
const LO32: u64 = 0xffff_ffff;

/// Eight Goldilocks elements, lane by lane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackedGoldilocks(pub [Goldilocks; LANES]);

#[inline(always)]
fn select(c: bool, x: u64) -> u64 {
    // A mask rather than a branch, so the lane loop stays straight-line.
    x & (c as u64).wrapping_neg()
}

#[inline(always)]
fn add_lane(a: u64, b: u64) -> u64 {
    let (sum, over) = a.overflowing_add(b);
    let (sum, over) = sum.overflowing_add(select(over, EPSILON));
    sum.wrapping_add(select(over, EPSILON))
}

#[inline(always)]
fn sub_lane(a: u64, b: u64) -> u64 {
    let (diff, under) = a.overflowing_sub(b);
    let (diff, under) = diff.overflowing_sub(select(under, EPSILON));
    diff.wrapping_sub(select(under, EPSILON))
}

#[inline(always)]
fn mul_lane(a: u64, b: u64) -> u64 {
    // The 128-bit product from four 32×32 → 64 products.
    let (a0, a1, b0, b1) = (a & LO32, a >> 32, b & LO32, b >> 32);
    let (ll, lh, hl, hh) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (ll >> 32) + (lh & LO32) + (hl & LO32);
    let lo = (ll & LO32) | (mid << 32);
    let hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    // The scalar reduction (see `reduce128_split`): 2^64 ≡ ε, 2^96 ≡ −1.
    let (hi_hi, hi_lo) = (hi >> 32, hi & LO32);
    let (t0, borrow) = lo.overflowing_sub(hi_hi);
    let t0 = t0.wrapping_sub(select(borrow, EPSILON));
    let t1 = (hi << 32) - hi_lo;
    let (res, carry) = t0.overflowing_add(t1);
    res.wrapping_add(select(carry, EPSILON))
}

macro_rules! lanewise {
    ($trait:ident, $method:ident, $lane:ident) => {
        impl $trait for PackedGoldilocks {
            type Output = Self;

            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                Self(core::array::from_fn(|i| {
                    Goldilocks($lane(self.0[i].0, rhs.0[i].0))
                }))
            }
        }
    };
}

impl From<Goldilocks> for PackedGoldilocks {
    /// Every lane `x`.
    #[inline(always)]
    fn from(x: Goldilocks) -> Self {
        Self([x; LANES])
    }
}

lanewise!(Add, add, add_lane);
lanewise!(Sub, sub, sub_lane);
lanewise!(Mul, mul, mul_lane);

/// The instruction set found at first use; `CARBIDE_SIMD=off` forces the scalar build of the
/// same code (to compare against, or to rule SIMD out).
fn arch() -> pulp::Arch {
    static ARCH: OnceLock<pulp::Arch> = OnceLock::new();
    *ARCH.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        if crate::packed::simd_disabled() {
            return pulp::Arch::Scalar;
        }
        pulp::Arch::new()
    })
}

/// The AVX2 token where the kernels run with AVX2 and not AVX-512: for code written for
/// eight 32-bit lanes, which AVX-512 machines run through the sixteen-lane generic kernels.
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2_only() -> Option<pulp::x86::V3> {
    match arch() {
        pulp::Arch::V3(simd) => Some(simd),
        _ => None,
    }
}

impl PackedGoldilocks {
    /// `out[k]` = word k of each of eight rows (lane l from `rows[l]`), for k below
    /// `out.len()`, which no row may be shorter than: rows turned into lanes, as kernels that
    /// evaluate eight points at once read a row-major matrix. With AVX2 (and not AVX-512)
    /// four-by-four blocks are transposed in registers instead of gathered word by word.
    #[inline]
    pub fn transpose_rows(rows: [&[Goldilocks]; LANES], out: &mut [Self]) {
        let width = out.len();
        let rows = rows.map(|r| &r[..width]);
        #[cfg(target_arch = "x86_64")]
        if let Some(simd) = avx2_only() {
            return pulp::Simd::vectorize(simd, Transpose { simd, rows, out });
        }
        for (k, o) in out.iter_mut().enumerate() {
            *o = Self(core::array::from_fn(|l| rows[l][k]));
        }
    }
}

#[cfg(target_arch = "x86_64")]
struct Transpose<'a, 'b> {
    simd: pulp::x86::V3,
    rows: [&'a [Goldilocks]; LANES],
    out: &'b mut [PackedGoldilocks],
}

#[cfg(target_arch = "x86_64")]
impl pulp::WithSimd for Transpose<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        use core::arch::x86_64::__m256i;
        let Self { simd, rows, out } = self;
        let a = simd.avx2;
        let full = out.len() / 4 * 4;
        for k in (0..full).step_by(4) {
            for half in 0..2 {
                let r: [__m256i; 4] = core::array::from_fn(|i| {
                    let w = &rows[4 * half + i][k..k + 4];
                    pulp::cast::<[u64; 4], _>(core::array::from_fn(|j| w[j].0))
                });
                let t = [
                    a._mm256_unpacklo_epi64(r[0], r[1]),
                    a._mm256_unpackhi_epi64(r[0], r[1]),
                    a._mm256_unpacklo_epi64(r[2], r[3]),
                    a._mm256_unpackhi_epi64(r[2], r[3]),
                ];
                let columns = [
                    a._mm256_permute2x128_si256::<0x20>(t[0], t[2]),
                    a._mm256_permute2x128_si256::<0x20>(t[1], t[3]),
                    a._mm256_permute2x128_si256::<0x31>(t[0], t[2]),
                    a._mm256_permute2x128_si256::<0x31>(t[1], t[3]),
                ];
                for (j, c) in columns.into_iter().enumerate() {
                    let words: [u64; 4] = pulp::cast(c);
                    for (o, w) in out[k + j].0[4 * half..4 * half + 4].iter_mut().zip(words) {
                        *o = Goldilocks(w);
                    }
                }
            }
        }
        for (k, o) in out.iter_mut().enumerate().skip(full) {
            *o = PackedGoldilocks(core::array::from_fn(|l| rows[l][k]));
        }
    }
}

impl PackedField for PackedGoldilocks {
    type Scalar = Goldilocks;
    const WIDTH: usize = LANES;

    #[inline(always)]
    fn broadcast(x: Goldilocks) -> Self {
        Self([x; LANES])
    }

    #[inline(always)]
    fn from_fn(f: impl FnMut(usize) -> Goldilocks) -> Self {
        Self(core::array::from_fn(f))
    }

    #[inline(always)]
    fn load(slice: &[Goldilocks]) -> Self {
        let lanes = &slice[..LANES];
        Self(core::array::from_fn(|i| lanes[i]))
    }

    #[inline(always)]
    fn store(self, slice: &mut [Goldilocks]) {
        slice[..LANES].copy_from_slice(&self.0);
    }

    #[inline(always)]
    fn vectorized<K: Kernel>(kernel: K) -> K::Output {
        arch().dispatch(Dispatch(kernel))
    }
}

/// Hands a [`Kernel`] to pulp, whose `with_simd` is compiled per instruction set with the
/// kernel inlined into it.
struct Dispatch<K>(K);

impl<K: Kernel> pulp::WithSimd for Dispatch<K> {
    type Output = K::Output;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> K::Output {
        self.0.run()
    }
}

/// The instruction set packed Goldilocks code runs with: `"avx512"`, `"avx2"` or `"scalar"`
/// (for benchmark reports).
pub fn simd_level() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    return match arch() {
        pulp::Arch::V4(_) => "avx512",
        pulp::Arch::V3(_) => "avx2",
        _ => "scalar",
    };
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = arch();
        "portable"
    }
}

/// `M·v` for a 12×12 circulant-plus-diagonal matrix with entries below 2^6 (Poseidon's MDS
/// layer), lane by lane on raw u64 representatives: each product of a 32-bit half with a small
/// entry fits 38 bits, so a row sums in two u64 accumulators (low and high halves, below
/// 2^42 each) and is reduced once, instead of thirteen full products.
#[inline(always)]
fn small_mds_lanes<const L: usize>(
    v: &[[u64; L]; 12],
    circ: &[u64; 12],
    diag: &[u64; 12],
) -> [[u64; L]; 12] {
    let mut lo = [[0u64; L]; 12];
    let mut hi = [[0u64; L]; 12];
    for i in 0..12 {
        for l in 0..L {
            lo[i][l] = v[i][l] & LO32;
            hi[i][l] = v[i][l] >> 32;
        }
    }
    let mut out = [[0u64; L]; 12];
    for r in 0..12 {
        let mut al = [0u64; L];
        let mut ah = [0u64; L];
        for l in 0..L {
            al[l] = lo[r][l] * diag[r];
            ah[l] = hi[r][l] * diag[r];
        }
        for (i, &c) in circ.iter().enumerate() {
            let k = (i + r) % 12;
            for l in 0..L {
                al[l] += lo[k][l] * c;
                ah[l] += hi[k][l] * c;
            }
        }
        for l in 0..L {
            // al + ah·2^32 with ah = ah_hi·2^32 + ah_lo: ah_hi·2^64 ≡ ah_hi·ε, ah_hi < 2^10.
            let (s, c1) = al[l].overflowing_add((ah[l] & LO32) << 32);
            let t = ((ah[l] >> 32) + c1 as u64) * EPSILON;
            let (r2, c2) = s.overflowing_add(t);
            // An overflow leaves r2 < t < 2^43: adding ε cannot overflow again.
            out[r][l] = r2.wrapping_add(select(c2, EPSILON));
        }
    }
    out
}

/// Poseidon's MDS layer with small entries, on one state or on eight side by side.
pub(crate) trait SmallMds: Sized {
    /// `M·v`, M = circ(circ) + diag(diag), every entry below 2^6.
    fn small_mds(v: &[Self; 12], circ: &[u64; 12], diag: &[u64; 12]) -> [Self; 12];
}

impl SmallMds for Goldilocks {
    #[inline(always)]
    fn small_mds(v: &[Self; 12], circ: &[u64; 12], diag: &[u64; 12]) -> [Self; 12] {
        small_mds_lanes::<1>(&v.map(|x| [x.0]), circ, diag).map(|[x]| Goldilocks(x))
    }
}

impl SmallMds for PackedGoldilocks {
    #[inline(always)]
    fn small_mds(v: &[Self; 12], circ: &[u64; 12], diag: &[u64; 12]) -> [Self; 12] {
        small_mds_lanes::<LANES>(&v.map(|p| p.0.map(|x| x.0)), circ, diag)
            .map(|lanes| Self(lanes.map(Goldilocks)))
    }
}
