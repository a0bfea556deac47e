// Just enough of CUDA for the field headers to compile as host C++ (g++), so their
// arithmetic, carry chains included, is tested on machines without a GPU.
#pragma once
#include <cstdint>

#define __device__
#define __host__
#define __forceinline__ inline

typedef unsigned long long u64;
typedef unsigned int u32;

struct uint4 {
    u32 x, y, z, w;
};
inline uint4 make_uint4(u32 x, u32 y, u32 z, u32 w) { return uint4{x, y, z, w}; }
inline u64 __umul64hi(u64 a, u64 b) { return (u64)(((unsigned __int128)a * b) >> 64); }
