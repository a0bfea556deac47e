/* Sort: input little-endian u32 words (up to 16384), output them sorted ascending (heap sort:
 * no recursion, no extra memory). */
#include "guest.h"

static uint32_t v[16384];

static void sift(uint32_t *a, size_t root, size_t n) {
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n) return;
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[root] >= a[c]) return;
        uint32_t t = a[root];
        a[root] = a[c];
        a[c] = t;
        root = c;
    }
}

int main(void) {
    uint8_t buf[4];
    size_t n = 0;
    while (n < 16384 && read_input(buf, 4) == 4)
        v[n++] = buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
    for (size_t i = n / 2; i-- > 0;) sift(v, i, n);
    for (size_t end = n; end > 1; end--) {
        uint32_t t = v[0];
        v[0] = v[end - 1];
        v[end - 1] = t;
        sift(v, 0, end - 1);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t o[4] = {(uint8_t)v[i], (uint8_t)(v[i] >> 8), (uint8_t)(v[i] >> 16),
                        (uint8_t)(v[i] >> 24)};
        write_output(o, 4);
    }
    return 0;
}
