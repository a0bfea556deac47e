// Goldilocks, p = 2^64 - 2^32 + 1, in plonky2's representation (any u64, congruent mod p).
// Every operation computes exactly the u64 the CPU's carbide_field::Goldilocks does (same
// corrections in the same order), so GPU and CPU results are bit-identical, not just equal
// mod p.
#pragma once

typedef unsigned long long u64;
typedef unsigned int u32;

namespace goldilocks {

// 2^64 mod p.
static constexpr u64 EPSILON = 0xffffffffull;

__device__ __forceinline__ u64 add(u64 a, u64 b) {
    u64 sum = a + b;
    bool over = sum < a;
    u64 s2 = sum + (over ? EPSILON : 0);
    bool over2 = s2 < sum;
    return over2 ? s2 + EPSILON : s2;
}

__device__ __forceinline__ u64 sub(u64 a, u64 b) {
    u64 diff = a - b;
    bool under = a < b;
    u64 d2 = diff - (under ? EPSILON : 0);
    bool under2 = diff < (under ? EPSILON : 0);
    return under2 ? d2 - EPSILON : d2;
}

// x_lo + 2^64 x_hi reduced as the CPU's reduce128: 2^64 = eps, 2^96 = -1.
__device__ __forceinline__ u64 reduce128(u64 x_lo, u64 x_hi) {
    u64 x_hi_hi = x_hi >> 32;
    u64 x_hi_lo = x_hi & EPSILON;
    u64 t0 = x_lo - x_hi_hi;
    if (x_lo < x_hi_hi) {
        t0 -= EPSILON;
    }
    u64 t1 = (x_hi << 32) - x_hi_lo;
    u64 res = t0 + t1;
    bool carry = res < t0;
    return res + (carry ? EPSILON : 0);
}

__device__ __forceinline__ u64 mul(u64 a, u64 b) {
    return reduce128(a * b, __umul64hi(a, b));
}

static constexpr u64 P = 0xffffffff00000001ull;

}  // namespace goldilocks

// A Goldilocks element as the NTT kernels use it: operators on the functions above; stores
// write the canonical u64 (below p), so a result has one encoding whatever the order of
// operations that produced it.
struct gl_t {
    u64 v;

    __device__ __forceinline__ static gl_t zero() { return gl_t{0}; }
    __device__ __forceinline__ static gl_t load(const u64* base, u64 i) { return gl_t{base[i]}; }
    __device__ __forceinline__ void store(u64* base, u64 i) const {
        base[i] = v >= goldilocks::P ? v - goldilocks::P : v;
    }
    __device__ __forceinline__ gl_t operator+(const gl_t& b) const {
        return gl_t{goldilocks::add(v, b.v)};
    }
    __device__ __forceinline__ gl_t operator-(const gl_t& b) const {
        return gl_t{goldilocks::sub(v, b.v)};
    }
    __device__ __forceinline__ gl_t operator*(const gl_t& b) const {
        return gl_t{goldilocks::mul(v, b.v)};
    }
};
