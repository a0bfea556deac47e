// kernels/merkle.cu on the host: reads "width rows cap_height", the matrix and the 360 round
// constants (hex), runs merkle_hash_rows then merkle_compress level by level as CudaMerkle
// does, and prints every level's digests, one level per line.
#include <cstdio>
#include <vector>

#include "cuda_host.h"

#include "merkle.cu"

int main() {
    u32 width;
    unsigned long long rows, cap_height;
    if (scanf("%u %llu %llu", &width, &rows, &cap_height) != 3) return 3;
    std::vector<u64> values(width * rows + 1), rc(360);
    for (u64 i = 0; i < width * rows; i++)
        if (scanf("%llx", &values[i]) != 1) return 3;
    for (auto& c : rc)
        if (scanf("%llx", &c) != 1) return 3;
    std::vector<std::vector<u64>> levels{std::vector<u64>(4 * rows)};
    launch(dim3{(u32)((rows + 63) / 64), 1, 1}, dim3{64, 1, 1}, [&] {
        merkle_hash_rows(values.data(), width, rows, rc.data(), levels[0].data());
    });
    for (u64 n = rows / 2; n >= (1ull << cap_height) && n > 0; n /= 2) {
        std::vector<u64> above(4 * n);
        const std::vector<u64>& below = levels.back();
        launch(dim3{(u32)((n + 63) / 64), 1, 1}, dim3{64, 1, 1}, [&] {
            merkle_compress(below.data(), n, rc.data(), above.data());
        });
        levels.push_back(above);
    }
    for (auto& l : levels) {
        for (u64 w : l) printf("%llx ", w);
        printf("\n");
    }
    return 0;
}
