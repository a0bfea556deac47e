#!/bin/sh
# Builds the guests for the zkVM (bin/NAME.elf; these are committed, so running and proving
# them needs no clang) with Debian's clang and lld:  sh prover/guests/build.sh
# `native DIR` instead builds each guest for this machine into DIR (what the tests compare
# the zkVM's output with).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
guests="fib sha256 sort bigmul"
if [ "${1:-}" = native ]; then
    out=$2
    mkdir -p "$out"
    for g in $guests; do
        ${CC:-cc} -O2 -I"$here" -o "$out/$g" "$here/$g.c" "$here/rt_native.c"
    done
    exit 0
fi
for g in $guests; do
    clang --target=riscv32 -march=rv32im -mabi=ilp32 -O2 -mno-relax -ffreestanding \
        -fno-builtin -nostdlib -static -fuse-ld=lld -Wl,-T,"$here/link.ld" -Wl,--no-relax \
        -I"$here" -o "$here/bin/$g.elf" "$here/start.S" "$here/rt_riscv.c" "$here/$g.c"
done
