// Element-wise field operations, one thread per element: the GPU side of the field tests
// (each operation against the CPU on edge and random values).
#include "field/goldilocks.cuh"

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
