# The guest's entry: a stack in .bss, main(), then the halt system call with main's result.
    .section .text.start, "ax"
    .globl _start
_start:
    la sp, __stack_top
    call main
    li a7, 0
    ecall
1:  j 1b

    .section .bss.stack, "aw", @nobits
    .balign 16
    .space 65536
    .globl __stack_top
__stack_top:
