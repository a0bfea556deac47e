// Merkle commitments with Poseidon on the device, as carbide_field::merkle builds them: a leaf
// digest is the row itself when it fits (zero-padded), else the overwrite-mode sponge of the
// row; a node is the permutation of (left, right, 0…) cut to four elements.
#include "hash/poseidon.cuh"

// digests[r] for each row r of a row-major matrix (`width` columns, `rows` rows).
extern "C" __global__ void merkle_hash_rows(const u64* values, u32 width, u64 rows,
                                            const u64* rc, u64* digests) {
    for (u64 r = blockIdx.x * (u64)blockDim.x + threadIdx.x; r < rows;
         r += (u64)gridDim.x * blockDim.x) {
        const u64* row = values + r * width;
        u64 s[poseidon::WIDTH];
        for (int i = 0; i < poseidon::WIDTH; i++) s[i] = 0;
        if (width <= poseidon::DIGEST) {
            for (u32 i = 0; i < width; i++) s[i] = row[i];
        } else {
            for (u32 at = 0; at < width; at += poseidon::RATE) {
                for (u32 i = 0; i < poseidon::RATE && at + i < width; i++) s[i] = row[at + i];
                poseidon::permute(s, rc);
            }
        }
        for (int i = 0; i < poseidon::DIGEST; i++) digests[4 * r + i] = poseidon::canonical(s[i]);
    }
}

// above[j] = two_to_one(below[2j], below[2j + 1]) for j < n.
extern "C" __global__ void merkle_compress(const u64* below, u64 n, const u64* rc, u64* above) {
    for (u64 j = blockIdx.x * (u64)blockDim.x + threadIdx.x; j < n;
         j += (u64)gridDim.x * blockDim.x) {
        u64 s[poseidon::WIDTH];
        for (int i = 0; i < 8; i++) s[i] = below[8 * j + i];
        for (int i = 8; i < poseidon::WIDTH; i++) s[i] = 0;
        poseidon::permute(s, rc);
        for (int i = 0; i < poseidon::DIGEST; i++) above[4 * j + i] = poseidon::canonical(s[i]);
    }
}

// Proof-of-work search: every nonce in [start, start + count) is written at `position` of
// `base` (a sponge state with its pending inputs in place), the state permuted, and the nonce
// kept, with atomicMin into *found, if element 7 (the challenge drawn next) has `bits`
// leading zeros (1 <= bits <= 32). Nonces stay below p, so they are their own field element.
extern "C" __global__ void poseidon_grind(const u64* base, u32 position, u32 bits, u64 start,
                                          u64 count, const u64* rc, unsigned long long* found) {
    for (u64 i = blockIdx.x * (u64)blockDim.x + threadIdx.x; i < count;
         i += (u64)gridDim.x * blockDim.x) {
        u64 s[poseidon::WIDTH];
        for (int k = 0; k < poseidon::WIDTH; k++) s[k] = base[k];
        u64 nonce = start + i;
        s[position] = nonce;
        poseidon::permute(s, rc);
        if ((poseidon::canonical(s[poseidon::RATE - 1]) >> (64 - bits)) == 0)
            atomicMin(found, (unsigned long long)nonce);
    }
}
