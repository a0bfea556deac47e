/* What a carbide guest can call: the input it was given, and its public output. The same
 * source builds for the zkVM (rt_riscv.c: system calls) and natively (rt_native.c: stdin and
 * stdout), so a guest's output can be compared with the native program's. */
#ifndef CARBIDE_GUEST_H
#define CARBIDE_GUEST_H

#include <stddef.h>
#include <stdint.h>

/* Reads up to len input bytes into buf; returns how many there were. */
size_t read_input(void *buf, size_t len);
/* Appends len bytes to the public output. */
void write_output(const void *buf, size_t len);

#endif
