// BN254's Fq2 = Fq[u]/(u² + 1), as arkworks' Fq2: (c0, c1) = c0 + c1·u, each a Montgomery
// Fq element, so a device Fq2 is arkworks' eight u64 words.
#pragma once

#include "field/mont256.cuh"

struct bn254_fq2_t {
    typedef bn254_fq_t F;
    F c0, c1;

    __device__ __forceinline__ static bn254_fq2_t zero() { return {F::zero(), F::zero()}; }
    __device__ __forceinline__ static bn254_fq2_t one() { return {F::one(), F::zero()}; }
    __device__ __forceinline__ bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
    __device__ __forceinline__ bool operator==(const bn254_fq2_t& b) const {
        return c0 == b.c0 && c1 == b.c1;
    }
    __device__ __forceinline__ bn254_fq2_t operator+(const bn254_fq2_t& b) const {
        return {c0 + b.c0, c1 + b.c1};
    }
    __device__ __forceinline__ bn254_fq2_t operator-(const bn254_fq2_t& b) const {
        return {c0 - b.c0, c1 - b.c1};
    }
    // Karatsuba: three Fq products.
    __device__ __forceinline__ bn254_fq2_t operator*(const bn254_fq2_t& b) const {
        F v0 = c0 * b.c0, v1 = c1 * b.c1;
        F m = (c0 + c1) * (b.c0 + b.c1);
        return {v0 - v1, m - v0 - v1};
    }
    __device__ __forceinline__ bn254_fq2_t neg() const { return {c0.neg(), c1.neg()}; }
    __device__ __forceinline__ bn254_fq2_t dbl() const { return {c0.dbl(), c1.dbl()}; }
    // (c0 + c1 u)² = (c0 + c1)(c0 − c1) + 2 c0 c1 u.
    __device__ __forceinline__ bn254_fq2_t sqr() const {
        F t = c0 * c1;
        return {(c0 + c1) * (c0 - c1), t.dbl()};
    }
    __device__ __forceinline__ static bn254_fq2_t load(const u64* base, u64 i) {
        return {F::load(base, 2 * i), F::load(base, 2 * i + 1)};
    }
    __device__ __forceinline__ void store(u64* base, u64 i) const {
        c0.store(base, 2 * i);
        c1.store(base, 2 * i + 1);
    }
};
