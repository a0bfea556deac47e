// The PTX carry-flag instructions of kernels/field/ptx.cuh, emulated on the host with an
// explicit CC.CF, following the PTX ISA: add.cc/addc set CF to the carry out; sub.cc/subc
// compute a − b − CF and set CF to the borrow out; mad{c}.{lo,hi}.cc add the low or high half
// of a·b. Found before the real header by the include path, so the field headers run their
// carry chains unchanged.
#pragma once

namespace ptx {

inline u32& cf() {
    static thread_local u32 flag = 0;
    return flag;
}

inline u32 add_with(u32 a, u32 b, u32 in, bool keep) {
    u64 s = (u64)a + b + in;
    if (keep) cf() = (u32)(s >> 32);
    return (u32)s;
}

inline u32 sub_with(u32 a, u32 b, u32 in, bool keep) {
    u64 d = (u64)a - b - in;
    if (keep) cf() = (u32)((d >> 32) & 1);
    return (u32)d;
}

inline u32 add_cc(u32 a, u32 b) { return add_with(a, b, 0, true); }
inline u32 addc_cc(u32 a, u32 b) { return add_with(a, b, cf(), true); }
inline u32 addc(u32 a, u32 b) { return add_with(a, b, cf(), false); }
inline u32 sub_cc(u32 a, u32 b) { return sub_with(a, b, 0, true); }
inline u32 subc_cc(u32 a, u32 b) { return sub_with(a, b, cf(), true); }
inline u32 subc(u32 a, u32 b) { return sub_with(a, b, cf(), false); }

inline u32 lo(u32 a, u32 b) { return (u32)((u64)a * b); }
inline u32 hi(u32 a, u32 b) { return (u32)(((u64)a * b) >> 32); }
inline u32 mad_lo_cc(u32 a, u32 b, u32 c) { return add_with(lo(a, b), c, 0, true); }
inline u32 madc_lo_cc(u32 a, u32 b, u32 c) { return add_with(lo(a, b), c, cf(), true); }
inline u32 mad_hi_cc(u32 a, u32 b, u32 c) { return add_with(hi(a, b), c, 0, true); }
inline u32 madc_hi_cc(u32 a, u32 b, u32 c) { return add_with(hi(a, b), c, cf(), true); }

}  // namespace ptx
