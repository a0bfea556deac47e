// The quadratic extension of Goldilocks, X^2 = 7 (plonky2's), as two u64 words. Multiplication
// sums 128-bit products before one reduction per coordinate, exactly as the CPU's
// GoldilocksExt2 does, so results are bit-identical.
#pragma once

#include "field/goldilocks.cuh"

namespace goldilocks_ext2 {

static constexpr u64 W = 7;

// (x + y) mod p for 128-bit x, y given as (lo, hi): a carry out of 128 bits is worth
// 2^128 = -2^32 mod p (the CPU's from_u129).
__device__ __forceinline__ u64 reduce129(u64 x_lo, u64 x_hi, u64 y_lo, u64 y_hi) {
    u64 lo = x_lo + y_lo;
    u64 c0 = lo < x_lo ? 1 : 0;
    u64 hi = x_hi + y_hi;
    bool c1 = hi < x_hi;
    u64 hi2 = hi + c0;
    bool c2 = hi2 < hi;
    bool carry = c1 || c2;
    return goldilocks::sub(goldilocks::reduce128(lo, hi2), carry ? (1ull << 32) : 0);
}

__device__ __forceinline__ void add(u64 out[2], const u64 a[2], const u64 b[2]) {
    out[0] = goldilocks::add(a[0], b[0]);
    out[1] = goldilocks::add(a[1], b[1]);
}

__device__ __forceinline__ void sub(u64 out[2], const u64 a[2], const u64 b[2]) {
    out[0] = goldilocks::sub(a[0], b[0]);
    out[1] = goldilocks::sub(a[1], b[1]);
}

__device__ __forceinline__ void mul(u64 out[2], const u64 a[2], const u64 b[2]) {
    u64 r = goldilocks::reduce128(a[1] * b[1], __umul64hi(a[1], b[1]));
    u64 w_lo = r * W;
    u64 w_hi = __umul64hi(r, W);
    u64 c0 = reduce129(a[0] * b[0], __umul64hi(a[0], b[0]), w_lo, w_hi);
    u64 c1 = reduce129(a[0] * b[1], __umul64hi(a[0], b[1]), a[1] * b[0], __umul64hi(a[1], b[0]));
    out[0] = c0;
    out[1] = c1;
}

}  // namespace goldilocks_ext2
