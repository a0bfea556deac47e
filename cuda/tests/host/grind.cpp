// poseidon_grind (kernels/merkle.cu) on the host: reads the 12 base words, position, bits,
// start, count and the 360 round constants (hex), launches the kernel over the range in
// blocks of 64 threads as CudaMerkle does, and prints the least nonce found (or ffff…).
#include <cstdio>
#include <vector>

#include "cuda_host.h"

#include "merkle.cu"

int main() {
    std::vector<u64> base(12), rc(360);
    for (auto& b : base)
        if (scanf("%llx", &b) != 1) return 3;
    unsigned position, bits;
    unsigned long long start, count;
    if (scanf("%u %u %llx %llx", &position, &bits, &start, &count) != 4) return 3;
    for (auto& c : rc)
        if (scanf("%llx", &c) != 1) return 3;
    unsigned long long found = ~0ull;
    launch(dim3{(u32)((count + 63) / 64), 1, 1}, dim3{64, 1, 1}, [&] {
        poseidon_grind(base.data(), position, bits, start, count, rc.data(), &found);
    });
    printf("%llx\n", found);
    return 0;
}
