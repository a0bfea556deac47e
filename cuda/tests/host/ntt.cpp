// kernels/ntt.cu on the host: reads a plan (buffers, twiddle powers, launches with their
// geometry) from stdin, runs the kernels' own code through cuda_host.h, prints the buffers.
// The Rust side (cuda/src/ntt/host.rs) writes the plans the device executor would launch.
#include <cstdio>
#include <cstring>
#include <string>

#include "cuda_host.h"

// The kernel's dynamic shared memory: 32 KiB, the most a plan asks for.
uint4 smem_raw[2048];

#include "ntt.cu"

static std::vector<u64> words() {
    u64 n;
    if (scanf("%llu", &n) != 1) exit(3);
    std::vector<u64> v(n);
    for (auto& w : v)
        if (scanf("%llx", &w) != 1) exit(3);
    return v;
}

static u64 num() {
    u64 x;
    if (scanf("%llu", &x) != 1) exit(3);
    return x;
}

static const u64* ptr_or_null(const std::vector<u64>& v) { return v.empty() ? nullptr : v.data(); }

int main() {
    char field[32];
    if (scanf("%31s", field) != 1) return 3;
    bool gl = !strcmp(field, "goldilocks");
    std::vector<u64> bufs[3] = {words(), words(), words()};
    // Twiddles by the powers kernel.
    std::vector<u64> lo = words(), hi = words();
    u32 lo_bits = num();
    u64 count = num();
    u32 words_per = gl ? 1 : 4;
    std::vector<u64> tw(count * words_per);
    launch(dim3{1, 1, 1}, dim3{1, 1, 1}, [&] {
        if (gl) powers_goldilocks(lo.data(), ptr_or_null(hi), lo_bits, tw.data(), count);
        else powers_bn254_fr(lo.data(), ptr_or_null(hi), lo_bits, tw.data(), count);
    });
    u32 tw_log = num();
    u64 launches = num();
    for (u64 i = 0; i < launches; i++) {
        u64 src = num(), dst = num();
        u32 inverse = num(), log_n = num(), s0 = num(), k = num(), t = num(), width = num();
        u64 in_rs = num(), in_cs = num(), in_rows = num();
        u32 in_bitrev = num();
        std::vector<u64> in_lo = words(), in_hi = words();
        u32 in_lo_bits = num();
        u64 out_rs = num(), out_cs = num();
        std::vector<u64> out_lo = words(), out_hi = words();
        u32 out_lo_bits = num();
        dim3 grid{(u32)num(), (u32)num(), 1}, block{(u32)num(), 1, 1};
        u64 shared = num();
        if (shared > sizeof(smem_raw)) return 4;
        const u64* s = bufs[src].data();
        u64* d = bufs[dst].data();
        launch(grid, block, [&] {
            auto f = gl ? ntt_pass_goldilocks : ntt_pass_bn254_fr;
            f(s, d, tw.data(), tw_log, inverse, log_n, s0, k, t, width, in_rs, in_cs, in_rows,
              in_bitrev, ptr_or_null(in_lo), ptr_or_null(in_hi), in_lo_bits, out_rs, out_cs,
              ptr_or_null(out_lo), ptr_or_null(out_hi), out_lo_bits);
        });
    }
    for (auto& b : bufs) {
        printf("%zu", b.size());
        for (u64 w : b) printf(" %llx", w);
        printf("\n");
    }
    return 0;
}
