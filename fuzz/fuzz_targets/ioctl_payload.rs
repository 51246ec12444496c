//! The list decoders (names, versions, deps, targets, message response)
//! behind a well-formed header: the fuzzer's bytes are the payload, with
//! data_start, data_size and target_count taken from the input, so the
//! corrupted lengths, offsets and strings reach the list walkers.
#![no_main]
use devmapper::kernel::ioctl::{decode_reply, header, HEADER_SIZE};
use devmapper::kernel::Command;
use libfuzzer_sys::fuzz_target;

const COMMANDS: [Command; 6] = [
    Command::TableStatus,
    Command::TableDeps,
    Command::ListDevices,
    Command::ListVersions,
    Command::GetTargetVersion,
    Command::TargetMsg,
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (ctl, payload) = data.split_at(4);
    let mut buf = vec![0u8; HEADER_SIZE];
    buf.extend_from_slice(payload);
    let total = buf.len() as u32;
    // data_size: the whole buffer, or a little less/more when asked.
    let size = match ctl[1] % 4 {
        0 => total,
        1 => total.saturating_sub(u32::from(ctl[2])),
        2 => total + u32::from(ctl[2]),
        _ => u32::from(ctl[2]) * 8,
    };
    let start = if ctl[1] & 0x80 != 0 { HEADER_SIZE as u32 + u32::from(ctl[2] % 16) } else { HEADER_SIZE as u32 };
    buf[header::DATA_SIZE..header::DATA_SIZE + 4].copy_from_slice(&size.to_ne_bytes());
    buf[header::DATA_START..header::DATA_START + 4].copy_from_slice(&start.to_ne_bytes());
    buf[header::TARGET_COUNT..header::TARGET_COUNT + 4].copy_from_slice(&u32::from(ctl[3]).to_ne_bytes());
    // DM_DATA_OUT_FLAG, so a message reply is read.
    buf[header::FLAGS..header::FLAGS + 4].copy_from_slice(&(1u32 << 16).to_ne_bytes());
    let _ = decode_reply(COMMANDS[ctl[0] as usize % COMMANDS.len()], &buf);
});
