//! The `ntt_pass` kernel of kernels/ntt.cu, statement for statement on the CPU: blocks,
//! local slots, positions, twiddle indices. Tested against the CPU NTT for every plan the GPU
//! runs, and a race detector: a launch that reads and writes one buffer must have each
//! address read and written by one block only.

use std::collections::HashMap;

use carbide_field::Field;

use super::plan::{Buf, Launch};

fn index(b: Buf) -> usize {
    match b {
        Buf::A => 0,
        Buf::B => 1,
        Buf::C => 2,
    }
}

fn reverse_bits(x: u64, bits: u32) -> u64 {
    if bits == 0 {
        0
    } else {
        x.reverse_bits() >> (64 - bits)
    }
}

/// Runs `launches` over `bufs` with the twiddle table `tw` (`ω_N^m`, `m < N/2`,
/// `N = 2^tw_log`).
pub(crate) fn run<F: Field>(launches: &[Launch<F>], bufs: &mut [Vec<F>; 3], tw: &[F], tw_log: u32) {
    for l in launches {
        launch(l, bufs, tw, tw_log);
    }
}

fn launch<F: Field>(l: &Launch<F>, bufs: &mut [Vec<F>; 3], tw: &[F], tw_log: u32) {
    let (s0, k, t) = (l.pass.s0, l.pass.k, l.pass.t);
    let size = 1usize << (k + t);
    let blocks = 1u64 << (l.log_n - k - t);
    let src = bufs[index(l.read.buf)].clone();
    let in_place = l.read.buf == l.write.buf;
    // address → (block, column) that read it, for the race check.
    let mut readers: HashMap<u64, (u64, u32)> = HashMap::new();
    let mut written: HashMap<u64, (u64, u32)> = HashMap::new();
    let tmask = (1u64 << t) - 1;
    let half = 1u64 << (tw_log.max(1) - 1);
    for c in 0..l.width {
        for b in 0..blocks {
            let mid_bits = s0 - t;
            let mid = b & ((1u64 << mid_bits) - 1);
            let high = b >> mid_bits;
            let pos =
                |slot: u64| (slot & tmask) | (mid << t) | ((slot >> t) << s0) | (high << (s0 + k));
            let mut s: Vec<F> = (0..size as u64)
                .map(|slot| {
                    let g = pos(slot);
                    let r = if l.read.bitrev {
                        reverse_bits(g, l.log_n)
                    } else {
                        g
                    };
                    if r >= l.read.rows {
                        return F::ZERO;
                    }
                    let addr = r * l.read.rs + u64::from(c) * l.read.cs;
                    if in_place {
                        readers.insert(addr, (b, c));
                    }
                    let x = src[addr as usize];
                    match &l.read.scale {
                        Some(p) => x * p.at(r),
                        None => x,
                    }
                })
                .collect();
            for q in 0..k {
                let (stage, p) = (s0 + q, t + q);
                for bf in 0..size / 2 {
                    let i = ((bf >> p) << (p + 1)) | (bf & ((1 << p) - 1));
                    let j = i | (1 << p);
                    let e = pos(i as u64) & ((1u64 << stage) - 1);
                    let m = e << (tw_log - 1 - stage);
                    let x = s[i];
                    if l.inverse && m != 0 {
                        let v = s[j] * tw[(half - m) as usize];
                        s[i] = x - v;
                        s[j] = x + v;
                    } else {
                        let v = s[j] * tw[m as usize];
                        s[i] = x + v;
                        s[j] = x - v;
                    }
                }
            }
            let dst = &mut bufs[index(l.write.buf)];
            for (slot, &x) in s.iter().enumerate() {
                let g = pos(slot as u64);
                let addr = g * l.write.rs + u64::from(c) * l.write.cs;
                assert!(
                    written.insert(addr, (b, c)).is_none(),
                    "two writes to {addr} in one launch: {l:?}"
                );
                if let Some(&who) = readers.get(&addr).filter(|_| in_place) {
                    assert_eq!(
                        who,
                        (b, c),
                        "block {b} column {c} overwrites another block's input at {addr}: {l:?}"
                    );
                }
                dst[addr as usize] = match &l.write.scale {
                    Some(p) => x * p.at(g),
                    None => x,
                };
            }
        }
    }
    // A read by a later block of an address an earlier block wrote is the other order of the
    // same race.
    if in_place {
        for (addr, who) in &written {
            if let Some(r) = readers.get(addr) {
                assert_eq!(
                    r, who,
                    "address {addr} read by {r:?}, written by {who:?}: {l:?}"
                );
            }
        }
    }
}
