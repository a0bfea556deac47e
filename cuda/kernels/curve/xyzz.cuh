// Short-Weierstrass points with a = 0 (BN254 G1 over Fq, G2 over Fq2) in XYZZ coordinates:
// (X, Y, ZZ, ZZZ) is the affine point (X/ZZ, Y/ZZZ) with ZZ³ = ZZZ²; ZZ = 0 is the point at
// infinity. Formulas of Bernstein–Lange's database for XYZZ (add-2008-s, madd-2008-s,
// dbl-2008-s, mdbl-2008-s), with the equal-x cases (doubling, P + (−P)) handled, so every
// input pair is summed correctly.
//
// The point operations are real calls (__noinline__): inlined into every kernel they made
// NVRTC/ptxas take minutes; as calls each is compiled once per coordinate field.
//
// Affine bases on the device: (x, y), each coordinate as the field stores it; the point at
// infinity is the all-zero sentinel (0, 0), which is on neither curve (b ≠ 0).
#pragma once

template <class F>
struct affine_t {
    F x, y;

    __device__ __forceinline__ bool is_inf() const { return x.is_zero() && y.is_zero(); }
    // Point i of an array of (x, y) pairs.
    __device__ __forceinline__ static affine_t load(const u64* base, u64 i) {
        return {F::load(base, 2 * i), F::load(base, 2 * i + 1)};
    }
};

template <class F>
struct xyzz_t {
    F X, Y, ZZ, ZZZ;

    __device__ __forceinline__ static xyzz_t inf() { return {F::zero(), F::zero(), F::zero(), F::zero()}; }
    __device__ __forceinline__ bool is_inf() const { return ZZ.is_zero(); }
    __device__ __forceinline__ static xyzz_t from_affine(const affine_t<F>& p) {
        if (p.is_inf()) return inf();
        return {p.x, p.y, F::one(), F::one()};
    }

    // 2·(x, y) for an affine point (mdbl-2008-s).
    __device__ __noinline__ static xyzz_t dbl_affine(const affine_t<F>& p) {
        F U = p.y.dbl();
        F V = U.sqr();
        F W = U * V;
        F S = p.x * V;
        F xx = p.x.sqr();
        F M = xx.dbl() + xx;
        F X3 = M.sqr() - S.dbl();
        F Y3 = M * (S - X3) - W * p.y;
        return {X3, Y3, V, W};
    }

    // 2·this (dbl-2008-s).
    __device__ __noinline__ xyzz_t dbl() const {
        if (is_inf()) return *this;
        F U = Y.dbl();
        F V = U.sqr();
        F W = U * V;
        F S = X * V;
        F xx = X.sqr();
        F M = xx.dbl() + xx;
        F X3 = M.sqr() - S.dbl();
        F Y3 = M * (S - X3) - W * Y;
        return {X3, Y3, V * ZZ, W * ZZZ};
    }

    // this + (x, y) (madd-2008-s).
    __device__ __noinline__ xyzz_t add_affine(const affine_t<F>& p) const {
        if (p.is_inf()) return *this;
        if (is_inf()) return from_affine(p);
        F U2 = p.x * ZZ;
        F S2 = p.y * ZZZ;
        F P = U2 - X;
        F R = S2 - Y;
        if (P.is_zero()) return R.is_zero() ? dbl_affine(p) : inf();
        F PP = P.sqr();
        F PPP = P * PP;
        F Q = X * PP;
        F X3 = R.sqr() - PPP - Q.dbl();
        F Y3 = R * (Q - X3) - Y * PPP;
        return {X3, Y3, ZZ * PP, ZZZ * PPP};
    }

    // this + q (add-2008-s).
    __device__ __noinline__ xyzz_t add(const xyzz_t& q) const {
        if (q.is_inf()) return *this;
        if (is_inf()) return q;
        F U1 = X * q.ZZ;
        F U2 = q.X * ZZ;
        F S1 = Y * q.ZZZ;
        F S2 = q.Y * ZZZ;
        F P = U2 - U1;
        F R = S2 - S1;
        if (P.is_zero()) return R.is_zero() ? dbl() : inf();
        F PP = P.sqr();
        F PPP = P * PP;
        F Q = U1 * PP;
        F X3 = R.sqr() - PPP - Q.dbl();
        F Y3 = R * (Q - X3) - S1 * PPP;
        return {X3, Y3, ZZ * q.ZZ * PP, ZZZ * q.ZZZ * PPP};
    }

    // k·this for a small k (double-and-add from the top bit).
    __device__ __forceinline__ xyzz_t mul_small(u32 k) const {
        xyzz_t acc = inf();
        for (int b = 31; b >= 0; b--) {
            acc = acc.dbl();
            if ((k >> b) & 1) acc = acc.add(*this);
        }
        return acc;
    }

    // Point i of an array of XYZZ points (four coordinates each).
    __device__ __forceinline__ void store(u64* base, u64 i) const {
        X.store(base, 4 * i);
        Y.store(base, 4 * i + 1);
        ZZ.store(base, 4 * i + 2);
        ZZZ.store(base, 4 * i + 3);
    }
    __device__ __forceinline__ static xyzz_t load(const u64* base, u64 i) {
        return {F::load(base, 4 * i), F::load(base, 4 * i + 1), F::load(base, 4 * i + 2),
                F::load(base, 4 * i + 3)};
    }
};
