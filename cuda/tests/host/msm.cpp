// kernels/msm.cu on the host: reads "curve n c fold", the bases' device words (with fold,
// the precomputed table: windows points per base) and the scalars' words (hex), runs the kernel sequence of cuda/src/msm/device.rs with its launch shapes, and
// prints the window sums' XYZZ words; the Rust side combines them and compares with arkworks.
#include <cstdio>
#include <cstring>
#include <vector>

#include "cuda_host.h"

#include "msm.cu"

static std::vector<u64> read_words(size_t n) {
    std::vector<u64> v(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        if (scanf("%llx", &v[i]) != 1) exit(3);
    return v;
}

static dim3 grid_for(u64 items, u32 block) {
    u64 blocks = (items + block - 1) / block;
    if (blocks < 1) blocks = 1;
    return dim3{(u32)blocks, 1, 1};
}

int main() {
    char curve[16];
    u32 n, c, fold;
    if (scanf("%15s %u %u %u", curve, &n, &c, &fold) != 4) return 3;
    bool g2 = !strcmp(curve, "bn254_g2");
    u32 coord = g2 ? 8 : 4, point = 4 * coord;
    u32 W = (254 + 1 + c - 1) / c, B = (1u << (c - 1)) + 1;
    std::vector<u64> bases = read_words((size_t)n * 2 * coord * (fold ? W : 1));
    std::vector<u64> scalars = read_words((size_t)n * 4);
    // The bucket phase's windows: one set when folded.
    u32 BW = fold ? 1 : W;
    u32 T = (1u << (c - 1)) < 256 ? (1u << (c - 1)) : 256;
    size_t pairs = (size_t)W * n;
    std::vector<u32> bucket(pairs + 1), entry(pairs + 1), sorted(pairs + 1);
    std::vector<u32> counts(W * B), offsets(W * B), cursor(W * B);
    std::vector<u64> buckets((size_t)W * B * point), partial((size_t)W * T * point),
        sums((size_t)W * point);
    launch(grid_for(n, 256), dim3{256, 1, 1}, [&] {
        msm_digits(scalars.data(), n, c, W, fold, bucket.data(), entry.data(), counts.data());
    });
    launch(dim3{BW, 1, 1}, dim3{256, 1, 1}, [&] { msm_scan(counts.data(), offsets.data(), B); });
    cursor = offsets;
    launch(grid_for(pairs, 256), dim3{256, 1, 1}, [&] {
        msm_scatter(bucket.data(), entry.data(), n, c, W, fold, cursor.data(), sorted.data());
    });
    u32 list = fold ? W * n : n;
    launch(grid_for((u64)BW * B, 64), dim3{64, 1, 1}, [&] {
        (g2 ? msm_accumulate_bn254_g2 : msm_accumulate_bn254_g1)(
            bases.data(), sorted.data(), offsets.data(), counts.data(), list, B, BW, buckets.data());
    });
    launch(grid_for((u64)BW * T, 64), dim3{64, 1, 1}, [&] {
        (g2 ? msm_reduce_bn254_g2 : msm_reduce_bn254_g1)(buckets.data(), B, T, BW, partial.data());
    });
    launch(grid_for(BW, 32), dim3{32, 1, 1}, [&] {
        (g2 ? msm_window_sum_bn254_g2 : msm_window_sum_bn254_g1)(partial.data(), T, BW, sums.data());
    });
    printf("%u", BW);
    sums.resize((size_t)BW * point);
    for (u64 w : sums) printf(" %llx", w);
    printf("\n");
    return 0;
}
