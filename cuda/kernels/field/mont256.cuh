// 256-bit prime fields in Montgomery form (R = 2^256), eight 32-bit limbs, little-endian: the
// bytes arkworks keeps for its 4×64-bit Montgomery limbs, so device data is host data.
// Templated once over the modulus (sppark's layout); a field is one more Params struct.
// Every result is canonical (below p), as arkworks' are, so GPU and CPU agree bit for bit.
// Written as portable CUDA C with 64-bit partial products; PTX carry chains are the next step.
#pragma once

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

    __device__ __forceinline__ static void add(u32 out[N], const u32 a[N], const u32 b[N]) {
        u64 carry = 0;
        for (int i = 0; i < N; i++) {
            u64 s = (u64)a[i] + b[i] + carry;
            out[i] = (u32)s;
            carry = s >> 32;
        }
        if (carry || geq_p(out)) sub_p(out);
    }

    __device__ __forceinline__ static void sub(u32 out[N], const u32 a[N], const u32 b[N]) {
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
    __device__ __forceinline__ static void mul(u32 out[N], const u32 a[N], const u32 b[N]) {
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
};

// BN254 scalar field r and base field q; N0 = -p^-1 mod 2^32.
struct bn254_fr_params {
    static constexpr u32 N0 = 0xefffffffu;
    __device__ __forceinline__ static u32 p(int i) {
        constexpr u32 v[8] = {0xf0000001u, 0x43e1f593u, 0x79b97091u, 0x2833e848u,
                              0x8181585du, 0xb85045b6u, 0xe131a029u, 0x30644e72u};
        return v[i];
    }
};

struct bn254_fq_params {
    static constexpr u32 N0 = 0xe4866389u;
    __device__ __forceinline__ static u32 p(int i) {
        constexpr u32 v[8] = {0xd87cfd47u, 0x3c208c16u, 0x6871ca8du, 0x97816a91u,
                              0x8181585du, 0xb85045b6u, 0xe131a029u, 0x30644e72u};
        return v[i];
    }
};

typedef mont256<bn254_fr_params> bn254_fr;
typedef mont256<bn254_fq_params> bn254_fq;
