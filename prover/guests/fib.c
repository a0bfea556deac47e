/* Fibonacci: input n (u32, little-endian; 1000 if absent), output F(n) mod 2^64 (8 bytes). */
#include "guest.h"

int main(void) {
    uint32_t n = 1000;
    uint8_t in[4];
    if (read_input(in, 4) == 4) n = in[0] | in[1] << 8 | in[2] << 16 | (uint32_t)in[3] << 24;
    uint64_t a = 0, b = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    uint8_t out[8];
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(a >> (8 * i));
    write_output(out, 8);
    return 0;
}
