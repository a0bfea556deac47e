// The field headers on the host: reads "op a b" lines (hex words) and prints op(a, b), so
// the Rust test can hold every operation, carry-chain and portable, to arkworks and
// carbide-field on edge and random values.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cuda_host.h"
#include "field/goldilocks.cuh"
#include "field/goldilocks_ext2.cuh"
#include "field/mont256.cuh"

template <class M, class Op>
void mont(Op op) {
    u64 a[4], b[4];
    for (auto& w : a) if (scanf("%llx", &w) != 1) exit(3);
    for (auto& w : b) if (scanf("%llx", &w) != 1) exit(3);
    u32 x[8], y[8], z[8];
    for (int k = 0; k < 4; k++) {
        x[2 * k] = (u32)a[k]; x[2 * k + 1] = (u32)(a[k] >> 32);
        y[2 * k] = (u32)b[k]; y[2 * k + 1] = (u32)(b[k] >> 32);
    }
    op(z, x, y);
    for (int k = 0; k < 4; k++) printf("%llx ", (u64)z[2 * k] | ((u64)z[2 * k + 1] << 32));
    printf("\n");
}

template <class Op>
void ext2(Op op) {
    u64 a[2], b[2], out[2];
    for (auto& w : a) if (scanf("%llx", &w) != 1) exit(3);
    for (auto& w : b) if (scanf("%llx", &w) != 1) exit(3);
    op(out, a, b);
    printf("%llx %llx\n", out[0], out[1]);
}

#define MONT(NAME, F)                                                                  \
    if (!strcmp(op, #NAME "_add")) { mont<F>(F::add); continue; }                       \
    if (!strcmp(op, #NAME "_sub")) { mont<F>(F::sub); continue; }                       \
    if (!strcmp(op, #NAME "_mul")) { mont<F>(F::mul); continue; }                       \
    if (!strcmp(op, #NAME "_add_portable")) { mont<F>(F::add_portable); continue; }     \
    if (!strcmp(op, #NAME "_sub_portable")) { mont<F>(F::sub_portable); continue; }     \
    if (!strcmp(op, #NAME "_mul_portable")) { mont<F>(F::mul_portable); continue; }

int main() {
    char op[64];
    while (scanf("%63s", op) == 1) {
        if (!strncmp(op, "goldilocks_", 11) && strncmp(op, "goldilocks_ext2", 15)) {
            u64 a, b;
            if (scanf("%llx %llx", &a, &b) != 2) return 3;
            u64 r = !strcmp(op, "goldilocks_add") ? goldilocks::add(a, b)
                  : !strcmp(op, "goldilocks_sub") ? goldilocks::sub(a, b)
                  : !strcmp(op, "goldilocks_mul") ? goldilocks::mul(a, b)
                  : 0;
            printf("%llx\n", r);
            continue;
        }
        if (!strcmp(op, "goldilocks_ext2_add")) { ext2(goldilocks_ext2::add); continue; }
        if (!strcmp(op, "goldilocks_ext2_sub")) { ext2(goldilocks_ext2::sub); continue; }
        if (!strcmp(op, "goldilocks_ext2_mul")) { ext2(goldilocks_ext2::mul); continue; }
        MONT(bn254_fr, bn254_fr)
        MONT(bn254_fq, bn254_fq)
        fprintf(stderr, "unknown op %s\n", op);
        return 2;
    }
    return 0;
}
