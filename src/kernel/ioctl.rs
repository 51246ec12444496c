//! Byte layout of `struct dm_ioctl` and its payloads (linux/dm-ioctl.h),
//! encoding of requests and bounds-checked decoding of replies.
//!
//! Everything here is plain safe code over byte slices: every length and
//! offset the kernel returns is checked before it is read (DESIGN.md
//! invariant 2), so a corrupted reply is an error, never a bad read.

use super::{
    Command, Flags, KernelError, NameEntry, Payload, Reply, ReplyData, Request, TargetLine,
    TargetVersion, DM_MAX_TYPE_NAME, DM_NAME_LEN, DM_UUID_LEN, DM_VERSION_MAJOR, DM_VERSION_MINOR,
    DM_VERSION_PATCHLEVEL,
};

/// `sizeof(struct dm_ioctl)`.
pub const HEADER_SIZE: usize = 312;
/// Offsets of the fields of `struct dm_ioctl`.
pub mod header {
    /// `__u32 version[3]`
    pub const VERSION: usize = 0;
    /// `__u32 data_size`
    pub const DATA_SIZE: usize = 12;
    /// `__u32 data_start`
    pub const DATA_START: usize = 16;
    /// `__u32 target_count`
    pub const TARGET_COUNT: usize = 20;
    /// `__s32 open_count`
    pub const OPEN_COUNT: usize = 24;
    /// `__u32 flags`
    pub const FLAGS: usize = 28;
    /// `__u32 event_nr`
    pub const EVENT_NR: usize = 32;
    /// `__u64 dev`
    pub const DEV: usize = 40;
    /// `char name[DM_NAME_LEN]`
    pub const NAME: usize = 48;
    /// `char uuid[DM_UUID_LEN]`
    pub const UUID: usize = 176;
}
/// `sizeof(struct dm_target_spec)`.
pub const TARGET_SPEC_SIZE: usize = 40;
/// Offsets of the fields of `struct dm_target_spec`.
pub mod spec {
    /// `__u64 sector_start`
    pub const SECTOR_START: usize = 0;
    /// `__u64 length`
    pub const LENGTH: usize = 8;
    /// `__s32 status`
    pub const STATUS: usize = 16;
    /// `__u32 next`
    pub const NEXT: usize = 20;
    /// `char target_type[DM_MAX_TYPE_NAME]`
    pub const TARGET_TYPE: usize = 24;
}
/// Offset of `dev[]` in `struct dm_target_deps`.
pub const DEPS_DEV: usize = 8;
/// Offsets in `struct dm_name_list`: dev, next, name.
pub const NAME_LIST_NEXT: usize = 8;
/// Offset of `name[]` in `struct dm_name_list`.
pub const NAME_LIST_NAME: usize = 12;
/// Offset of `name[]` in `struct dm_target_versions`.
pub const VERSIONS_NAME: usize = 16;
/// Offset of `message[]` in `struct dm_target_msg`.
pub const MSG_TEXT: usize = 8;
/// `DM_NAME_LIST_FLAG_HAS_UUID`
pub const NAME_LIST_FLAG_HAS_UUID: u32 = 1;
/// `DM_NAME_LIST_FLAG_DOESNT_HAVE_UUID`
pub const NAME_LIST_FLAG_DOESNT_HAVE_UUID: u32 = 2;

/// The buffer size of a first attempt.
pub const INITIAL_BUFFER: usize = 16 * 1024;
/// The largest buffer we grow to before giving up.
pub const MAX_BUFFER: usize = 64 * 1024 * 1024;

/// The ioctl request number: `_IOWR(0xfd, cmd, struct dm_ioctl)`.
pub fn request_code(command: Command) -> u64 {
    const IOC_READ_WRITE: u64 = 3;
    (IOC_READ_WRITE << 30) | ((HEADER_SIZE as u64) << 16) | (0xfd << 8) | command as u64
}

fn align8(n: usize) -> usize {
    (n + 7) & !7
}

fn put_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_ne_bytes());
}
fn put_u64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_ne_bytes());
}

fn put_cstr(buf: &mut [u8], at: usize, cap: usize, s: &str, what: &str) -> Result<(), KernelError> {
    let bytes = s.as_bytes();
    if bytes.contains(&0) {
        return Err(KernelError::BadRequest(format!(
            "{what} contains a NUL byte"
        )));
    }
    if bytes.len() >= cap {
        return Err(KernelError::BadRequest(format!(
            "{what} \"{s}\" is too long (at most {} characters)",
            cap - 1
        )));
    }
    buf[at..at + bytes.len()].copy_from_slice(bytes);
    buf[at + bytes.len()] = 0;
    Ok(())
}

/// Bytes the payload needs after the header.
fn payload_size(payload: &Payload) -> usize {
    match payload {
        Payload::None => 0,
        Payload::Table(lines) => lines
            .iter()
            .map(|l| align8(TARGET_SPEC_SIZE + l.params.len() + 1))
            .sum(),
        Payload::NewName(s) | Payload::Geometry(s) => s.len() + 1,
        Payload::Message { text, .. } => MSG_TEXT + text.len() + 1,
    }
}

/// Encodes `request` into a buffer of at least `min_size` bytes.
pub fn encode_request(request: &Request, min_size: usize) -> Result<Vec<u8>, KernelError> {
    let needed = HEADER_SIZE + payload_size(&request.payload);
    let size = needed.max(min_size);
    if size > u32::MAX as usize {
        return Err(KernelError::BadRequest("request too large".into()));
    }
    let mut buf = vec![0u8; size];
    put_u32(&mut buf, header::VERSION, DM_VERSION_MAJOR);
    put_u32(&mut buf, header::VERSION + 4, DM_VERSION_MINOR);
    put_u32(&mut buf, header::VERSION + 8, DM_VERSION_PATCHLEVEL);
    put_u32(&mut buf, header::DATA_SIZE, size as u32);
    put_u32(&mut buf, header::DATA_START, HEADER_SIZE as u32);
    put_u32(&mut buf, header::FLAGS, request.flags.bits());
    put_u32(&mut buf, header::EVENT_NR, request.event_nr);
    put_u64(&mut buf, header::DEV, request.id.dev);
    put_cstr(
        &mut buf,
        header::NAME,
        DM_NAME_LEN,
        &request.id.name,
        "device name",
    )?;
    put_cstr(
        &mut buf,
        header::UUID,
        DM_UUID_LEN,
        &request.id.uuid,
        "uuid",
    )?;
    let data = HEADER_SIZE;
    match &request.payload {
        Payload::None => {}
        Payload::Table(lines) => {
            put_u32(&mut buf, header::TARGET_COUNT, lines.len() as u32);
            let mut at = data;
            for line in lines {
                let len = align8(TARGET_SPEC_SIZE + line.params.len() + 1);
                put_u64(&mut buf, at + spec::SECTOR_START, line.start);
                put_u64(&mut buf, at + spec::LENGTH, line.length);
                put_u32(&mut buf, at + spec::NEXT, len as u32);
                put_cstr(
                    &mut buf,
                    at + spec::TARGET_TYPE,
                    DM_MAX_TYPE_NAME,
                    &line.target_type,
                    "target type",
                )?;
                put_cstr(
                    &mut buf,
                    at + TARGET_SPEC_SIZE,
                    line.params.len() + 1,
                    &line.params,
                    "target parameters",
                )?;
                at += len;
            }
        }
        Payload::NewName(s) | Payload::Geometry(s) => {
            put_cstr(&mut buf, data, s.len() + 1, s, "argument")?
        }
        Payload::Message { sector, text } => {
            put_u64(&mut buf, data, *sector);
            put_cstr(&mut buf, data + MSG_TEXT, text.len() + 1, text, "message")?;
        }
    }
    Ok(buf)
}

/// A bounds-checked view of a reply buffer.
struct Reader<'a> {
    buf: &'a [u8],
    command: &'static str,
}

impl<'a> Reader<'a> {
    fn bad(&self, detail: impl Into<String>) -> KernelError {
        KernelError::BadReply {
            command: self.command,
            detail: detail.into(),
        }
    }
    fn bytes(&self, at: usize, len: usize) -> Result<&'a [u8], KernelError> {
        at.checked_add(len)
            .filter(|&end| end <= self.buf.len())
            .map(|end| &self.buf[at..end])
            .ok_or_else(|| {
                self.bad(format!(
                    "{len} bytes at offset {at} exceed the {}-byte reply",
                    self.buf.len()
                ))
            })
    }
    fn u32(&self, at: usize) -> Result<u32, KernelError> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&self, at: usize) -> Result<u64, KernelError> {
        let b = self.bytes(at, 8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_ne_bytes(a))
    }
    /// A NUL-terminated string starting at `at` and ending before `limit`.
    fn cstr(&self, at: usize, limit: usize) -> Result<String, KernelError> {
        let limit = limit.min(self.buf.len());
        if at > limit {
            return Err(self.bad(format!("string offset {at} past its area end {limit}")));
        }
        let area = &self.buf[at..limit];
        let end = area
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| self.bad(format!("unterminated string at offset {at}")))?;
        Ok(String::from_utf8_lossy(&area[..end]).into_owned())
    }
}

/// Decodes the reply the kernel left in `buf` for `command`.
pub fn decode_reply(command: Command, buf: &[u8]) -> Result<Reply, KernelError> {
    let r = Reader {
        buf,
        command: command.ioctl_name(),
    };
    if buf.len() < HEADER_SIZE {
        return Err(r.bad(format!(
            "reply of {} bytes is shorter than the header",
            buf.len()
        )));
    }
    let flags = Flags::from_bits_retain(r.u32(header::FLAGS)?);
    let mut reply = Reply {
        version: [
            r.u32(header::VERSION)?,
            r.u32(header::VERSION + 4)?,
            r.u32(header::VERSION + 8)?,
        ],
        flags,
        open_count: r.u32(header::OPEN_COUNT)? as i32,
        event_nr: r.u32(header::EVENT_NR)?,
        dev: r.u64(header::DEV)?,
        target_count: r.u32(header::TARGET_COUNT)?,
        name: r.cstr(header::NAME, header::NAME + DM_NAME_LEN)?,
        uuid: r.cstr(header::UUID, header::UUID + DM_UUID_LEN)?,
        data: ReplyData::None,
    };
    let data_start = r.u32(header::DATA_START)? as usize;
    let data_size = r.u32(header::DATA_SIZE)? as usize;
    if data_size > buf.len() {
        return Err(r.bad(format!(
            "data_size {data_size} exceeds the {}-byte buffer",
            buf.len()
        )));
    }
    // A reply without data has data_size at or below data_start (the kernel
    // sets it to offsetof(struct dm_ioctl, data) then).
    if data_start < HEADER_SIZE || data_start >= data_size {
        reply.data = empty_data(command);
        return Ok(reply);
    }
    let area = Reader {
        buf: &buf[..data_size],
        command: r.command,
    };
    reply.data = match command {
        // DM_DEV_WAIT answers with the live table's status, as TABLE_STATUS.
        Command::TableStatus | Command::DevWait => {
            ReplyData::Targets(decode_targets(&area, data_start, reply.target_count)?)
        }
        Command::TableDeps => ReplyData::Deps(decode_deps(&area, data_start)?),
        Command::ListDevices => ReplyData::Names(decode_names(&area, data_start)?),
        Command::ListVersions | Command::GetTargetVersion => {
            ReplyData::Versions(decode_versions(&area, data_start)?)
        }
        Command::TargetMsg if flags.contains(Flags::DATA_OUT) && data_start < data_size => {
            ReplyData::Response(area.cstr(data_start, data_size)?)
        }
        _ => ReplyData::None,
    };
    Ok(reply)
}

/// What an empty data area means for each command.
fn empty_data(command: Command) -> ReplyData {
    match command {
        Command::TableStatus | Command::DevWait => ReplyData::Targets(Vec::new()),
        Command::TableDeps => ReplyData::Deps(Vec::new()),
        Command::ListDevices => ReplyData::Names(Vec::new()),
        Command::ListVersions | Command::GetTargetVersion => ReplyData::Versions(Vec::new()),
        _ => ReplyData::None,
    }
}

fn decode_targets(
    r: &Reader<'_>,
    start: usize,
    count: u32,
) -> Result<Vec<TargetLine>, KernelError> {
    let mut lines = Vec::new();
    let mut at = start;
    for i in 0..count {
        r.bytes(at, TARGET_SPEC_SIZE)?;
        let line = TargetLine {
            start: r.u64(at + spec::SECTOR_START)?,
            length: r.u64(at + spec::LENGTH)?,
            target_type: r.cstr(
                at + spec::TARGET_TYPE,
                at + spec::TARGET_TYPE + DM_MAX_TYPE_NAME,
            )?,
            params: r.cstr(at + TARGET_SPEC_SIZE, r.buf.len())?,
        };
        lines.push(line);
        if i + 1 < count {
            // On output `next` counts from the start of the data area.
            let next = start + r.u32(at + spec::NEXT)? as usize;
            if next <= at {
                return Err(r.bad(format!("target {i}: next offset does not move forward")));
            }
            at = next;
        }
    }
    Ok(lines)
}

fn decode_deps(r: &Reader<'_>, start: usize) -> Result<Vec<u64>, KernelError> {
    let count = r.u32(start)? as usize;
    let bytes = count
        .checked_mul(8)
        .ok_or_else(|| r.bad("dependency count overflows"))?;
    r.bytes(start + DEPS_DEV, bytes)?;
    (0..count)
        .map(|i| r.u64(start + DEPS_DEV + 8 * i))
        .collect()
}

fn decode_names(r: &Reader<'_>, start: usize) -> Result<Vec<NameEntry>, KernelError> {
    let mut names = Vec::new();
    if start == r.buf.len() || r.u64(start)? == 0 {
        return Ok(names);
    }
    let mut at = start;
    loop {
        let dev = r.u64(at)?;
        let next = r.u32(at + NAME_LIST_NEXT)? as usize;
        let end = if next == 0 {
            r.buf.len()
        } else {
            at.checked_add(next)
                .ok_or_else(|| r.bad("name list offset overflows"))?
        };
        if end > r.buf.len() {
            return Err(r.bad(format!("name entry at {at} runs past the reply")));
        }
        let name = r.cstr(at + NAME_LIST_NAME, end)?;
        // Newer kernels put the event number, flags and uuid after the name.
        let extra = align8(at + NAME_LIST_NAME + name.len() + 1);
        let (event_nr, uuid) = if extra + 8 <= end {
            let event_nr = r.u32(extra)?;
            let flags = r.u32(extra + 4)?;
            let uuid = if flags & NAME_LIST_FLAG_HAS_UUID != 0 {
                Some(r.cstr(extra + 8, end)?)
            } else if flags & NAME_LIST_FLAG_DOESNT_HAVE_UUID != 0 {
                Some(String::new())
            } else {
                None
            };
            (Some(event_nr), uuid)
        } else {
            (None, None)
        };
        names.push(NameEntry {
            dev,
            name,
            event_nr,
            uuid,
        });
        if next == 0 {
            return Ok(names);
        }
        if next < NAME_LIST_NAME {
            return Err(r.bad(format!("name entry at {at}: next offset {next} too small")));
        }
        at = end;
    }
}

fn decode_versions(r: &Reader<'_>, start: usize) -> Result<Vec<TargetVersion>, KernelError> {
    let mut out = Vec::new();
    if start >= r.buf.len() {
        return Ok(out);
    }
    let mut at = start;
    loop {
        let next = r.u32(at)? as usize;
        let version = [r.u32(at + 4)?, r.u32(at + 8)?, r.u32(at + 12)?];
        let end = if next == 0 {
            r.buf.len()
        } else {
            at.checked_add(next)
                .ok_or_else(|| r.bad("version list offset overflows"))?
        };
        let name = r.cstr(at + VERSIONS_NAME, end)?;
        out.push(TargetVersion { name, version });
        if next == 0 {
            return Ok(out);
        }
        if next < VERSIONS_NAME {
            return Err(r.bad(format!(
                "version entry at {at}: next offset {next} too small"
            )));
        }
        at = end;
    }
}

/// Writes `reply` into a kernel-format buffer (the simulated kernel uses it
/// so that its replies take the same decoding path as the real ones).
pub fn encode_reply(reply: &Reply) -> Vec<u8> {
    let mut data: Vec<u8> = Vec::new();
    match &reply.data {
        ReplyData::None => {}
        ReplyData::Targets(lines) => {
            for (i, l) in lines.iter().enumerate() {
                let at = data.len();
                let len = align8(TARGET_SPEC_SIZE + l.params.len() + 1);
                data.resize(at + len, 0);
                put_u64(&mut data, at + spec::SECTOR_START, l.start);
                put_u64(&mut data, at + spec::LENGTH, l.length);
                let next = if i + 1 < lines.len() {
                    (at + len) as u32
                } else {
                    0
                };
                put_u32(&mut data, at + spec::NEXT, next);
                let t = l.target_type.as_bytes();
                let t = &t[..t.len().min(DM_MAX_TYPE_NAME - 1)];
                data[at + spec::TARGET_TYPE..at + spec::TARGET_TYPE + t.len()].copy_from_slice(t);
                data[at + TARGET_SPEC_SIZE..at + TARGET_SPEC_SIZE + l.params.len()]
                    .copy_from_slice(l.params.as_bytes());
            }
        }
        ReplyData::Deps(devs) => {
            data.resize(DEPS_DEV + 8 * devs.len(), 0);
            put_u32(&mut data, 0, devs.len() as u32);
            for (i, d) in devs.iter().enumerate() {
                put_u64(&mut data, DEPS_DEV + 8 * i, *d);
            }
        }
        ReplyData::Names(names) => data = encode_name_list(names),
        ReplyData::Versions(versions) => data = encode_version_list(versions),
        ReplyData::Response(text) => {
            data.extend_from_slice(text.as_bytes());
            data.push(0);
        }
    }
    finish_reply(reply, data)
}

/// A device list in the kernel's `struct dm_name_list` layout (what
/// `dm_task_get_names` hands to C callers); an empty list is one entry
/// with dev 0.
pub fn encode_name_list(names: &[NameEntry]) -> Vec<u8> {
    let mut data = Vec::new();
    if names.is_empty() {
        data.resize(NAME_LIST_NAME + 4, 0);
    }
    for (i, n) in names.iter().enumerate() {
        let at = data.len();
        let extra = align8(at + NAME_LIST_NAME + n.name.len() + 1);
        let uuid = n.uuid.clone().unwrap_or_default();
        let end = align8(extra + 8 + uuid.len() + 1);
        data.resize(end, 0);
        put_u64(&mut data, at, n.dev);
        put_u32(
            &mut data,
            at + NAME_LIST_NEXT,
            if i + 1 < names.len() {
                (end - at) as u32
            } else {
                0
            },
        );
        data[at + NAME_LIST_NAME..at + NAME_LIST_NAME + n.name.len()]
            .copy_from_slice(n.name.as_bytes());
        put_u32(&mut data, extra, n.event_nr.unwrap_or(0));
        let flag = if uuid.is_empty() {
            NAME_LIST_FLAG_DOESNT_HAVE_UUID
        } else {
            NAME_LIST_FLAG_HAS_UUID
        };
        put_u32(&mut data, extra + 4, flag);
        data[extra + 8..extra + 8 + uuid.len()].copy_from_slice(uuid.as_bytes());
    }
    data
}

/// Targets and versions in the kernel's `struct dm_target_versions` layout.
pub fn encode_version_list(versions: &[TargetVersion]) -> Vec<u8> {
    let mut data = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let at = data.len();
        let len = align8(VERSIONS_NAME + v.name.len() + 1);
        data.resize(at + len, 0);
        put_u32(
            &mut data,
            at,
            if i + 1 < versions.len() {
                len as u32
            } else {
                0
            },
        );
        for (k, part) in v.version.iter().enumerate() {
            put_u32(&mut data, at + 4 + 4 * k, *part);
        }
        data[at + VERSIONS_NAME..at + VERSIONS_NAME + v.name.len()]
            .copy_from_slice(v.name.as_bytes());
    }
    data
}

fn finish_reply(reply: &Reply, data: Vec<u8>) -> Vec<u8> {
    let mut buf = vec![0u8; HEADER_SIZE + data.len()];
    for (k, part) in reply.version.iter().enumerate() {
        put_u32(&mut buf, header::VERSION + 4 * k, *part);
    }
    let total = buf.len() as u32;
    put_u32(&mut buf, header::DATA_SIZE, total);
    put_u32(&mut buf, header::DATA_START, HEADER_SIZE as u32);
    put_u32(&mut buf, header::TARGET_COUNT, reply.target_count);
    put_u32(&mut buf, header::OPEN_COUNT, reply.open_count as u32);
    let mut flags = reply.flags;
    if matches!(reply.data, ReplyData::Response(_)) {
        flags |= Flags::DATA_OUT;
    }
    put_u32(&mut buf, header::FLAGS, flags.bits());
    put_u32(&mut buf, header::EVENT_NR, reply.event_nr);
    put_u64(&mut buf, header::DEV, reply.dev);
    let name = &reply.name.as_bytes()[..reply.name.len().min(DM_NAME_LEN - 1)];
    buf[header::NAME..header::NAME + name.len()].copy_from_slice(name);
    let uuid = &reply.uuid.as_bytes()[..reply.uuid.len().min(DM_UUID_LEN - 1)];
    buf[header::UUID..header::UUID + uuid.len()].copy_from_slice(uuid);
    buf[HEADER_SIZE..].copy_from_slice(&data);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::DeviceId;

    fn reply_with(data: ReplyData, target_count: u32) -> Reply {
        Reply {
            version: [4, 47, 0],
            target_count,
            name: "d".into(),
            data,
            ..Reply::default()
        }
    }

    #[test]
    fn table_lines_survive_encode_and_decode() {
        let lines = vec![
            TargetLine {
                start: 0,
                length: 8,
                target_type: "zero".into(),
                params: String::new(),
            },
            TargetLine {
                start: 8,
                length: 8,
                target_type: "linear".into(),
                params: "7:0 2048".into(),
            },
        ];
        let buf = encode_reply(&reply_with(ReplyData::Targets(lines.clone()), 2));
        assert_eq!(
            decode_reply(Command::TableStatus, &buf).unwrap().data,
            ReplyData::Targets(lines)
        );
    }

    #[test]
    fn a_wait_reply_carries_the_status_lines() {
        let lines = vec![TargetLine { start: 0, length: 16, target_type: "mirror".into(), params: "2 7:0 7:1 4/4 1 AA 1 core".into() }];
        let buf = encode_reply(&reply_with(ReplyData::Targets(lines.clone()), 1));
        assert_eq!(decode_reply(Command::DevWait, &buf).unwrap().data, ReplyData::Targets(lines));
    }

    #[test]
    fn names_with_uuid_and_event_numbers_decode() {
        let names = vec![
            NameEntry {
                dev: 0xfd00,
                name: "a".into(),
                event_nr: Some(3),
                uuid: Some("U-1".into()),
            },
            NameEntry {
                dev: 0xfd01,
                name: "bb".into(),
                event_nr: Some(0),
                uuid: Some(String::new()),
            },
        ];
        let buf = encode_reply(&reply_with(ReplyData::Names(names.clone()), 0));
        assert_eq!(
            decode_reply(Command::ListDevices, &buf).unwrap().data,
            ReplyData::Names(names)
        );
    }

    #[test]
    fn empty_name_list_is_no_devices() {
        let buf = encode_reply(&reply_with(ReplyData::Names(vec![]), 0));
        assert_eq!(
            decode_reply(Command::ListDevices, &buf).unwrap().data,
            ReplyData::Names(vec![])
        );
    }

    #[test]
    fn deps_count_past_the_buffer_is_rejected() {
        let mut buf = encode_reply(&reply_with(ReplyData::Deps(vec![1, 2]), 0));
        put_u32(&mut buf, HEADER_SIZE, 1_000_000);
        assert!(matches!(
            decode_reply(Command::TableDeps, &buf),
            Err(KernelError::BadReply { .. })
        ));
    }

    #[test]
    fn target_count_larger_than_the_data_is_rejected() {
        let lines = vec![TargetLine {
            start: 0,
            length: 8,
            target_type: "zero".into(),
            params: String::new(),
        }];
        let buf = encode_reply(&reply_with(ReplyData::Targets(lines), 5));
        assert!(matches!(
            decode_reply(Command::TableStatus, &buf),
            Err(KernelError::BadReply { .. })
        ));
    }

    #[test]
    fn data_size_beyond_the_buffer_is_rejected() {
        let mut buf = encode_reply(&reply_with(ReplyData::None, 0));
        put_u32(&mut buf, header::DATA_SIZE, 1 << 20);
        assert!(matches!(
            decode_reply(Command::DevStatus, &buf),
            Err(KernelError::BadReply { .. })
        ));
    }

    #[test]
    fn a_data_size_below_data_start_means_no_data() {
        let mut buf = encode_reply(&reply_with(ReplyData::None, 0));
        put_u32(&mut buf, header::DATA_SIZE, 305);
        let reply = decode_reply(Command::TableStatus, &buf).unwrap();
        assert_eq!(reply.data, ReplyData::Targets(vec![]));
    }

    #[test]
    fn truncated_buffers_never_panic() {
        let lines = vec![TargetLine {
            start: 0,
            length: 8,
            target_type: "linear".into(),
            params: "7:0 0".into(),
        }];
        let buf = encode_reply(&reply_with(ReplyData::Targets(lines), 1));
        for len in 0..buf.len() {
            let _ = decode_reply(Command::TableStatus, &buf[..len]);
        }
    }

    #[test]
    fn over_long_names_are_refused_before_the_ioctl() {
        let req = Request::new(
            Command::DevCreate,
            DeviceId {
                name: "x".repeat(128),
                ..DeviceId::default()
            },
        );
        assert!(matches!(
            encode_request(&req, 0),
            Err(KernelError::BadRequest(_))
        ));
    }

    #[test]
    fn table_load_specs_point_to_the_next_spec() {
        let mut req = Request::new(
            Command::TableLoad,
            DeviceId {
                name: "t".into(),
                ..DeviceId::default()
            },
        );
        req.payload = Payload::Table(vec![
            TargetLine {
                start: 0,
                length: 1,
                target_type: "zero".into(),
                params: "abc".into(),
            },
            TargetLine {
                start: 1,
                length: 1,
                target_type: "error".into(),
                params: String::new(),
            },
        ]);
        let buf = encode_request(&req, 0).unwrap();
        let next = u32::from_ne_bytes(
            buf[HEADER_SIZE + spec::NEXT..HEADER_SIZE + spec::NEXT + 4]
                .try_into()
                .unwrap(),
        );
        assert_eq!(next as usize, 48);
        assert_eq!(
            &buf[HEADER_SIZE + 48 + spec::TARGET_TYPE..HEADER_SIZE + 48 + spec::TARGET_TYPE + 5],
            b"error"
        );
    }
}
