//! dmpvmove: move live device-mapper volumes between backing devices.
//!
//! ```text
//! dmpvmove [--atomic] [--region-size N] [--state FILE] [--interval MS] SOURCE DEST VOLUME...
//! dmpvmove --restart STATE      continue a move from its saved state
//! dmpvmove --abort STATE        abandon it (atomic: all back on the source)
//! dmpvmove --stop STATE         take its devices down cleanly (restart later)
//! ```
//!
//! SOURCE and DEST are block devices (a path or MAJOR:MINOR); VOLUMEs are
//! device-mapper devices by name or uuid. The state is written after each
//! transition (default /var/lib/dmpvmove/SOURCE.state). Exit status: 0 done,
//! 1 the move failed, 2 bad usage or input, 3 a move is already running.

use std::io::{IsTerminal, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use devmapper::kernel::default_kernel;
use devmapper::pvmove::{parse_dev, Mode, MoveRequest, MoveState, Mover, PvmoveError};

const USAGE: &str = "usage: dmpvmove [--atomic] [--region-size N] [--state FILE] [--interval MS] SOURCE DEST VOLUME...
       dmpvmove --restart STATE | --abort STATE | --stop STATE";

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("dmpvmove: {msg}");
    ExitCode::from(code)
}

fn exit_code(e: &PvmoveError) -> u8 {
    match e {
        PvmoveError::AlreadyRunning(_) => 3,
        PvmoveError::Tree(_) => 1,
        _ => 2,
    }
}

/// A block device given as a path or MAJOR:MINOR.
fn block_device(arg: &str) -> Result<(u32, u32), String> {
    if let Some(dev) = parse_dev(arg) {
        return Ok(dev);
    }
    let meta = std::fs::metadata(arg).map_err(|e| format!("{arg}: {e}"))?;
    if !meta.file_type().is_block_device() {
        return Err(format!("{arg}: not a block device"));
    }
    Ok((libc::major(meta.rdev()), libc::minor(meta.rdev())))
}

/// Writes the state: to a temporary file, synced, then renamed over.
fn save(path: &Path, state: &MoveState) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(state.to_text().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn load(path: &Path) -> Result<MoveState, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    MoveState::from_text(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn show_progress(fraction: f64, tty: bool) {
    let pct = (fraction * 100.0).clamp(0.0, 100.0);
    if tty {
        let filled = (pct / 2.5) as usize;
        eprint!("\r[{}{}] {pct:5.1}%", "#".repeat(filled), " ".repeat(40 - filled.min(40)));
    } else {
        eprintln!("progress {pct:.1}%");
    }
}

/// Polls until the copy is complete, saving the state at each change,
/// then finishes the move.
fn run(mut mover: Mover, state_path: &Path, interval: Duration) -> ExitCode {
    let tty = std::io::stderr().is_terminal();
    if let Err(e) = save(state_path, &mover.state) {
        return fail(1, format!("cannot save the state: {e}"));
    }
    let mut last_shown = -1.0;
    loop {
        let before = mover.state.clone();
        let progress = match mover.poll() {
            Ok(p) => p,
            Err(e) => return fail(1, format!("{e} (state kept in {})", state_path.display())),
        };
        if mover.state != before {
            if let Err(e) = save(state_path, &mover.state) {
                return fail(1, format!("cannot save the state: {e}"));
            }
        }
        if tty || progress.fraction - last_shown >= 0.1 || progress.done {
            show_progress(progress.fraction, tty);
            last_shown = progress.fraction;
        }
        if progress.done {
            break;
        }
        std::thread::sleep(interval);
    }
    if tty {
        eprintln!();
    }
    // A test hook: hold the complete copy unfinished for this many seconds
    // (the crash test powers the machine off in that window).
    if let Some(secs) = std::env::var("DMPVMOVE_HOLD_BEFORE_FINISH").ok().and_then(|s| s.parse::<u64>().ok()) {
        std::thread::sleep(Duration::from_secs(secs));
    }
    if let Err(e) = mover.finish() {
        return fail(1, format!("finishing failed: {e} (state kept in {})", state_path.display()));
    }
    if let Err(e) = save(state_path, &mover.state) {
        return fail(1, format!("cannot save the state: {e}"));
    }
    println!("dmpvmove: move complete");
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kernel = default_kernel();
    let mut mode = Mode::BySegment;
    let mut region_size = 1024u32;
    let mut state_path: Option<PathBuf> = None;
    let mut interval = Duration::from_millis(200);
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: usize| args.get(i + 1).cloned().ok_or_else(|| format!("{a} needs a value"));
        match a {
            "--atomic" => mode = Mode::Atomic,
            "--region-size" | "--state" | "--interval" | "--restart" | "--abort" | "--stop" => {
                let v = match value(i) {
                    Ok(v) => v,
                    Err(e) => return fail(2, format!("{e}\n{USAGE}")),
                };
                i += 1;
                match a {
                    "--region-size" => match v.parse::<u32>() {
                        Ok(n) => region_size = n,
                        Err(_) => return fail(2, format!("bad region size {v}")),
                    },
                    "--interval" => match v.parse::<u64>() {
                        Ok(ms) => interval = Duration::from_millis(ms),
                        Err(_) => return fail(2, format!("bad interval {v}")),
                    },
                    "--state" => state_path = Some(v.into()),
                    command => {
                        let path = PathBuf::from(&v);
                        let state = match load(&path) {
                            Ok(s) => s,
                            Err(e) => return fail(2, e),
                        };
                        return match command {
                            "--restart" => match Mover::restart(kernel.as_ref(), state) {
                                Ok(m) => run(m, &path, interval),
                                Err(e) => fail(exit_code(&e), e),
                            },
                            "--abort" | "--stop" => {
                                let mut m = match Ok::<_, PvmoveError>(Mover::from_state(kernel.as_ref(), state)) {
                                    Ok(m) => m,
                                    Err(e) => return fail(exit_code(&e), e),
                                };
                                let r = if command == "--abort" { m.abort() } else { m.stop() };
                                match r.map_err(|e| e.to_string()).and_then(|()| save(&path, &m.state).map_err(|e| e.to_string())) {
                                    Ok(()) => {
                                        println!("dmpvmove: {}", if command == "--abort" { "move aborted" } else { "move stopped cleanly" });
                                        ExitCode::SUCCESS
                                    }
                                    Err(e) => fail(1, e),
                                }
                            }
                            _ => unreachable!("the commands matched above"),
                        };
                    }
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with("--") => return fail(2, format!("unknown option {s}\n{USAGE}")),
            _ => positional.push(args[i].clone()),
        }
        i += 1;
    }
    if positional.len() < 3 {
        return fail(2, USAGE);
    }
    let (source, dest) = match (block_device(&positional[0]), block_device(&positional[1])) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) | (_, Err(e)) => return fail(2, e),
    };
    let request = MoveRequest { volumes: positional[2..].to_vec(), source, dest, dest_areas: None, mode, region_size };
    let state_path = state_path.unwrap_or_else(|| PathBuf::from(format!("/var/lib/dmpvmove/{}_{}.state", source.0, source.1)));
    match Mover::start(kernel.as_ref(), &request) {
        Ok(m) => run(m, &state_path, interval),
        Err(e) => fail(exit_code(&e), e),
    }
}
