// Poseidon over Goldilocks with plonky2's parameters (width 12, x^7, 4 + 22 + 4 rounds), as
// carbide_field::poseidon computes it. The 360 round constants come from the host as a kernel
// argument (carbide_field::poseidon::ROUND_CONSTANTS), so they have one source; the MDS
// matrix is plonky2's circulant + diagonal. Digests are stored canonical.
#pragma once

#include "field/goldilocks.cuh"

namespace poseidon {

static constexpr int WIDTH = 12, RATE = 8, DIGEST = 4, HALF_FULL = 4, PARTIAL = 22;

__device__ __forceinline__ u64 canonical(u64 v) { return v >= goldilocks::P ? v - goldilocks::P : v; }

__device__ __forceinline__ u64 sbox(u64 x) {
    u64 x2 = goldilocks::mul(x, x);
    u64 x4 = goldilocks::mul(x2, x2);
    return goldilocks::mul(goldilocks::mul(x, x2), x4);
}

// state ← M·state: each row's 13 products (canonical inputs times constants below 2^6) summed
// in 128 bits and reduced once, as the CPU does.
__device__ __forceinline__ void mds(u64 s[WIDTH]) {
    const u64 circ[WIDTH] = {17, 15, 41, 16, 2, 28, 13, 13, 39, 18, 34, 20};
    const u64 diag0 = 8;
    u64 v[WIDTH];
#pragma unroll
    for (int i = 0; i < WIDTH; i++) v[i] = canonical(s[i]);
#pragma unroll
    for (int r = 0; r < WIDTH; r++) {
        u64 lo = r == 0 ? v[0] * diag0 : 0, hi = r == 0 ? __umul64hi(v[0], diag0) : 0;
#pragma unroll
        for (int i = 0; i < WIDTH; i++) {
            u64 x = v[(i + r) % WIDTH];
            u64 plo = x * circ[i], phi = __umul64hi(x, circ[i]);
            u64 t = lo + plo;
            hi += phi + (t < lo ? 1 : 0);
            lo = t;
        }
        s[r] = goldilocks::reduce128(lo, hi);
    }
}

__device__ __forceinline__ void add_constants(u64 s[WIDTH], const u64* rc, int round) {
#pragma unroll
    for (int i = 0; i < WIDTH; i++) s[i] = goldilocks::add(s[i], rc[WIDTH * round + i]);
}

__device__ __noinline__ void permute(u64 s[WIDTH], const u64* rc) {
    int round = 0;
    for (int k = 0; k < HALF_FULL; k++, round++) {
        add_constants(s, rc, round);
#pragma unroll
        for (int i = 0; i < WIDTH; i++) s[i] = sbox(s[i]);
        mds(s);
    }
    for (int k = 0; k < PARTIAL; k++, round++) {
        add_constants(s, rc, round);
        s[0] = sbox(s[0]);
        mds(s);
    }
    for (int k = 0; k < HALF_FULL; k++, round++) {
        add_constants(s, rc, round);
#pragma unroll
        for (int i = 0; i < WIDTH; i++) s[i] = sbox(s[i]);
        mds(s);
    }
}

}  // namespace poseidon
