// Just enough of CUDA for the kernels to compile and run as host C++ (g++ -std=c++20), so
// their arithmetic, carry chains and index logic are tested on machines without a GPU. A
// block runs as blockDim.x std::threads; __syncthreads is a barrier among them; blocks run
// one after another, so one static array serves as shared memory. Kernels therefore declare
// shared arrays at file scope (or as `extern __shared__`), never as function locals, which
// here would be per thread.
#pragma once
// Every standard header first: the macros below would break later ones.
#include <atomic>
#include <barrier>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#define __device__
#define __host__
#define __global__
#define __shared__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))

typedef unsigned long long u64;
typedef unsigned int u32;

struct uint4 {
    u32 x, y, z, w;
};
inline uint4 make_uint4(u32 x, u32 y, u32 z, u32 w) { return uint4{x, y, z, w}; }
inline u64 __umul64hi(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 64); }
inline u64 __brevll(u64 x) {
    u64 r = 0;
    for (int i = 0; i < 64; i++) r |= ((x >> i) & 1) << (63 - i);
    return r;
}

struct dim3 {
    u32 x = 1, y = 1, z = 1;
};
inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;
inline std::barrier<>* block_barrier = nullptr;
inline void __syncthreads() { block_barrier->arrive_and_wait(); }

// Runs `kernel` over grid × block, as a launch would.
inline void launch(dim3 grid, dim3 block, const std::function<void()>& kernel) {
    gridDim = grid;
    blockDim = block;
    std::barrier<> bar(block.x);
    block_barrier = &bar;
    std::vector<std::thread> threads;
    for (u32 t = 0; t < block.x; t++) {
        threads.emplace_back([&, t] {
            threadIdx = dim3{t, 0, 0};
            for (u32 by = 0; by < grid.y; by++) {
                for (u32 bx = 0; bx < grid.x; bx++) {
                    blockIdx = dim3{bx, by, 0};
                    kernel();
                    bar.arrive_and_wait();
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    block_barrier = nullptr;
}

inline u32 atomicAdd(u32* p, u32 v) { return std::atomic_ref<u32>(*p).fetch_add(v); }
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    std::atomic_ref<unsigned long long> a(*p);
    unsigned long long old = a.load();
    while (v < old && !a.compare_exchange_weak(old, v)) {
    }
    return old;
}
