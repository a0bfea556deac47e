/* Big-integer multiplication: input a u32 count k (at most 256), then two k-limb numbers
 * (little-endian u32 limbs, least significant first); output their 2k-limb product
 * (schoolbook, 32×32 → 64-bit limb products: mul and mulhu on RV32IM). */
#include "guest.h"

static uint32_t a[256], b[256], r[512];

static uint32_t word(const uint8_t *p) {
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int main(void) {
    uint8_t buf[4];
    if (read_input(buf, 4) != 4) return 1;
    uint32_t k = word(buf);
    if (k > 256) return 2;
    for (uint32_t i = 0; i < 2 * k; i++) {
        if (read_input(buf, 4) != 4) return 3;
        (i < k ? a : b)[i % k] = word(buf);
    }
    for (uint32_t i = 0; i < k; i++) {
        uint64_t carry = 0;
        for (uint32_t j = 0; j < k; j++) {
            uint64_t t = (uint64_t)a[i] * b[j] + r[i + j] + carry;
            r[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        r[i + k] = (uint32_t)carry;
    }
    for (uint32_t i = 0; i < 2 * k; i++) {
        uint8_t o[4] = {(uint8_t)r[i], (uint8_t)(r[i] >> 8), (uint8_t)(r[i] >> 16),
                        (uint8_t)(r[i] >> 24)};
        write_output(o, 4);
    }
    return 0;
}
