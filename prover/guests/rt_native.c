/* The native side of guest.h: stdin and stdout, for comparing a guest with its zkVM run. */
#include <stdio.h>

#include "guest.h"

size_t read_input(void *buf, size_t len) { return fread(buf, 1, len, stdin); }

void write_output(const void *buf, size_t len) { fwrite(buf, 1, len, stdout); }
