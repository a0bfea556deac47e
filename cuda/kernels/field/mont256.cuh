// 256-bit prime fields in Montgomery form (R = 2^256), eight 32-bit limbs, little-endian: the
// bytes arkworks keeps for its 4×64-bit Montgomery limbs, so device data is host data.
// Templated once over the modulus (sppark's layout); a field is one more Params struct.
// Every result is canonical (below p), as arkworks' are, so GPU and CPU agree bit for bit.
// add/sub/mul run on PTX carry chains; the *_portable versions (64-bit partial sums, plain
// C++) are the reference the GPU tests hold them to.
#pragma once

#include "field/ptx.cuh"

typedef unsigned long long u64;
typedef unsigned int u32;

template <class Params>
struct mont256 {
    static constexpr int N = 8;

    // a >= p, limb by limb from the top.
    __device__ __forceinline__ static bool geq_p(const u32 a[N]) {
        for (int i = N - 1; i >= 0; i--) {
            if (a[i] != Params::p(i)) return a[i] > Params::p(i);
        }
        return true;
    }

    // a -= p (caller knows a >= p, or a carry bit above it).
    __device__ __forceinline__ static void sub_p(u32 a[N]) {
        u64 borrow = 0;
        for (int i = 0; i < N; i++) {
            u64 d = (u64)a[i] - Params::p(i) - borrow;
            a[i] = (u32)d;
            borrow = (d >> 32) & 1;
        }
    }

    __device__ __forceinline__ static void add_portable(u32 out[N], const u32 a[N], const u32 b[N]) {
        u64 carry = 0;
        for (int i = 0; i < N; i++) {
            u64 s = (u64)a[i] + b[i] + carry;
            out[i] = (u32)s;
            carry = s >> 32;
        }
        if (carry || geq_p(out)) sub_p(out);
    }

    __device__ __forceinline__ static void sub_portable(u32 out[N], const u32 a[N], const u32 b[N]) {
        u64 borrow = 0;
        for (int i = 0; i < N; i++) {
            u64 d = (u64)a[i] - b[i] - borrow;
            out[i] = (u32)d;
            borrow = (d >> 32) & 1;
        }
        if (borrow) {
            u64 carry = 0;
            for (int i = 0; i < N; i++) {
                u64 s = (u64)out[i] + Params::p(i) + carry;
                out[i] = (u32)s;
                carry = s >> 32;
            }
        }
    }

    // CIOS Montgomery product a·b·2^-256 mod p.
    __device__ __forceinline__ static void mul_portable(u32 out[N], const u32 a[N], const u32 b[N]) {
        u32 t[N + 2];
        for (int i = 0; i < N + 2; i++) t[i] = 0;
        for (int i = 0; i < N; i++) {
            u64 c = 0;
            for (int j = 0; j < N; j++) {
                u64 s = (u64)t[j] + (u64)a[j] * b[i] + c;
                t[j] = (u32)s;
                c = s >> 32;
            }
            u64 s = (u64)t[N] + c;
            t[N] = (u32)s;
            t[N + 1] = (u32)(s >> 32);
            u32 m = t[0] * Params::N0;
            c = ((u64)t[0] + (u64)m * Params::p(0)) >> 32;
            for (int j = 1; j < N; j++) {
                u64 s2 = (u64)t[j] + (u64)m * Params::p(j) + c;
                t[j - 1] = (u32)s2;
                c = s2 >> 32;
            }
            u64 s3 = (u64)t[N] + c;
            t[N - 1] = (u32)s3;
            t[N] = t[N + 1] + (u32)(s3 >> 32);
        }
        for (int i = 0; i < N; i++) out[i] = t[i];
        if (t[N] || geq_p(out)) sub_p(out);
    }

    // a + b mod p: one carry chain for the sum, one borrow chain for sum - p, then a select.
    __device__ __forceinline__ static void add(u32 out[N], const u32 a[N], const u32 b[N]) {
        u32 s[N], d[N];
        s[0] = ptx::add_cc(a[0], b[0]);
#pragma unroll
        for (int i = 1; i < N; i++) s[i] = ptx::addc_cc(a[i], b[i]);
        u32 carry = ptx::addc(0, 0);
        d[0] = ptx::sub_cc(s[0], Params::p(0));
#pragma unroll
        for (int i = 1; i < N; i++) d[i] = ptx::subc_cc(s[i], Params::p(i));
        // carry - borrow: all ones exactly when the 257-bit sum is below p.
        u32 below = ptx::subc(carry, 0);
#pragma unroll
        for (int i = 0; i < N; i++) out[i] = below == 0xffffffffu ? s[i] : d[i];
    }

    // a - b mod p: the borrow of the chain, as a mask, selects whether p is added back.
    __device__ __forceinline__ static void sub(u32 out[N], const u32 a[N], const u32 b[N]) {
        u32 d[N];
        d[0] = ptx::sub_cc(a[0], b[0]);
#pragma unroll
        for (int i = 1; i < N; i++) d[i] = ptx::subc_cc(a[i], b[i]);
        u32 mask = ptx::subc(0, 0);
        out[0] = ptx::add_cc(d[0], Params::p(0) & mask);
#pragma unroll
        for (int i = 1; i < N - 1; i++) out[i] = ptx::addc_cc(d[i], Params::p(i) & mask);
        out[N - 1] = ptx::addc(d[N - 1], Params::p(N - 1) & mask);
    }

    // t[0..N+2) += x·y[0..N) (y's words times the one word x): the low halves of the
    // products in one chain, the high halves one word up in a second.
    __device__ __forceinline__ static void mad_row(u32 t[N + 2], const u32 y[N], u32 x) {
        t[0] = ptx::mad_lo_cc(y[0], x, t[0]);
#pragma unroll
        for (int j = 1; j < N; j++) t[j] = ptx::madc_lo_cc(y[j], x, t[j]);
        t[N] = ptx::addc_cc(t[N], 0);
        t[N + 1] = ptx::addc(t[N + 1], 0);
        t[1] = ptx::mad_hi_cc(y[0], x, t[1]);
#pragma unroll
        for (int j = 1; j < N; j++) t[j + 1] = ptx::madc_hi_cc(y[j], x, t[j + 1]);
        t[N + 1] = ptx::addc(t[N + 1], 0);
    }

    // CIOS Montgomery product a·b·2^-256 mod p on carry chains: per word of b, t += a·b_i,
    // then t += m·p with m making the low word zero, and a one-word shift. t stays below
    // 2p < 2^(32(N+1)), so N + 2 words never overflow.
    __device__ __forceinline__ static void mul(u32 out[N], const u32 a[N], const u32 b[N]) {
        u32 t[N + 2], p[N];
#pragma unroll
        for (int i = 0; i < N + 2; i++) t[i] = 0;
#pragma unroll
        for (int i = 0; i < N; i++) p[i] = Params::p(i);
#pragma unroll
        for (int i = 0; i < N; i++) {
            mad_row(t, a, b[i]);
            u32 m = t[0] * Params::N0;
            mad_row(t, p, m);
#pragma unroll
            for (int j = 0; j < N + 1; j++) t[j] = t[j + 1];
            t[N + 1] = 0;
        }
#pragma unroll
        for (int i = 0; i < N; i++) out[i] = t[i];
        if (t[N] || geq_p(out)) sub_p(out);
    }
};

// An element of a 256-bit Montgomery field as the NTT kernels use it: loaded from and stored
// to arkworks' four u64 words (two 16-byte loads; device buffers hold whole elements at
// 32-byte offsets), with operators on the carry-chain arithmetic.
template <class Params>
struct fp256 {
    typedef mont256<Params> ops;
    u32 l[8];

    __device__ __forceinline__ static fp256 zero() {
        fp256 r;
#pragma unroll
        for (int i = 0; i < 8; i++) r.l[i] = 0;
        return r;
    }
    // 1 in Montgomery form (R mod p).
    __device__ __forceinline__ static fp256 one() {
        fp256 r;
#pragma unroll
        for (int i = 0; i < 8; i++) r.l[i] = Params::r(i);
        return r;
    }
    __device__ __forceinline__ bool is_zero() const {
        u32 acc = 0;
#pragma unroll
        for (int i = 0; i < 8; i++) acc |= l[i];
        return acc == 0;
    }
    __device__ __forceinline__ bool operator==(const fp256& b) const {
        u32 acc = 0;
#pragma unroll
        for (int i = 0; i < 8; i++) acc |= l[i] ^ b.l[i];
        return acc == 0;
    }
    __device__ __forceinline__ fp256 neg() const { return zero() - *this; }
    __device__ __forceinline__ fp256 dbl() const { return *this + *this; }
    __device__ __forceinline__ fp256 sqr() const { return *this * *this; }
    __device__ __forceinline__ static fp256 load(const u64* base, u64 i) {
        const uint4* q = reinterpret_cast<const uint4*>(base + 4 * i);
        uint4 x = q[0], y = q[1];
        fp256 r;
        r.l[0] = x.x; r.l[1] = x.y; r.l[2] = x.z; r.l[3] = x.w;
        r.l[4] = y.x; r.l[5] = y.y; r.l[6] = y.z; r.l[7] = y.w;
        return r;
    }
    __device__ __forceinline__ void store(u64* base, u64 i) const {
        uint4* q = reinterpret_cast<uint4*>(base + 4 * i);
        q[0] = make_uint4(l[0], l[1], l[2], l[3]);
        q[1] = make_uint4(l[4], l[5], l[6], l[7]);
    }
    __device__ __forceinline__ fp256 operator+(const fp256& b) const {
        fp256 r;
        ops::add(r.l, l, b.l);
        return r;
    }
    __device__ __forceinline__ fp256 operator-(const fp256& b) const {
        fp256 r;
        ops::sub(r.l, l, b.l);
        return r;
    }
    __device__ __forceinline__ fp256 operator*(const fp256& b) const {
        fp256 r;
        ops::mul(r.l, l, b.l);
        return r;
    }
};

// BN254 scalar field r and base field q; N0 = -p^-1 mod 2^32.
// r(i): the words of R mod p (the Montgomery form of 1).
struct bn254_fr_params {
    static constexpr u32 N0 = 0xefffffffu;
    __device__ __forceinline__ static u32 r(int i) {
        constexpr u32 v[8] = {0x4ffffffbu, 0xac96341cu, 0x9f60cd29u, 0x36fc7695u,
                              0x7879462eu, 0x666ea36fu, 0x9a07df2fu, 0x0e0a77c1u};
        return v[i];
    }
    __device__ __forceinline__ static u32 p(int i) {
        constexpr u32 v[8] = {0xf0000001u, 0x43e1f593u, 0x79b97091u, 0x2833e848u,
                              0x8181585du, 0xb85045b6u, 0xe131a029u, 0x30644e72u};
        return v[i];
    }
};

struct bn254_fq_params {
    static constexpr u32 N0 = 0xe4866389u;
    __device__ __forceinline__ static u32 r(int i) {
        constexpr u32 v[8] = {0xc58f0d9du, 0xd35d438du, 0xf5c70b3du, 0x0a78eb28u,
                              0x7879462cu, 0x666ea36fu, 0x9a07df2fu, 0x0e0a77c1u};
        return v[i];
    }
    __device__ __forceinline__ static u32 p(int i) {
        constexpr u32 v[8] = {0xd87cfd47u, 0x3c208c16u, 0x6871ca8du, 0x97816a91u,
                              0x8181585du, 0xb85045b6u, 0xe131a029u, 0x30644e72u};
        return v[i];
    }
};

typedef mont256<bn254_fr_params> bn254_fr;
typedef mont256<bn254_fq_params> bn254_fq;

typedef fp256<bn254_fr_params> bn254_fr_t;
typedef fp256<bn254_fq_params> bn254_fq_t;
