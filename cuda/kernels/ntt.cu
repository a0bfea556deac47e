// The GPU NTT: radix-2 decimation in time over columns, several stages per launch in shared
// memory. One kernel, `ntt_pass`, runs every launch; its parameters say where a launch reads
// (the caller's layout, bit-reversed, zero-padded and scaled, for the first pass; the working
// layout after) and where it writes (the caller's layout, scaled, for the last pass). So a
// transform of 2^24 elements is three launches, each one read and one write of the data.
//
// Working layout: column c, position g at c·n + g. Stage s (half-size h = 2^s) pairs positions
// i and i + h (bit s of i clear) with the twiddle ω_(2h)^(i mod h). A launch covers stages
// s0 .. s0+k−1: a block holds the 2^(k+t) positions whose bits [t, s0) and [s0+k, log n) are
// fixed by its index; bits [0, t) vary across neighbouring threads so global reads coalesce,
// bits [s0, s0+k) are the ones the stages pair. Twiddles come from one table of ω_N^m,
// m < N/2, for the largest size N in use: ω_(2h)^e = ω_N^(e·N/2h); the inverse transform reads
// ω_N^(−m) = −ω_N^(N/2−m). The host-side model in cuda/src/ntt/model.rs follows this file
// index for index and is tested against the CPU NTT.
#include "field/goldilocks.cuh"
#include "field/mont256.cuh"

__device__ __forceinline__ u64 reverse_bits(u64 x, u32 bits) {
    return bits == 0 ? 0 : __brevll(x) >> (64 - bits);
}

// lo[r & mask] · hi[r >> lo_bits], hi absent meaning 1: a power g^r (or c·g^r) from two
// tables of about √n entries each.
template <class F>
__device__ __forceinline__ F scale_of(const u64* lo, const u64* hi, u32 lo_bits, u64 r) {
    F x = F::load(lo, r & ((1ull << lo_bits) - 1));
    return hi ? x * F::load(hi, r >> lo_bits) : x;
}

template <class F>
__device__ __forceinline__ void ntt_pass(
    const u64* src, u64* dst, const u64* tw, u32 tw_log, u32 inverse,
    u32 log_n, u32 s0, u32 k, u32 t, u32 width,
    u64 in_rs, u64 in_cs, u64 in_rows, u32 in_bitrev,
    const u64* in_lo, const u64* in_hi, u32 in_lo_bits,
    u64 out_rs, u64 out_cs, const u64* out_lo, const u64* out_hi, u32 out_lo_bits) {
    extern __shared__ uint4 smem_raw[];
    F* s = reinterpret_cast<F*>(smem_raw);
    const u32 L = k + t;
    const u32 size = 1u << L;
    const u64 b = blockIdx.x;
    const u32 mid_bits = s0 - t;
    const u64 mid = b & ((1ull << mid_bits) - 1);
    const u64 high = b >> mid_bits;
    const u64 tmask = (1ull << t) - 1;
    // The global position of local slot l.
#define POS(l) (((u64)(l) & tmask) | (mid << t) | (((u64)(l) >> t) << s0) | (high << (s0 + k)))
    for (u32 c = blockIdx.y; c < width; c += gridDim.y) {
        for (u32 l = threadIdx.x; l < size; l += blockDim.x) {
            u64 g = POS(l);
            u64 r = in_bitrev ? reverse_bits(g, log_n) : g;
            F x = F::zero();
            if (r < in_rows) {
                x = F::load(src, r * in_rs + (u64)c * in_cs);
                if (in_lo) x = x * scale_of<F>(in_lo, in_hi, in_lo_bits, r);
            }
            s[l] = x;
        }
        __syncthreads();
        for (u32 q = 0; q < k; q++) {
            const u32 stage = s0 + q, p = t + q;
            for (u32 bf = threadIdx.x; bf < size / 2; bf += blockDim.x) {
                u32 i = ((bf >> p) << (p + 1)) | (bf & ((1u << p) - 1));
                u32 j = i | (1u << p);
                u64 e = POS(i) & ((1ull << stage) - 1);
                u64 m = e << (tw_log - 1 - stage);
                F x = s[i];
                if (inverse && m != 0) {
                    F v = s[j] * F::load(tw, (1ull << (tw_log - 1)) - m);
                    s[i] = x - v;
                    s[j] = x + v;
                } else {
                    F v = s[j] * F::load(tw, m);
                    s[i] = x + v;
                    s[j] = x - v;
                }
            }
            __syncthreads();
        }
        for (u32 l = threadIdx.x; l < size; l += blockDim.x) {
            u64 g = POS(l);
            F x = s[l];
            if (out_lo) x = x * scale_of<F>(out_lo, out_hi, out_lo_bits, g);
            x.store(dst, g * out_rs + (u64)c * out_cs);
        }
        __syncthreads();
    }
#undef POS
}

// out[m] = lo[m & mask] · hi[m >> lo_bits] for m < count: the twiddle table (or any table of
// powers) from two short ones.
template <class F>
__device__ __forceinline__ void powers(const u64* lo, const u64* hi, u32 lo_bits, u64* out,
                                       u64 count) {
    for (u64 m = blockIdx.x * (u64)blockDim.x + threadIdx.x; m < count;
         m += (u64)gridDim.x * blockDim.x) {
        scale_of<F>(lo, hi, lo_bits, m).store(out, m);
    }
}

#define NTT_KERNELS(NAME, F)                                                                  \
    extern "C" __global__ void ntt_pass_##NAME(                                               \
        const u64* src, u64* dst, const u64* tw, u32 tw_log, u32 inverse, u32 log_n, u32 s0,  \
        u32 k, u32 t, u32 width, u64 in_rs, u64 in_cs, u64 in_rows, u32 in_bitrev,            \
        const u64* in_lo, const u64* in_hi, u32 in_lo_bits, u64 out_rs, u64 out_cs,           \
        const u64* out_lo, const u64* out_hi, u32 out_lo_bits) {                              \
        ntt_pass<F>(src, dst, tw, tw_log, inverse, log_n, s0, k, t, width, in_rs, in_cs,      \
                    in_rows, in_bitrev, in_lo, in_hi, in_lo_bits, out_rs, out_cs, out_lo,     \
                    out_hi, out_lo_bits);                                                     \
    }                                                                                         \
    extern "C" __global__ void powers_##NAME(const u64* lo, const u64* hi, u32 lo_bits,       \
                                             u64* out, u64 count) {                           \
        powers<F>(lo, hi, lo_bits, out, count);                                               \
    }

NTT_KERNELS(goldilocks, gl_t)
NTT_KERNELS(bn254_fr, bn254_fr_t)
