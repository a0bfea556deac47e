//! The RV32IM executor: every ALU operation on the specification's corner cases (division by
//! zero, −2^31 / −1, shift amounts ≥ 32, signed against unsigned compares) and on random
//! operands against independent 128-bit formulas; loads' sign extension; branches and jumps;
//! the shipped guests against their native builds and a SHA-256 library; every fault an error
//! naming the pc; hostile ELF files refused; the M extension's corner cases and every load and
//! store at every byte position proved.

use carbide_prover::zkvm::{Machine, Program, Segment, VmError, run};
use rand::{Rng, SeedableRng};

mod common;

// A tiny assembler: the RV32 instruction formats.
fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32) -> u32 {
    f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0b011_0011
}
fn i(op: u32, imm: i32, rs1: u32, f3: u32, rd: u32) -> u32 {
    ((imm as u32) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op
}
fn s(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let imm = imm as u32;
    (imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 | 0b010_0011
}
fn b(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let imm = imm as u32;
    (imm >> 12 & 1) << 31
        | (imm >> 5 & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | f3 << 12
        | (imm >> 1 & 0xf) << 8
        | (imm >> 11 & 1) << 7
        | 0b110_0011
}
fn jal(imm: i32, rd: u32) -> u32 {
    let imm = imm as u32;
    (imm >> 20 & 1) << 31
        | (imm >> 1 & 0x3ff) << 21
        | (imm >> 11 & 1) << 20
        | (imm >> 12 & 0xff) << 12
        | rd << 7
        | 0b110_1111
}
/// `li rd, value`: lui + addi.
fn li(rd: u32, value: u32) -> [u32; 2] {
    let lo = ((value & 0xfff) as i32) << 20 >> 20;
    let hi = value.wrapping_sub(lo as u32) & 0xffff_f000;
    [hi | rd << 7 | 0b011_0111, i(0b001_0011, lo, rd, 0, rd)]
}
const ECALL: u32 = 0x73;

/// A program: `code` at 0x1000 (ending in a halting ecall), 4 KiB of data at 0x8000.
fn program(code: &[u32], data: &[u8]) -> Program {
    let mut bytes: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
    bytes.extend(ECALL.to_le_bytes());
    let mut d = data.to_vec();
    d.resize(4096, 0);
    Program {
        entry: 0x1000,
        segments: vec![
            Segment {
                vaddr: 0x1000,
                data: bytes,
                executable: true,
                writable: false,
            },
            Segment {
                vaddr: 0x8000,
                data: d,
                executable: false,
                writable: true,
            },
        ],
    }
}

/// Runs the code and returns the registers at the halt.
fn regs(code: &[u32], data: &[u8]) -> Result<[u32; 32], VmError> {
    let p = program(code, data);
    let mut m = Machine::new(&p, &[]);
    for _ in 0..10_000 {
        if m.step()?.is_none() {
            return Ok(*m.registers());
        }
    }
    panic!("no halt");
}

/// `op x7, x5, x6` on (a, b).
fn binop(f7: u32, f3: u32, a: u32, b_: u32) -> u32 {
    let mut code = li(5, a).to_vec();
    code.extend(li(6, b_));
    code.push(r(f7, 6, 5, f3, 7));
    regs(&code, &[]).unwrap()[7]
}

// (funct7, funct3) of the register-register operations.
const ADD: (u32, u32) = (0, 0);
const SUB: (u32, u32) = (0x20, 0);
const SLL: (u32, u32) = (0, 1);
const SLT: (u32, u32) = (0, 2);
const SLTU: (u32, u32) = (0, 3);
const XOR: (u32, u32) = (0, 4);
const SRL: (u32, u32) = (0, 5);
const SRA: (u32, u32) = (0x20, 5);
const OR: (u32, u32) = (0, 6);
const AND: (u32, u32) = (0, 7);
const MUL: (u32, u32) = (1, 0);
const MULH: (u32, u32) = (1, 1);
const MULHSU: (u32, u32) = (1, 2);
const MULHU: (u32, u32) = (1, 3);
const DIV: (u32, u32) = (1, 4);
const DIVU: (u32, u32) = (1, 5);
const REM: (u32, u32) = (1, 6);
const REMU: (u32, u32) = (1, 7);

#[test]
fn the_specifications_corner_cases() {
    let m = 0x8000_0000u32; // −2^31
    let cases: &[((u32, u32), u32, u32, u32)] = &[
        (DIV, 7, 0, u32::MAX),
        (DIVU, 7, 0, u32::MAX),
        (REM, 7, 0, 7),
        (REMU, 7, 0, 7),
        (DIV, m, u32::MAX, m),
        (REM, m, u32::MAX, 0),
        (DIV, (-7i32) as u32, 2, (-3i32) as u32),
        (REM, (-7i32) as u32, 2, (-1i32) as u32),
        (DIVU, (-7i32) as u32, 2, 0x7fff_fffc),
        (MULH, u32::MAX, u32::MAX, 0),
        (MULHU, u32::MAX, u32::MAX, 0xffff_fffe),
        (MULHSU, u32::MAX, u32::MAX, u32::MAX),
        (MULH, m, m, 0x4000_0000),
        (
            MUL,
            0x1234_5678,
            0x9abc_def0,
            0x2426_0f00u32.wrapping_add(0),
        ),
        (SLL, 1, 33, 2),
        (SRL, m, 63, 1),
        (SRA, m, 31, u32::MAX),
        (SRA, m, 32, m),
        (SLT, u32::MAX, 0, 1),
        (SLTU, u32::MAX, 0, 0),
        (SUB, 0, 1, u32::MAX),
        (ADD, u32::MAX, 1, 0),
    ];
    for &((f7, f3), a, b_, want) in cases {
        // MUL's expected value from u64 arithmetic, not a constant typed by hand.
        let want = if (f7, f3) == MUL {
            (u64::from(a) * u64::from(b_)) as u32
        } else {
            want
        };
        assert_eq!(binop(f7, f3, a, b_), want, "({f7}, {f3}) {a:#x} {b_:#x}");
    }
}

/// The operations by 128-bit formulas (a second implementation, not the executor's).
fn reference(op: (u32, u32), a: u32, b_: u32) -> u32 {
    let (sa, sb) = (i128::from(a as i32), i128::from(b_ as i32));
    let (ua, ub) = (i128::from(a), i128::from(b_));
    let sh = b_ % 32;
    let v: i128 = match op {
        ADD => ua + ub,
        SUB => ua - ub,
        SLL => ua << sh,
        SLT => i128::from(sa < sb),
        SLTU => i128::from(ua < ub),
        XOR => ua ^ ub,
        SRL => ua >> sh,
        SRA => sa >> sh,
        OR => ua | ub,
        AND => ua & ub,
        MUL => ua * ub,
        MULH => (sa * sb) >> 32,
        MULHSU => (sa * ub) >> 32,
        MULHU => (ua * ub) >> 32,
        DIV if sb == 0 => -1,
        DIV => {
            // Truncating division in 128 bits (−2^31 / −1 = 2^31 wraps to −2^31).
            let q = sa.abs() / sb.abs();
            if (sa < 0) != (sb < 0) { -q } else { q }
        }
        DIVU if ub == 0 => -1,
        DIVU => ua / ub,
        REM if sb == 0 => sa,
        REM => {
            let r = sa.abs() % sb.abs();
            if sa < 0 { -r } else { r }
        }
        REMU if ub == 0 => ua,
        REMU => ua % ub,
        _ => unreachable!(),
    };
    (v & 0xffff_ffff) as u32
}

#[test]
fn random_operands_match_the_reference() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(32);
    let ops = [
        ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND, MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM,
        REMU,
    ];
    let special = [
        0,
        1,
        2,
        31,
        32,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0xffff_fffe,
    ];
    for op in ops {
        for k in 0..60 {
            let pick = |rng: &mut rand_chacha::ChaCha8Rng| {
                if rng.gen_bool(0.4) {
                    special[rng.gen_range(0..special.len())]
                } else {
                    rng.r#gen::<u32>() >> rng.gen_range(0..32)
                }
            };
            let (a, b_) = (pick(&mut rng), pick(&mut rng));
            assert_eq!(
                binop(op.0, op.1, a, b_),
                reference(op, a, b_),
                "{op:?} #{k} {a:#x} {b_:#x}"
            );
        }
    }
}

#[test]
fn immediates_loads_stores_and_control_flow() {
    let data = [0x80, 0xff, 0x34, 0x12, 0x01, 0x80, 0, 0];
    let mut code = li(5, 0x8000).to_vec();
    code.extend([
        i(0b000_0011, 0, 5, 0, 10),      // lb  x10, 0(x5)   0x80 → sign-extended
        i(0b000_0011, 0, 5, 4, 11),      // lbu x11, 0(x5)
        i(0b000_0011, 4, 5, 1, 12),      // lh  x12, 4(x5)   0x8001
        i(0b000_0011, 4, 5, 5, 13),      // lhu x13, 4(x5)
        i(0b000_0011, 0, 5, 2, 14),      // lw  x14, 0(x5)
        s(8, 14, 5, 2),                  // sw  x14, 8(x5)
        s(13, 10, 5, 0),                 // sb  x10, 13(x5)
        i(0b000_0011, 8, 5, 2, 15),      // lw  x15, 8(x5)
        i(0b000_0011, 12, 5, 2, 16),     // lw  x16, 12(x5): byte 13 is 0x80
        i(0b001_0011, -1, 0, 3, 18),     // sltiu x18, x0, -1 (unsigned compare with 0xffffffff)
        i(0b001_0011, -1, 0, 2, 19),     // slti  x19, x0, -1
        i(0b001_0011, 0x401, 14, 5, 20), // srai x20, x14, 1
        b(8, 0, 0, 0),                   // beq x0, x0, +8 (skips the next)
        i(0b001_0011, 1, 0, 0, 21),      // addi x21, x0, 1 (skipped)
        jal(8, 22),                      // jal x22, +8
        i(0b001_0011, 1, 0, 0, 23),      // skipped
        0x0000_0017 | 24 << 7,           // auipc x24, 0
    ]);
    let r = regs(&code, &data).unwrap();
    assert_eq!(r[10], 0xffff_ff80);
    assert_eq!(r[11], 0x80);
    assert_eq!(r[12], 0xffff_8001);
    assert_eq!(r[13], 0x8001);
    assert_eq!(r[14], 0x1234_ff80);
    assert_eq!(r[15], 0x1234_ff80);
    assert_eq!(r[16], 0x0000_8000);
    assert_eq!((r[18], r[19]), (1, 0));
    assert_eq!(r[20], 0x091a_7fc0);
    assert_eq!((r[21], r[23]), (0, 0));
    let jal_pc = 0x1000 + 4 * (2 + 14);
    assert_eq!(r[22], jal_pc + 4);
    assert_eq!(r[24], jal_pc + 8);
    // x0 stays zero.
    assert_eq!(regs(&[i(0b001_0011, 5, 0, 0, 0)], &[]).unwrap()[0], 0);
}

#[test]
fn faults_are_errors_naming_the_pc() {
    let illegal = regs(&[0xffff_ffff], &[]);
    assert_eq!(
        illegal,
        Err(VmError::Illegal {
            pc: 0x1000,
            word: 0xffff_ffff
        })
    );
    let mut code = li(5, 0x8001).to_vec();
    code.push(i(0b000_0011, 0, 5, 2, 6)); // lw from an odd address
    assert!(matches!(
        regs(&code, &[]),
        Err(VmError::Misaligned { pc: 0x1008, .. })
    ));
    let mut code = li(5, 0x1000).to_vec();
    code.push(s(0, 5, 5, 2)); // store into code
    assert!(matches!(
        regs(&code, &[]),
        Err(VmError::OutOfBounds {
            pc: 0x1008,
            addr: 0x1000
        })
    ));
    let mut code = li(5, 0x9000).to_vec();
    code.push(i(0b000_0011, 0, 5, 2, 6)); // load past the data
    assert!(matches!(regs(&code, &[]), Err(VmError::OutOfBounds { .. })));
    let mut code = li(5, 0x8000).to_vec();
    code.push(i(0b110_0111, 0, 5, 0, 0)); // jalr into data
    assert_eq!(regs(&code, &[]), Err(VmError::OutOfProgram { pc: 0x8000 }));
    let mut code = li(17, 99).to_vec();
    code.push(ECALL);
    assert_eq!(
        regs(&code, &[]),
        Err(VmError::Syscall {
            pc: 0x1008,
            number: 99
        })
    );
    assert_eq!(
        regs(&[0x0010_0073], &[]),
        Err(VmError::Unsupported {
            pc: 0x1000,
            what: "ebreak"
        })
    );
    let spin = program(&[jal(0, 0)], &[]);
    assert_eq!(
        run(&spin, &[], 1000),
        Err(VmError::CycleLimit {
            limit: 1000,
            pc: 0x1000
        })
    );
}

fn guest(name: &str) -> Program {
    let path = format!("{}/guests/bin/{name}.elf", env!("CARGO_MANIFEST_DIR"));
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

fn words(xs: &[u32]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Inputs for each guest.
fn inputs(name: &str) -> Vec<Vec<u8>> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    match name {
        "fib" => vec![
            words(&[0]),
            words(&[1]),
            words(&[93]),
            words(&[5000]),
            vec![],
        ],
        "sha256" => [0usize, 3, 55, 56, 63, 64, 65, 1000]
            .iter()
            .map(|&n| (0..n).map(|_| rng.r#gen()).collect())
            .collect(),
        "sort" => vec![
            vec![],
            words(&[5]),
            words(&(0..500).map(|_| rng.r#gen::<u32>()).collect::<Vec<_>>()),
            words(&[3, 3, 1, 0xffff_ffff, 0, 3]),
        ],
        "bigmul" => vec![
            words(&[2, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]),
            {
                let mut v = vec![16];
                v.extend((0..32).map(|_| rng.r#gen::<u32>()));
                words(&v)
            },
        ],
        _ => unreachable!(),
    }
}

#[test]
fn guests_compute_what_their_definitions_say() {
    // fib: F(93) fits 64 bits.
    let fib = |n: u32| -> u64 {
        (0..n)
            .fold((0u64, 1u64), |(a, b), _| (b, a.wrapping_add(b)))
            .0
    };
    let e = run(&guest("fib"), &words(&[93]), 1 << 20).unwrap();
    assert_eq!(e.output, fib(93).to_le_bytes());
    assert_eq!(e.exit_code, 0);
    // sha256 against the sha2 crate.
    use sha2::Digest as _;
    for input in inputs("sha256") {
        let e = run(&guest("sha256"), &input, 1 << 24).unwrap();
        assert_eq!(
            e.output,
            sha2::Sha256::digest(&input).to_vec(),
            "{} bytes",
            input.len()
        );
    }
    // sort and bigmul against Rust.
    for input in inputs("sort") {
        let mut v: Vec<u32> = input
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        v.sort_unstable();
        assert_eq!(
            run(&guest("sort"), &input, 1 << 24).unwrap().output,
            words(&v)
        );
    }
    let input = &inputs("bigmul")[0];
    // (2^64 − 1)² = 2^128 − 2^65 + 1.
    let e = run(&guest("bigmul"), input, 1 << 20).unwrap();
    assert_eq!(e.output, words(&[1, 0, 0xffff_fffe, 0xffff_ffff]));
}

#[test]
fn guests_match_their_native_builds() {
    let dir = std::env::temp_dir().join(format!("carbide-guests-{}", std::process::id()));
    let script = format!("{}/guests/build.sh", env!("CARGO_MANIFEST_DIR"));
    let built = std::process::Command::new("sh")
        .args([&script, "native"])
        .arg(&dir)
        .status();
    if !matches!(built, Ok(s) if s.success()) {
        assert!(
            std::env::var("REQUIRE_CXX").map_or(true, |v| v != "1"),
            "REQUIRE_CXX=1 but the native guests did not build"
        );
        println!("skipped: no C compiler for the native guests");
        return;
    }
    for name in ["fib", "sha256", "sort", "bigmul"] {
        for input in inputs(name) {
            let mut child = std::process::Command::new(dir.join(name))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(&input).unwrap();
            let native = child.wait_with_output().unwrap();
            let vm = run(&guest(name), &input, 1 << 26).unwrap();
            assert_eq!(vm.output, native.stdout, "{name} on {} bytes", input.len());
            assert_eq!(Some(vm.exit_code as i32), native.status.code(), "{name}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_elf_files_are_refused() {
    let good = std::fs::read(format!("{}/guests/bin/fib.elf", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(Program::from_elf(&good).is_ok());
    for len in [0, 4, 16, 40, 52, 60, 100] {
        assert!(
            Program::from_elf(&good[..len.min(good.len())]).is_err(),
            "{len} bytes"
        );
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    for _ in 0..2000 {
        // Changed header and program-header bytes: an error or a program, never a panic.
        let mut bad = good.clone();
        let at = rng.gen_range(0..120);
        bad[at] = rng.r#gen();
        let _ = Program::from_elf(&bad).map(|p| run(&p, &[], 10_000));
    }
    let mut wrong_machine = good.clone();
    wrong_machine[18] = 0x3e; // x86-64
    assert!(matches!(
        Program::from_elf(&wrong_machine),
        Err(VmError::Elf(_))
    ));
}

/// The M extension proved: every multiplication and division (signed ones included) on the
/// corner operands, its results written out as bytes, proved in segments and checked against
/// the 128-bit reference through the proof's output.
#[test]
fn the_m_extension_proves_on_its_corner_cases() {
    use carbide_field::Goldilocks;
    use carbide_field::merkle::CpuMerkle;
    use carbide_prover::zkvm;
    let config = common::fast_config();
    let edge = [0, 1, 7, 0x7fff_ffff, 0x8000_0000, 0xffff_fff9, 0xffff_ffff];
    let ops = [MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU];
    let mut code = li(17, 2).to_vec();
    let mut expected = Vec::new();
    for &a in &edge {
        for &b_ in &edge {
            code.extend(li(5, a));
            code.extend(li(6, b_));
            for op in ops {
                code.push(r(op.0, 6, 5, op.1, 7));
                for k in 0..4 {
                    code.push(i(0b001_0011, 8 * k, 7, 5, 10)); // srli a0, x7, 8k
                    code.push(i(0b001_0011, 255, 10, 7, 10)); // andi a0, a0, 255
                    code.push(ECALL);
                }
                expected.extend(reference(op, a, b_).to_le_bytes());
            }
        }
    }
    code.extend(li(17, 0));
    code.extend(li(10, 0));
    let p = program(&code, &[]);
    let ntt = carbide_ntt::Radix2Dit::<Goldilocks>::new();
    let proof = zkvm::prove(&p, &[], 1 << 16, 11, &config, &ntt, &CpuMerkle).unwrap();
    assert!(proof.segments.len() > 1);
    zkvm::verify(&p, &[], &proof, &config).unwrap();
    assert_eq!(proof.claim.output, expected);
}

/// Every load and store at every byte position it allows, on bytes with the top bit set and
/// clear, proved (the load/store table's constraints): each value loaded, and each word
/// after a store loaded back, written out byte by byte and checked through the proof's
/// output against a plain model of the memory.
#[test]
fn every_load_and_store_proves_at_every_position() {
    use carbide_field::Goldilocks;
    use carbide_field::merkle::CpuMerkle;
    use carbide_prover::zkvm;
    let data = [0x80u8, 0x7f, 0xff, 0x01, 0x00, 0x81, 0xfe, 0x7e];
    let mut mem = data.to_vec();
    let stored = 0xa5c3_817eu32;
    let mut code = li(17, 2).to_vec();
    code.extend(li(5, 0x8000));
    code.extend(li(6, stored));
    let mut expected = Vec::new();
    let write_out = |code: &mut Vec<u32>| {
        for k in 0..4 {
            code.push(i(0b001_0011, 8 * k, 7, 5, 10)); // srli a0, x7, 8k
            code.push(i(0b001_0011, 255, 10, 7, 10)); // andi a0, a0, 255
            code.push(ECALL);
        }
    };
    let word = |mem: &[u8], a: usize| u32::from_le_bytes(mem[a..a + 4].try_into().unwrap());
    // (funct3, bytes, signed): LB, LBU, LH, LHU, LW.
    for (f3, size, signed) in [
        (0, 1, true),
        (4, 1, false),
        (1, 2, true),
        (5, 2, false),
        (2, 4, false),
    ] {
        for a in (0..8).step_by(size) {
            code.push(i(0b000_0011, a as i32, 5, f3, 7));
            write_out(&mut code);
            let raw = (word(&mem, a & !3) >> (8 * (a % 4))) as u64;
            let bits = 8 * size as u32;
            let v = raw & ((1u64 << bits) - 1);
            let v = if signed && v >> (bits - 1) == 1 {
                v | (u64::MAX << bits)
            } else {
                v
            };
            expected.extend((v as u32).to_le_bytes());
        }
    }
    // (funct3, bytes): SB, SH, SW, each followed by a load of its word.
    for (f3, size) in [(0, 1), (1, 2), (2, 4)] {
        for a in (0..8).step_by(size) {
            code.push(s(a as i32, 6, 5, f3));
            mem[a..a + size].copy_from_slice(&stored.to_le_bytes()[..size]);
            code.push(i(0b000_0011, (a & !3) as i32, 5, 2, 7));
            write_out(&mut code);
            expected.extend(word(&mem, a & !3).to_le_bytes());
        }
    }
    code.extend(li(17, 0));
    code.extend(li(10, 0));
    let p = program(&code, &data);
    let config = common::fast_config();
    let ntt = carbide_ntt::Radix2Dit::<Goldilocks>::new();
    let proof = zkvm::prove(&p, &[], 1 << 16, 20, &config, &ntt, &CpuMerkle).unwrap();
    zkvm::verify(&p, &[], &proof, &config).unwrap();
    assert_eq!(proof.claim.output, expected);
    assert_eq!(run(&p, &[], 1 << 16).unwrap().output, expected);
}
