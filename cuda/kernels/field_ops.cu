// Element-wise field operations, one thread per element: the GPU side of the field tests
// (each operation against the CPU on edge and random values).
#include "field/goldilocks.cuh"
#include "field/goldilocks_ext2.cuh"
#include "field/mont256.cuh"

extern "C" __global__ void goldilocks_add(const u64* a, const u64* b, u64* out, u32 n) {
    u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = goldilocks::add(a[i], b[i]);
}

extern "C" __global__ void goldilocks_sub(const u64* a, const u64* b, u64* out, u32 n) {
    u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = goldilocks::sub(a[i], b[i]);
}

extern "C" __global__ void goldilocks_mul(const u64* a, const u64* b, u64* out, u32 n) {
    u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = goldilocks::mul(a[i], b[i]);
}

// 256-bit fields: element i is words 4i..4i+4 (arkworks' Montgomery limbs), read as 8 u32.
#define MONT256_BINARY(NAME, FIELD, OP)                                                     \
    extern "C" __global__ void NAME(const u64* a, const u64* b, u64* out, u32 n) {         \
        u32 i = blockIdx.x * blockDim.x + threadIdx.x;                                     \
        if (i >= n) return;                                                                \
        u32 x[8], y[8], z[8];                                                              \
        for (int k = 0; k < 4; k++) {                                                      \
            x[2 * k] = (u32)a[4 * i + k]; x[2 * k + 1] = (u32)(a[4 * i + k] >> 32);         \
            y[2 * k] = (u32)b[4 * i + k]; y[2 * k + 1] = (u32)(b[4 * i + k] >> 32);         \
        }                                                                                  \
        FIELD::OP(z, x, y);                                                                \
        for (int k = 0; k < 4; k++) out[4 * i + k] = (u64)z[2 * k] | ((u64)z[2 * k + 1] << 32); \
    }

MONT256_BINARY(bn254_fr_add, bn254_fr, add)
MONT256_BINARY(bn254_fr_sub, bn254_fr, sub)
MONT256_BINARY(bn254_fr_mul, bn254_fr, mul)
MONT256_BINARY(bn254_fq_add, bn254_fq, add)
MONT256_BINARY(bn254_fq_sub, bn254_fq, sub)
MONT256_BINARY(bn254_fq_mul, bn254_fq, mul)
// The portable reference versions, so a carry-chain fault shows as a disagreement here.
MONT256_BINARY(bn254_fr_add_portable, bn254_fr, add_portable)
MONT256_BINARY(bn254_fr_sub_portable, bn254_fr, sub_portable)
MONT256_BINARY(bn254_fr_mul_portable, bn254_fr, mul_portable)
MONT256_BINARY(bn254_fq_add_portable, bn254_fq, add_portable)
MONT256_BINARY(bn254_fq_sub_portable, bn254_fq, sub_portable)
MONT256_BINARY(bn254_fq_mul_portable, bn254_fq, mul_portable)

// Goldilocks ext2: element i is words 2i, 2i+1.
#define EXT2_BINARY(NAME, OP)                                                       \
    extern "C" __global__ void NAME(const u64* a, const u64* b, u64* out, u32 n) { \
        u32 i = blockIdx.x * blockDim.x + threadIdx.x;                             \
        if (i < n) goldilocks_ext2::OP(out + 2 * i, a + 2 * i, b + 2 * i);         \
    }

EXT2_BINARY(goldilocks_ext2_add, add)
EXT2_BINARY(goldilocks_ext2_sub, sub)
EXT2_BINARY(goldilocks_ext2_mul, mul)
