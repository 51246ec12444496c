//! The ioctl reply decoder on any buffer, for every command (the first byte
//! picks it): no panic, no read outside the buffer.
#![no_main]
use devmapper::kernel::{ioctl::decode_reply, Command};
use libfuzzer_sys::fuzz_target;

const COMMANDS: [Command; 6] = [
    Command::TableStatus,
    Command::TableDeps,
    Command::ListDevices,
    Command::ListVersions,
    Command::TargetMsg,
    Command::DevStatus,
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, buf)) = data.split_first() else { return };
    let _ = decode_reply(COMMANDS[which as usize % COMMANDS.len()], buf);
});
