// The GPU MSM, Σ k_i·P_i, by Pippenger's method with signed c-bit digits:
//   1. msm_digits: each scalar (arkworks' Montgomery Fr) to its canonical integer, then to W
//      signed digits; (bucket |d|, point i with the sign in bit 31) per window, and a count
//      per (window, bucket);
//   2. msm_scan: exclusive prefix sums of the counts, per window (bucket offsets);
//   3. msm_scatter: a counting sort (one radix pass over the bucket bits): each pair to its
//      bucket's next slot;
//   4. msm_accumulate_<curve>: one thread per (window, bucket) sums its points in XYZZ;
//   5. msm_reduce_<curve>: per window, T threads each take a run of buckets [a, b) and
//      compute Σ (k − a + 1)·B_k by running sums, plus (a − 1)·Σ B_k;
//   6. msm_window_sum_<curve>: per window, the sum of its T partial results.
// The host combines the W window sums: Σ_w 2^(c·w)·S_w.
#include "field/mont256.cuh"
#include "field/fq2.cuh"
#include "curve/xyzz.cuh"

// Bits [lo, lo + c) of the 256-bit little-endian integer k (c ≤ 24).
__device__ __forceinline__ u32 window_bits(const u32 k[8], u32 lo, u32 c) {
    u32 word = lo / 32, shift = lo % 32;
    if (word >= 8) return 0;
    u64 v = k[word];
    if (word + 1 < 8) v |= (u64)k[word + 1] << 32;
    return (u32)(v >> shift) & ((1u << c) - 1);
}

// Scalars (4 words each, Montgomery) → per window w: bucket[w·n + i] = |d| and
// entry[w·n + i] = i | sign << 31; counts[w·B + |d|] += 1 for d ≠ 0, B = 2^(c−1) + 1.
// With `fold` (precomputed multiples 2^(c·w)·P_i at index i·windows + w): entry = (i·windows
// + w) | sign << 31 and every window counts into the one bucket set of window 0.
extern "C" __global__ void msm_digits(const u64* scalars, u32 n, u32 c, u32 windows, u32 fold,
                                      u32* bucket, u32* entry, u32* counts) {
    const u32 B = (1u << (c - 1)) + 1;
    for (u32 i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        u32 m[8], one[8] = {1, 0, 0, 0, 0, 0, 0, 0}, k[8];
        for (int j = 0; j < 4; j++) {
            u64 w = scalars[4 * (u64)i + j];
            m[2 * j] = (u32)w;
            m[2 * j + 1] = (u32)(w >> 32);
        }
        // a·R · 1 · R^−1 = a: out of Montgomery form.
        bn254_fr::mul(k, m, one);
        u32 carry = 0;
        for (u32 w = 0; w < windows; w++) {
            u32 d = window_bits(k, w * c, c) + carry;
            u32 neg = 0;
            if (d > (1u << (c - 1))) {
                d = (1u << c) - d;
                neg = 1;
                carry = 1;
            } else {
                carry = 0;
            }
            u64 at = (u64)w * n + i;
            bucket[at] = d;
            entry[at] = (fold ? i * windows + w : i) | (neg << 31);
            if (d) atomicAdd(&counts[(fold ? 0 : (u64)w * B) + d], 1u);
        }
    }
}

// The runs' sums of msm_scan (file scope, so the host build shares it among a block's
// threads as the GPU does).
__shared__ u32 msm_scan_sums[256];

// offsets[w·B + b] = Σ_{b' < b} counts[w·B + b'], one block of 256 threads per window: each
// thread sums a run of buckets, thread 0 scans the runs' sums, each thread writes its run's
// prefixes.
extern "C" __global__ void msm_scan(const u32* counts, u32* offsets, u32 B) {
    u32* sums = msm_scan_sums;
    const u64 base = (u64)blockIdx.x * B;
    const u32 run = (B + blockDim.x - 1) / blockDim.x;
    const u32 lo = threadIdx.x * run;
    const u32 hi = lo + run < B ? lo + run : B;
    u32 s = 0;
    for (u32 b = lo; b < hi; b++) s += counts[base + b];
    sums[threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.x == 0) {
        u32 acc = 0;
        for (u32 t = 0; t < blockDim.x; t++) {
            u32 v = sums[t];
            sums[t] = acc;
            acc += v;
        }
    }
    __syncthreads();
    u32 acc = sums[threadIdx.x];
    for (u32 b = lo; b < hi; b++) {
        offsets[base + b] = acc;
        acc += counts[base + b];
    }
}

// sorted[w·n + cursor[w·B + b]++] = entry, for every pair with b ≠ 0 (cursor starts as the
// offsets; with `fold`, window 0's cursors and list for every pair). The order inside a
// bucket is whatever the atomics give; the sum is the same.
extern "C" __global__ void msm_scatter(const u32* bucket, const u32* entry, u32 n, u32 c,
                                       u32 windows, u32 fold, u32* cursor, u32* sorted) {
    const u32 B = (1u << (c - 1)) + 1;
    const u64 total = (u64)windows * n;
    for (u64 at = blockIdx.x * (u64)blockDim.x + threadIdx.x; at < total;
         at += (u64)gridDim.x * blockDim.x) {
        u32 b = bucket[at];
        if (!b) continue;
        u64 w = fold ? 0 : at / n;
        u32 slot = atomicAdd(&cursor[w * B + b], 1u);
        sorted[w * n + slot] = entry[at];
    }
}

// Bucket (w, b), b in 1..B: the sum of its points (negated where the sign bit says).
template <class F>
__device__ __forceinline__ void accumulate(const u64* bases, const u32* sorted,
                                           const u32* offsets, const u32* counts, u32 n, u32 B,
                                           u32 windows, u64* buckets) {
    const u64 total = (u64)windows * B;
    for (u64 at = blockIdx.x * (u64)blockDim.x + threadIdx.x; at < total;
         at += (u64)gridDim.x * blockDim.x) {
        u64 w = at / B;
        xyzz_t<F> acc = xyzz_t<F>::inf();
        if (at % B != 0) {
            const u32* list = sorted + w * n + offsets[at];
            for (u32 j = 0; j < counts[at]; j++) {
                u32 e = list[j];
                affine_t<F> p = affine_t<F>::load(bases, e & 0x7fffffffu);
                if (e >> 31) p.y = p.y.neg();
                acc = acc.add_affine(p);
            }
        }
        acc.store(buckets, at);
    }
}

// Window w, run j of T: buckets [a, a + len) with a = 1 + j·len, len = (B − 1)/T:
// Σ_k (k − a + 1)·B_k + (a − 1)·Σ_k B_k = Σ_k k·B_k over the run.
template <class F>
__device__ __forceinline__ void reduce(const u64* buckets, u32 B, u32 T, u32 windows,
                                       u64* partial) {
    const u64 total = (u64)windows * T;
    for (u64 at = blockIdx.x * (u64)blockDim.x + threadIdx.x; at < total;
         at += (u64)gridDim.x * blockDim.x) {
        u64 w = at / T;
        u32 j = at % T;
        u32 len = (B - 1) / T;
        u32 a = 1 + j * len;
        xyzz_t<F> running = xyzz_t<F>::inf(), acc = xyzz_t<F>::inf();
        for (u32 k = a + len; k-- > a;) {
            running = running.add(xyzz_t<F>::load(buckets, w * B + k));
            acc = acc.add(running);
        }
        acc = acc.add(running.mul_small(a - 1));
        acc.store(partial, at);
    }
}

// sums[w] = Σ_j partial[w·T + j].
template <class F>
__device__ __forceinline__ void window_sum(const u64* partial, u32 T, u32 windows, u64* sums) {
    for (u32 w = blockIdx.x * blockDim.x + threadIdx.x; w < windows; w += gridDim.x * blockDim.x) {
        xyzz_t<F> acc = xyzz_t<F>::inf();
        for (u32 j = 0; j < T; j++) acc = acc.add(xyzz_t<F>::load(partial, (u64)w * T + j));
        acc.store(sums, w);
    }
}

#define MSM_KERNELS(NAME, F)                                                                   \
    extern "C" __global__ void msm_accumulate_##NAME(const u64* bases, const u32* sorted,      \
                                                     const u32* offsets, const u32* counts,    \
                                                     u32 n, u32 B, u32 windows, u64* buckets) { \
        accumulate<F>(bases, sorted, offsets, counts, n, B, windows, buckets);                 \
    }                                                                                          \
    extern "C" __global__ void msm_reduce_##NAME(const u64* buckets, u32 B, u32 T, u32 windows, \
                                                 u64* partial) {                               \
        reduce<F>(buckets, B, T, windows, partial);                                            \
    }                                                                                          \
    extern "C" __global__ void msm_window_sum_##NAME(const u64* partial, u32 T, u32 windows,   \
                                                     u64* sums) {                              \
        window_sum<F>(partial, T, windows, sums);                                              \
    }

MSM_KERNELS(bn254_g1, bn254_fq_t)
MSM_KERNELS(bn254_g2, bn254_fq2_t)
