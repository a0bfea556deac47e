//! The guest's ELF file: a 32-bit little-endian RISC-V executable whose loadable segments
//! become the machine's memory. Every offset and size is checked against the file and the
//! address space before use.

use carbide_field::Goldilocks;
use carbide_field::poseidon::{self, Digest};

use super::VmError;

/// One loadable segment: `data` (file bytes, then zeros up to the memory size) at `vaddr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Where it starts.
    pub vaddr: u32,
    /// Its bytes in memory.
    pub data: Vec<u8>,
    /// Whether it holds code (code is fetched from here and never written).
    pub executable: bool,
    /// Whether the guest may write it.
    pub writable: bool,
}

/// A loaded program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The first instruction's address.
    pub entry: u32,
    /// The loadable segments, by address, not overlapping.
    pub segments: Vec<Segment>,
}

/// Segments end below this (the top of the 32-bit space is left unmapped).
const ADDRESS_LIMIT: u64 = 0xf000_0000;
/// No guest is larger than this in memory.
const MAX_MEMORY: u64 = 1 << 28;

fn bad(why: impl Into<String>) -> VmError {
    VmError::Elf(why.into())
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, VmError> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| bad("truncated header"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, VmError> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| bad("truncated header"))
}

impl Program {
    /// Parses an ELF file: 32-bit, little-endian, RISC-V, an executable; its `PT_LOAD`
    /// segments in bounds, not overlapping, together at most 256 MiB; the entry point in an
    /// executable segment.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, VmError> {
        if bytes.get(..4) != Some(b"\x7fELF") {
            return Err(bad("not an ELF file"));
        }
        if bytes.get(4) != Some(&1) || bytes.get(5) != Some(&1) {
            return Err(bad("not a 32-bit little-endian ELF file"));
        }
        if u16_at(bytes, 16)? != 2 {
            return Err(bad("not an executable (ET_EXEC)"));
        }
        if u16_at(bytes, 18)? != 0xf3 {
            return Err(bad("not a RISC-V ELF file"));
        }
        let entry = u32_at(bytes, 24)?;
        let phoff = u32_at(bytes, 28)? as usize;
        let phentsize = u16_at(bytes, 42)? as usize;
        let phnum = u16_at(bytes, 44)? as usize;
        if phentsize < 32 || phnum > 64 {
            return Err(bad("unusable program header table"));
        }
        let mut segments = Vec::new();
        let mut total = 0u64;
        for i in 0..phnum {
            let at = phoff
                .checked_add(i * phentsize)
                .ok_or_else(|| bad("program header out of the file"))?;
            if u32_at(bytes, at)? != 1 {
                continue; // not PT_LOAD
            }
            let offset = u32_at(bytes, at + 4)? as usize;
            let vaddr = u32_at(bytes, at + 8)?;
            let filesz = u32_at(bytes, at + 16)? as usize;
            let memsz = u32_at(bytes, at + 20)?;
            let flags = u32_at(bytes, at + 24)?;
            if memsz == 0 {
                continue;
            }
            if filesz > memsz as usize {
                return Err(bad(format!("segment {i}: file size above memory size")));
            }
            let file = offset
                .checked_add(filesz)
                .and_then(|end| bytes.get(offset..end))
                .ok_or_else(|| bad(format!("segment {i} lies outside the file")))?;
            let end = u64::from(vaddr) + u64::from(memsz);
            if end > ADDRESS_LIMIT {
                return Err(bad(format!(
                    "segment {i} ends at {end:#x}, above {ADDRESS_LIMIT:#x}"
                )));
            }
            total += u64::from(memsz);
            if total > MAX_MEMORY {
                return Err(bad("segments larger than 256 MiB"));
            }
            let mut data = file.to_vec();
            data.resize(memsz as usize, 0);
            segments.push(Segment {
                vaddr,
                data,
                executable: flags & 1 != 0,
                writable: flags & 2 != 0,
            });
        }
        segments.sort_by_key(|s| s.vaddr);
        for w in segments.windows(2) {
            if u64::from(w[0].vaddr) + w[0].data.len() as u64 > u64::from(w[1].vaddr) {
                return Err(bad("overlapping segments"));
            }
        }
        let program = Self { entry, segments };
        match program.segment_of(entry) {
            Some(s) if s.executable && entry.is_multiple_of(4) => Ok(program),
            _ => Err(bad(format!("entry point {entry:#x} is not in code"))),
        }
    }

    /// The segment holding `addr`.
    pub fn segment_of(&self, addr: u32) -> Option<&Segment> {
        let i = self
            .segments
            .partition_point(|s| s.vaddr <= addr)
            .checked_sub(1)?;
        let s = &self.segments[i];
        (u64::from(addr) < u64::from(s.vaddr) + s.data.len() as u64).then_some(s)
    }

    /// The program's digest: Poseidon over its entry point and each segment's address, size,
    /// flags and bytes (four bytes an element). What a proof names the program by.
    pub fn digest(&self) -> Digest {
        let g = |x: u64| Goldilocks::new(x);
        let mut words = vec![g(u64::from(self.entry)), g(self.segments.len() as u64)];
        for s in &self.segments {
            let flags = u64::from(s.executable) | u64::from(s.writable) << 1;
            words.extend([g(u64::from(s.vaddr)), g(s.data.len() as u64), g(flags)]);
            words.extend(s.data.chunks(4).map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                g(u64::from(u32::from_le_bytes(w)))
            }));
        }
        poseidon::hash_no_pad(&words)
    }
}
