/* The zkVM side of guest.h: system calls (a7 = number; 1 read, 2 write), and the memory
 * functions the compiler may call, since guests have no libc. */
#include "guest.h"

static long syscall2(long number, long a0, long a1) {
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a7) : "memory");
    return r_a0;
}

size_t read_input(void *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        long n = syscall2(1, (long)((char *)buf + got), (long)(len - got));
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got;
}

void write_output(const void *buf, size_t len) { syscall2(2, (long)buf, (long)len); }

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}
