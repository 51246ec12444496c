//! A tracing wrapper: one JSON line per ioctl (command, name/uuid/dev,
//! flags in and out, errno, duration), to a file (`DM_TRACE=<file>`) or to
//! memory for tests.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{decode_dev, Kernel, KernelError, Reply, Request};

/// One traced ioctl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    /// Ioctl name, e.g. "DM_DEV_SUSPEND".
    pub command: &'static str,
    /// Device name addressed.
    pub name: String,
    /// Device uuid addressed.
    pub uuid: String,
    /// Device number addressed, "major:minor" (or "" if none).
    pub dev: String,
    /// Flags in.
    pub flags_in: u32,
    /// Flags out (0 on failure).
    pub flags_out: u32,
    /// errno (0 on success).
    pub errno: i32,
    /// Wall time of the call in microseconds.
    pub duration_us: u128,
    /// What the request carried: a table load's lines ("start length type
    /// params", joined by "; "; a crypt target's key and anything sent
    /// with secure data masked) or a message's text; "" otherwise.
    pub detail: String,
}

/// The detail of a request (see [`TraceEntry::detail`]).
fn detail(request: &Request) -> String {
    match &request.payload {
        super::Payload::Table(lines) => lines
            .iter()
            .map(|l| {
                let params = if request.flags.contains(super::Flags::SECURE_DATA) || l.target_type == "crypt" { "<masked>" } else { l.params.as_str() };
                format!("{} {} {} {params}", l.start, l.length, l.target_type)
            })
            .collect::<Vec<_>>()
            .join("; "),
        super::Payload::Message { .. } if request.flags.contains(super::Flags::SECURE_DATA) => "<masked>".into(),
        super::Payload::Message { text, .. } => text.clone(),
        _ => String::new(),
    }
}

impl TraceEntry {
    /// The entry as one JSON object on one line.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"cmd\":\"{}\",\"name\":{},\"uuid\":{},\"dev\":{},\"flags_in\":{},\"flags_out\":{},\"errno\":{},\"duration_us\":{},\"detail\":{}}}",
            self.command,
            json_string(&self.name),
            json_string(&self.uuid),
            json_string(&self.dev),
            self.flags_in,
            self.flags_out,
            self.errno,
            self.duration_us,
            json_string(&self.detail)
        )
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

enum Sink {
    File(Mutex<Option<File>>, PathBuf),
    Memory(Arc<Mutex<Vec<TraceEntry>>>),
}

/// Wraps a kernel and records every request it executes.
pub struct Traced {
    inner: Arc<dyn Kernel>,
    sink: Sink,
}

impl Traced {
    /// Appends JSON lines to `path` (opened on first use).
    pub fn to_file(inner: Arc<dyn Kernel>, path: PathBuf) -> Self {
        Traced { inner, sink: Sink::File(Mutex::new(None), path) }
    }

    /// Records entries into `log`.
    pub fn to_memory(inner: Arc<dyn Kernel>, log: Arc<Mutex<Vec<TraceEntry>>>) -> Self {
        Traced { inner, sink: Sink::Memory(log) }
    }

    fn record(&self, entry: TraceEntry) {
        match &self.sink {
            Sink::Memory(log) => log.lock().unwrap_or_else(|e| e.into_inner()).push(entry),
            Sink::File(file, path) => {
                let mut guard = file.lock().unwrap_or_else(|e| e.into_inner());
                if guard.is_none() {
                    *guard = OpenOptions::new().create(true).append(true).open(path).ok();
                }
                if let Some(f) = guard.as_mut() {
                    // Tracing must never make a request fail.
                    let _ = writeln!(f, "{}", entry.to_json());
                }
            }
        }
    }
}

impl Kernel for Traced {
    fn release(&self) {
        self.inner.release();
    }

    fn execute(&self, request: &Request) -> Result<Reply, KernelError> {
        let started = Instant::now();
        let result = self.inner.execute(request);
        let dev = if request.id.dev != 0 {
            let (ma, mi) = decode_dev(request.id.dev);
            format!("{ma}:{mi}")
        } else {
            String::new()
        };
        self.record(TraceEntry {
            command: request.command.ioctl_name(),
            name: request.id.name.clone(),
            uuid: request.id.uuid.clone(),
            dev,
            flags_in: request.flags.bits(),
            flags_out: result.as_ref().map(|r| r.flags.bits()).unwrap_or(0),
            errno: result.as_ref().err().map(|e| e.errno()).unwrap_or(0),
            duration_us: started.elapsed().as_micros(),
            detail: detail(request),
        });
        result
    }

    fn has_device_nodes(&self) -> bool {
        self.inner.has_device_nodes()
    }

    fn dm_major(&self) -> Option<u32> {
        self.inner.dm_major()
    }
}
