//! System V semaphores: safe wrappers over semget, semctl, semop and
//! semtimedop for the udev cookies (`crate::udev::cookie`). Each call maps
//! a failure to its errno; nothing here knows about cookies.
//!
//! Every semaphore set handled here has exactly one semaphore (number 0),
//! as libdm's cookies do.

use std::ffi::c_int;
use std::time::Duration;

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// `union semun` of `semctl(2)`, which the caller must define.
#[repr(C)]
#[derive(Clone, Copy)]
union Semun {
    val: c_int,
    buf: *mut libc::semid_ds,
    array: *mut u16,
    info: *mut libc::seminfo,
}

extern "C" {
    // The C library's semtimedop(2) wrapper (glibc and musl both have it;
    // the libc crate does not declare it).
    fn semtimedop(semid: c_int, sops: *mut libc::sembuf, nsops: libc::size_t, timeout: *const libc::timespec) -> c_int;
}

/// `semget(key, 1, flags)`: the id of the one-semaphore set with `key`.
/// `flags` holds the mode bits and `IPC_CREAT`/`IPC_EXCL` as in C.
pub fn semget(key: i32, flags: i32) -> Result<i32, i32> {
    // SAFETY: semget takes only integers and touches no memory of ours.
    let id = unsafe { libc::semget(key as libc::key_t, 1, flags) };
    if id < 0 {
        Err(last_errno())
    } else {
        Ok(id)
    }
}

/// `semctl(semid, 0, GETVAL)`: the semaphore's value.
pub fn get_value(semid: i32) -> Result<i32, i32> {
    // SAFETY: GETVAL reads no argument after `cmd`.
    let v = unsafe { libc::semctl(semid, 0, libc::GETVAL) };
    if v < 0 {
        Err(last_errno())
    } else {
        Ok(v)
    }
}

/// `semctl(semid, 0, SETVAL, val)`.
pub fn set_value(semid: i32, val: i32) -> Result<(), i32> {
    let arg = Semun { val };
    // SAFETY: SETVAL reads the `val` member of the union passed by value,
    // exactly as C callers pass it.
    let rc = unsafe { libc::semctl(semid, 0, libc::SETVAL, arg) };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(())
    }
}

/// `semctl(semid, 0, IPC_RMID)`: removes the set; waiters get EIDRM.
pub fn remove(semid: i32) -> Result<(), i32> {
    // SAFETY: IPC_RMID reads no argument after `cmd`.
    let rc = unsafe { libc::semctl(semid, 0, libc::IPC_RMID) };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(())
    }
}

/// Owner-visible facts of a semaphore set (`IPC_STAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SemStat {
    /// The key it was created with.
    pub key: i32,
    /// Permission bits.
    pub mode: u32,
    /// Number of semaphores in the set.
    pub nsems: u64,
}

/// `semctl(semid, 0, IPC_STAT)`: fails with EINVAL or EIDRM once the set
/// is gone.
pub fn stat(semid: i32) -> Result<SemStat, i32> {
    // SAFETY: semid_ds is plain data; all-zero is a valid value.
    let mut ds: libc::semid_ds = unsafe { std::mem::zeroed() };
    let arg = Semun { buf: &mut ds };
    // SAFETY: IPC_STAT writes one semid_ds through `buf`, which points to
    // `ds`, alive and writable for the whole call.
    let rc = unsafe { libc::semctl(semid, 0, libc::IPC_STAT, arg) };
    if rc < 0 {
        return Err(last_errno());
    }
    Ok(SemStat { key: ds.sem_perm.__key, mode: ds.sem_perm.mode as u32, nsems: ds.sem_nsems as u64 })
}

/// `semctl(0, 0, SEM_INFO)`: the highest used index in the kernel's
/// semaphore table; fails when the kernel has no System V IPC.
pub fn sem_info() -> Result<i32, i32> {
    // SAFETY: seminfo is plain data; all-zero is a valid value.
    let mut info: libc::seminfo = unsafe { std::mem::zeroed() };
    let arg = Semun { info: &mut info };
    // SAFETY: SEM_INFO writes one struct seminfo through `__buf`, which
    // points to `info`, alive and writable for the whole call.
    let rc = unsafe { libc::semctl(0, 0, libc::SEM_INFO, arg) };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(rc)
    }
}

/// `semop(semid, {0, op, flags}, 1)`: adds `op` to the semaphore (0 waits
/// for zero). `flags` is 0 or `IPC_NOWAIT` (no `SEM_UNDO`: cookies must
/// survive the process that changes them, as in libdm).
pub fn semop(semid: i32, op: i16, flags: i16) -> Result<(), i32> {
    let mut sb = libc::sembuf { sem_num: 0, sem_op: op, sem_flg: flags };
    // SAFETY: `sb` is one valid, writable sembuf and nsops is 1.
    let rc = unsafe { libc::semop(semid, &mut sb, 1) };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(())
    }
}

/// As [`semop`], giving up after `timeout` with EAGAIN.
pub fn semop_timeout(semid: i32, op: i16, flags: i16, timeout: Duration) -> Result<(), i32> {
    let mut sb = libc::sembuf { sem_num: 0, sem_op: op, sem_flg: flags };
    let ts = libc::timespec {
        tv_sec: timeout.as_secs().min(i32::MAX as u64) as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: `sb` is one valid, writable sembuf, nsops is 1, and `ts` is a
    // valid timespec that outlives the call.
    let rc = unsafe { semtimedop(semid, &mut sb, 1, &ts) };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private_set() -> i32 {
        semget(libc::IPC_PRIVATE, 0o600 | libc::IPC_CREAT).expect("semget IPC_PRIVATE")
    }

    #[test]
    fn set_get_op_remove() {
        let id = private_set();
        set_value(id, 1).unwrap();
        assert_eq!(get_value(id), Ok(1));
        semop(id, 1, 0).unwrap();
        assert_eq!(get_value(id), Ok(2));
        semop(id, -2, libc::IPC_NOWAIT as i16).unwrap();
        assert_eq!(get_value(id), Ok(0));
        assert_eq!(semop(id, -1, libc::IPC_NOWAIT as i16), Err(libc::EAGAIN));
        let st = stat(id).unwrap();
        assert_eq!(st.nsems, 1);
        assert_eq!(st.mode & 0o777, 0o600);
        remove(id).unwrap();
        assert!(matches!(stat(id), Err(libc::EINVAL) | Err(libc::EIDRM)));
    }

    #[test]
    fn timed_wait_for_zero_gives_up() {
        let id = private_set();
        set_value(id, 1).unwrap();
        let t = std::time::Instant::now();
        assert_eq!(semop_timeout(id, 0, 0, Duration::from_millis(50)), Err(libc::EAGAIN));
        assert!(t.elapsed() >= Duration::from_millis(40));
        semop(id, -1, 0).unwrap();
        assert_eq!(semop_timeout(id, 0, 0, Duration::from_millis(50)), Ok(()));
        remove(id).unwrap();
    }

    #[test]
    fn sem_info_works_here() {
        assert!(sem_info().is_ok());
    }
}
