//! The `vdo` target: its status line, the statistics its `stats` message
//! returns, the check of table parameters, and the logical size read from
//! a VDO volume's geometry and super block.
//!
//! Status: `<device> <operating mode> <recovering|-> <index state>
//! <compression state> <used physical blocks> <total physical blocks>`.
//! Stats: nested `{ key : value, key : { key : value, }, ... }`.

use std::io::{Read, Seek, SeekFrom};

use super::scan::{is_space, until_nul};

/// The operating mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OperatingMode {
    /// `recovering` (also the value of a stats block without a mode)
    #[default]
    Recovering,
    /// `read-only`
    ReadOnly,
    /// `normal`
    Normal,
}

/// The deduplication index state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IndexState {
    /// `error`
    #[default]
    Error,
    /// `closed`
    Closed,
    /// `opening`
    Opening,
    /// `closing`
    Closing,
    /// `offline`
    Offline,
    /// `online`
    Online,
    /// `unknown`
    Unknown,
}

/// Whether compression is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CompressionState {
    /// `online`
    #[default]
    Online,
    /// `offline`
    Offline,
}

/// A parsed VDO status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VdoStatus {
    /// The backing device.
    pub device: Vec<u8>,
    /// Operating mode.
    pub operating_mode: OperatingMode,
    /// Whether it is recovering.
    pub recovering: bool,
    /// Index state.
    pub index_state: IndexState,
    /// Compression state.
    pub compression_state: CompressionState,
    /// Physical blocks used.
    pub used_blocks: u64,
    /// Physical blocks.
    pub total_blocks: u64,
}

/// Why a VDO status line was rejected; the text is libdm's, as it puts it
/// in `dm_vdo_status_parse_result.error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VdoStatusError {
    /// The line has no device field.
    #[error("couldn't get token for device")]
    NoDevice,
    /// A field is missing.
    #[error("couldn't get token for '{0}'")]
    Missing(&'static str),
    /// A field has a value the parser does not know.
    #[error("couldn't parse '{0}'")]
    Invalid(&'static str),
    /// More text after the last field.
    #[error("too many tokens")]
    TooManyTokens,
}

fn eat_space(s: &[u8], mut b: usize) -> usize {
    while b < s.len() && is_space(s[b]) {
        b += 1;
    }
    b
}

/// A run of non-space bytes from `b` (None when empty).
fn next_tok(s: &[u8], b: usize) -> Option<usize> {
    let mut e = b;
    while e < s.len() && !is_space(s[e]) {
        e += 1;
    }
    (e > b).then_some(e)
}

/// libdm's unsigned parse: digits only, wrapping on overflow.
fn parse_u64(tok: &[u8]) -> Option<u64> {
    let d = crate::util::num::Digits::read(tok, 10);
    (d.len == tok.len()).then(|| d.wrapping())
}

fn parse_mode(tok: &[u8]) -> Option<OperatingMode> {
    match tok {
        b"recovering" => Some(OperatingMode::Recovering),
        b"read-only" => Some(OperatingMode::ReadOnly),
        b"normal" => Some(OperatingMode::Normal),
        _ => None,
    }
}

/// Parses a VDO status line.
pub fn parse_status(input: &[u8]) -> Result<VdoStatus, VdoStatusError> {
    let s = until_nul(input);
    let mut st = VdoStatus::default();
    let mut b = eat_space(s, 0);
    let te = next_tok(s, b).ok_or(VdoStatusError::NoDevice)?;
    st.device = s[b..te].to_vec();
    b = eat_space(s, te);

    let mut field = |name: &'static str| -> Result<&[u8], VdoStatusError> {
        let te = next_tok(s, b).ok_or(VdoStatusError::Missing(name))?;
        let tok = &s[b..te];
        b = eat_space(s, te);
        Ok(tok)
    };
    let bad = VdoStatusError::Invalid;
    st.operating_mode = parse_mode(field("operating mode")?).ok_or(bad("operating mode"))?;
    st.recovering = match field("recovering")? {
        b"recovering" => true,
        b"-" => false,
        _ => return Err(bad("recovering")),
    };
    st.index_state = match field("index state")? {
        b"error" => IndexState::Error,
        b"closed" => IndexState::Closed,
        b"opening" => IndexState::Opening,
        b"closing" => IndexState::Closing,
        b"offline" => IndexState::Offline,
        b"online" => IndexState::Online,
        b"unknown" => IndexState::Unknown,
        _ => return Err(bad("index state")),
    };
    st.compression_state = match field("compression state")? {
        b"online" => CompressionState::Online,
        b"offline" => CompressionState::Offline,
        _ => return Err(bad("compression state")),
    };
    st.used_blocks = parse_u64(field("used blocks")?).ok_or(bad("used blocks"))?;
    st.total_blocks = parse_u64(field("total blocks")?).ok_or(bad("total blocks"))?;
    if b != s.len() {
        return Err(VdoStatusError::TooManyTokens);
    }
    Ok(st)
}

/// At most this many label/value pairs are kept (libdm's MAX_STATS).
pub const MAX_STATS: usize = 250;
/// Labels and values are cut to this size minus one while parsing.
const MAX_STAT_LENGTH: usize = 80;
/// The C struct's label and value buffers.
const FIELD_LEN: usize = 64;
/// Deeper groups end the parse.
const MAX_NESTING_DEPTH: usize = 16;

/// Parsed VDO statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VdoStats {
    /// `physical blocks`
    pub physical_blocks: u64,
    /// `logical blocks`
    pub logical_blocks: u64,
    /// `block size`
    pub bytes_per_physical_block: u64,
    /// `logical block size`
    pub bytes_per_logical_block: u64,
    /// `data blocks used`
    pub data_blocks_used: u64,
    /// `overhead blocks used`
    pub overhead_blocks_used: u64,
    /// `logical blocks used`
    pub logical_blocks_used: u64,
    /// `bios in write`
    pub bios_in: u64,
    /// `bios out write`
    pub bios_out: u64,
    /// `bios meta write`
    pub bios_meta: u64,
    /// `mode`
    pub operating_mode: OperatingMode,
    /// Every label and value (each under 64 bytes), when asked for.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

fn stat_token_end(s: &[u8], b: usize) -> Option<usize> {
    let mut e = b;
    while e < s.len() && !is_space(s[e]) && !matches!(s[e], b':' | b',' | b'{' | b'}') {
        e += 1;
    }
    (e > b).then_some(e)
}

/// The label of a key: the parent's label, a space, and the camel-case key
/// spelt as words (`bytesUsed` -> `bytes used`, `VDOState` kept), all cut
/// to 79 bytes.
fn build_label(prefix: &[u8], key: &[u8]) -> Vec<u8> {
    let cap = MAX_STAT_LENGTH - 1;
    let mut dst: Vec<u8> = prefix.iter().copied().take(cap).collect();
    if !dst.is_empty() && dst.len() < cap {
        dst.push(b' ');
    }
    let at = |i: usize| key.get(i).copied().unwrap_or(0);
    for i in 0..key.len() {
        if dst.len() >= cap {
            break;
        }
        let c = key[i];
        let prev = if i > 0 { key[i - 1] } else { 0 };
        let next = at(i + 1);
        if i > 0 && c.is_ascii_uppercase() {
            if prev.is_ascii_lowercase() {
                if dst.len() < cap - 1 {
                    dst.push(b' ');
                }
                dst.push(if next.is_ascii_lowercase() { c.to_ascii_lowercase() } else { c });
            } else if prev.is_ascii_uppercase() && next.is_ascii_lowercase() {
                let next2 = at(i + 2);
                if next2 == 0 || next2.is_ascii_uppercase() {
                    dst.push(c);
                } else {
                    if dst.len() < cap - 1 {
                        dst.push(b' ');
                    }
                    dst.push(c.to_ascii_lowercase());
                }
            } else {
                dst.push(c);
            }
        } else {
            dst.push(c);
        }
    }
    dst
}

fn store_field(label: &[u8], value: &[u8], st: &mut VdoStats, full: bool) {
    let slot = match label {
        b"data blocks used" => Some(&mut st.data_blocks_used),
        b"overhead blocks used" => Some(&mut st.overhead_blocks_used),
        b"logical blocks used" => Some(&mut st.logical_blocks_used),
        b"physical blocks" => Some(&mut st.physical_blocks),
        b"logical blocks" => Some(&mut st.logical_blocks),
        b"block size" => Some(&mut st.bytes_per_physical_block),
        b"logical block size" => Some(&mut st.bytes_per_logical_block),
        b"bios in write" => Some(&mut st.bios_in),
        b"bios out write" => Some(&mut st.bios_out),
        b"bios meta write" => Some(&mut st.bios_meta),
        _ => None,
    };
    if let Some(slot) = slot {
        if let Some(v) = parse_u64(value) {
            *slot = v;
        }
    } else if label == b"mode" {
        st.operating_mode = parse_mode(value).unwrap_or(OperatingMode::Normal);
    }
    if full && st.fields.len() < MAX_STATS {
        let cut = |b: &[u8]| b[..b.len().min(FIELD_LEN - 1)].to_vec();
        st.fields.push((cut(label), cut(value)));
    }
}

/// Walks one `{ ... }` group from `b`; returns where it stopped (the end
/// of the text when the nesting is too deep).
fn parse_group(s: &[u8], mut b: usize, prefix: &[u8], st: &mut VdoStats, full: bool, depth: usize) -> usize {
    if depth > MAX_NESTING_DEPTH {
        return s.len();
    }
    while b < s.len() && s[b] != b'}' {
        while b < s.len() && s[b] == b',' {
            b = eat_space(s, b + 1);
        }
        if b >= s.len() || s[b] == b'}' {
            break;
        }
        let Some(ke) = stat_token_end(s, b) else { break };
        let label = build_label(prefix, &s[b..ke]);
        b = eat_space(s, ke);
        if b >= s.len() || s[b] != b':' {
            break;
        }
        b = eat_space(s, b + 1);
        if b < s.len() && s[b] == b'{' {
            b = parse_group(s, eat_space(s, b + 1), &label, st, full, depth + 1);
            if b < s.len() && s[b] == b'}' {
                b = eat_space(s, b + 1);
            }
        } else {
            let Some(ve) = stat_token_end(s, b) else { break };
            let value = &s[b..ve.min(b + MAX_STAT_LENGTH - 1)];
            store_field(&label, value, st, full);
            b = eat_space(s, ve);
        }
    }
    b
}

/// Parses the text of a VDO `stats` message; `full` keeps every
/// label/value pair (at most [`MAX_STATS`]).
pub fn parse_stats(text: &[u8], full: bool) -> VdoStats {
    let s = until_nul(text);
    let mut st = VdoStats::default();
    let mut b = eat_space(s, 0);
    if b < s.len() && s[b] == b'{' {
        b = eat_space(s, b + 1);
    }
    parse_group(s, b, b"", &mut st, full, 0);
    st
}

/// Why a logical size could not be read (debug-level messages in libdm).
#[derive(Debug, thiserror::Error)]
pub enum VdoReadError {
    /// Opening, sizing, seeking or reading failed.
    #[error("{path}: {what} failed: {source}")]
    Io {
        /// The volume.
        path: String,
        /// The operation.
        what: &'static str,
        /// The error.
        source: std::io::Error,
    },
    /// The content is not a VDO volume libdm can read.
    #[error("{0}")]
    Format(String),
}

fn le32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Reads up to 4096 bytes at the current position.
fn read_block(f: &mut std::fs::File, path: &str) -> Result<Vec<u8>, VdoReadError> {
    let mut buf = vec![0u8; 4096];
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => return Err(VdoReadError::Io { path: path.into(), what: "read", source }),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// Reads the logical size (in 4 KiB blocks) of the VDO volume on `path`
/// (a block device or a file): the geometry block gives the data region,
/// whose super block holds the configuration.
pub fn parse_logical_size(path: &str) -> Result<u64, VdoReadError> {
    let io = |what: &'static str| move |source| VdoReadError::Io { path: path.into(), what, source };
    let mut f = std::fs::File::open(path).map_err(io("open"))?;
    // For a block device the end is its size, for a file its length.
    let size = f.seek(SeekFrom::End(0)).map_err(io("size"))?;
    f.seek(SeekFrom::Start(0)).map_err(io("lseek"))?;
    let geo = read_block(&mut f, path)?;
    const MAGIC: &[u8] = b"dmvdo001";
    const HDR: usize = 20; // id, version major/minor, size
    if geo.len() < MAGIC.len() + HDR {
        return Err(VdoReadError::Format(format!("{path}: read failed: short geometry block")));
    }
    if &geo[..MAGIC.len()] != MAGIC {
        return Err(VdoReadError::Format(format!("Found mismatching VDO magic header in {path}.")));
    }
    let id = le32(&geo, 8);
    if id != 5 {
        return Err(VdoReadError::Format(format!("Expected geometry VDO block instead of block {id}.")));
    }
    let (major, minor) = (le32(&geo, 12), le32(&geo, 16));
    let body = MAGIC.len() + HDR;
    // release_version u32, nonce u64, uuid 16 bytes, [bio_offset u64],
    // regions[2] of (id u32, start_block u64): the data region is the second.
    let (nonce, bio_offset, data_start) = match major {
        4 => (le64(&geo, body + 4), 0, le64(&geo, body + 28 + 12 + 4)),
        5 => (le64(&geo, body + 4), le64(&geo, body + 28), le64(&geo, body + 36 + 12 + 4)),
        _ => return Err(VdoReadError::Format(format!("Unsupported VDO version {major}.{minor}."))),
    };
    let regpos = data_start.wrapping_sub(bio_offset).wrapping_mul(4096);
    if regpos.wrapping_add(4096) > size {
        return Err(VdoReadError::Format(format!(
            "File/Device is shorter and can't provide requested VDO volume region at {regpos} > {size}."
        )));
    }
    f.seek(SeekFrom::Start(regpos)).map_err(io("lseek"))?;
    let sb = read_block(&mut f, path)?;
    // The super block: geometry-style block header (magic-less: 8 + 20 + 4
    // checksum bytes), then the component version and the 41.0 component.
    const BLOCK: usize = 8 + HDR + 4;
    if sb.len() < BLOCK + 8 + 4 + 16 + 40 + 8 {
        return Err(VdoReadError::Format(format!("{path}: read failed: short super block")));
    }
    let component_major = le32(&sb, BLOCK);
    if component_major > 41 {
        return Err(VdoReadError::Format(format!("Unknown VDO component version {component_major}.")));
    }
    let pvc = BLOCK + 8;
    // state u32, complete_recoveries u64, read_only_recoveries u64, config (5 x u64), nonce u64
    let logical_blocks = le64(&sb, pvc + 20);
    let sb_nonce = le64(&sb, pvc + 20 + 40);
    if sb_nonce != nonce {
        return Err(VdoReadError::Format(format!("VDO metadata has mismatching VDO nonces {sb_nonce} != {nonce}.")));
    }
    Ok(logical_blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_line() {
        let s = parse_status(b"/dev/sdb normal - online online 1024 4096").unwrap();
        assert_eq!(s.device, b"/dev/sdb");
        assert_eq!((s.operating_mode, s.recovering), (OperatingMode::Normal, false));
        assert_eq!((s.index_state, s.compression_state), (IndexState::Online, CompressionState::Online));
        assert_eq!((s.used_blocks, s.total_blocks), (1024, 4096));
    }

    #[test]
    fn status_errors_name_the_field() {
        assert_eq!(parse_status(b"").unwrap_err().to_string(), "couldn't get token for device");
        assert_eq!(parse_status(b"d normal").unwrap_err().to_string(), "couldn't get token for 'recovering'");
        assert_eq!(parse_status(b"d fast - online online 1 2").unwrap_err().to_string(), "couldn't parse 'operating mode'");
        assert_eq!(parse_status(b"d normal - online online 1 2 3").unwrap_err().to_string(), "too many tokens");
        assert_eq!(parse_status(b"d normal - online online 1x 2").unwrap_err().to_string(), "couldn't parse 'used blocks'");
    }

    #[test]
    fn stats_nested_groups_make_spaced_labels() {
        let st = parse_stats(b"{ dataBlocksUsed : 10, biosIn : { write : 7, read : 3, }, mode : read-only, }", true);
        assert_eq!(st.data_blocks_used, 10);
        assert_eq!(st.bios_in, 7);
        assert_eq!(st.operating_mode, OperatingMode::ReadOnly);
        assert_eq!(st.fields[1], (b"bios in write".to_vec(), b"7".to_vec()));
    }

    /// The start of what dm-vdo's `stats` message returns (kernel 6.9 and
    /// later), trimmed to one entry per kind of group.
    const KERNEL_STATS: &[u8] = b"{ version : 36, dataBlocksUsed : 12, overheadBlocksUsed : 2050, \
        logicalBlocksUsed : 30, physicalBlocks : 65536, logicalBlocks : 262144, blockMapCacheSize : 134217728, \
        blockSize : 4096, completeRecoveries : 0, readOnlyRecoveries : 0, mode : normal, inRecoveryMode : 0, \
        recoveryPercentage : 100, journal : { diskFull : 0, entries : { started : 9, written : 9, committed : 9, }, }, \
        errors : { invalidAdvicePBNCount : 0, }, currentVIOsInProgress : 0, maxVIOs : 2048, logicalBlockSize : 4096, \
        biosIn : { read : 5, write : 40, }, biosOut : { read : 3, write : 12, }, biosMeta : { read : 1, write : 7, }, }";

    #[test]
    fn full_stats_label_every_value_in_the_kernels_order() {
        let st = parse_stats(KERNEL_STATS, true);
        let labels: Vec<String> = st.fields.iter().map(|(l, _)| String::from_utf8_lossy(l).into_owned()).collect();
        assert_eq!(
            labels,
            [
                "version",
                "data blocks used",
                "overhead blocks used",
                "logical blocks used",
                "physical blocks",
                "logical blocks",
                "block map cache size",
                "block size",
                "complete recoveries",
                "read only recoveries",
                "mode",
                "in recovery mode",
                "recovery percentage",
                "journal disk full",
                "journal entries started",
                "journal entries written",
                "journal entries committed",
                "errors invalid advice PBN count",
                "current VIOs in progress",
                "max VIOs",
                "logical block size",
                "bios in read",
                "bios in write",
                "bios out read",
                "bios out write",
                "bios meta read",
                "bios meta write",
            ]
        );
    }

    #[test]
    fn full_stats_hold_the_labels_libdm_1_02_214_checks_for() {
        // The labels upstream's own test requires in a full parse, each with
        // its value as the kernel printed it.
        let st = parse_stats(KERNEL_STATS, true);
        let value = |label: &str| st.fields.iter().find(|(l, _)| l == label.as_bytes()).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
        let expected = [
            ("data blocks used", "12"),
            ("overhead blocks used", "2050"),
            ("logical blocks used", "30"),
            ("physical blocks", "65536"),
            ("logical blocks", "262144"),
            ("block size", "4096"),
            ("logical block size", "4096"),
            ("mode", "normal"),
            ("bios in write", "40"),
            ("bios out write", "12"),
            ("bios meta write", "7"),
        ];
        for (label, v) in expected {
            assert_eq!(value(label).as_deref(), Some(v), "{label}");
        }
    }

    #[test]
    fn the_struct_fields_come_from_the_same_labels() {
        let st = parse_stats(KERNEL_STATS, false);
        assert_eq!(
            (st.data_blocks_used, st.overhead_blocks_used, st.logical_blocks_used, st.physical_blocks, st.logical_blocks),
            (12, 2050, 30, 65536, 262144)
        );
        assert_eq!((st.bytes_per_physical_block, st.bytes_per_logical_block), (4096, 4096));
        assert_eq!((st.bios_in, st.bios_out, st.bios_meta, st.operating_mode), (40, 12, 7, OperatingMode::Normal));
    }

    #[test]
    fn stats_without_full_keep_no_fields() {
        assert!(parse_stats(b"{ a : 1 }", false).fields.is_empty());
    }

    #[test]
    fn camel_case_acronyms_stay_together() {
        assert_eq!(build_label(b"", b"VDOState"), b"VDO state");
        assert_eq!(build_label(b"", b"currentVIOsInProgress"), b"current VIOs in progress");
    }

    #[test]
    fn deep_nesting_ends_the_parse() {
        let deep = "{ a : ".repeat(40) + "1";
        assert!(parse_stats(deep.as_bytes(), true).fields.is_empty());
    }

    /// A volume file: geometry block (version 5) at 0, super block at
    /// block `data_start`, with `nonce` in both.
    fn volume(data_start: u64, nonces: (u64, u64), logical_blocks: u64) -> Vec<u8> {
        let mut v = vec![0u8; 4096 * (data_start as usize + 1)];
        v[..8].copy_from_slice(b"dmvdo001");
        v[8..12].copy_from_slice(&5u32.to_le_bytes());
        v[12..16].copy_from_slice(&5u32.to_le_bytes());
        v[32..40].copy_from_slice(&nonces.0.to_le_bytes());
        v[80..88].copy_from_slice(&data_start.to_le_bytes());
        let sb = 4096 * data_start as usize;
        v[sb + 32..sb + 36].copy_from_slice(&41u32.to_le_bytes());
        v[sb + 60..sb + 68].copy_from_slice(&logical_blocks.to_le_bytes());
        v[sb + 100..sb + 108].copy_from_slice(&nonces.1.to_le_bytes());
        v
    }

    #[test]
    fn the_logical_size_comes_from_the_super_block() {
        let dir = std::env::temp_dir().join(format!("vdo-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good");
        std::fs::write(&good, volume(2, (77, 77), 123_456)).unwrap();
        assert_eq!(parse_logical_size(good.to_str().unwrap()).unwrap(), 123_456);
        let bad = dir.join("bad");
        std::fs::write(&bad, volume(2, (77, 78), 1)).unwrap();
        assert_eq!(
            parse_logical_size(bad.to_str().unwrap()).unwrap_err().to_string(),
            "VDO metadata has mismatching VDO nonces 78 != 77."
        );
        let short = dir.join("short");
        let mut v = volume(2, (1, 1), 1);
        v.truncate(4096 * 2 + 100);
        std::fs::write(&short, v).unwrap();
        assert!(parse_logical_size(short.to_str().unwrap()).unwrap_err().to_string().starts_with("File/Device is shorter"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
