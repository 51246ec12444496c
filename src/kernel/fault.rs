//! A kernel that fails one chosen request: the fault-injection harness of
//! the tree's tests (invariant 3 of DESIGN.md is checked at every request
//! of a phase).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::{Kernel, KernelError, Reply, Request};

/// Passes requests to `inner`, except that request number `fail_at`
/// (counting from 0) fails with `errno` without reaching it.
pub struct FailAt {
    inner: Arc<dyn Kernel>,
    fail_at: usize,
    errno: i32,
    seen: AtomicUsize,
}

impl FailAt {
    /// Fails request `fail_at` with `errno`; `usize::MAX` fails none.
    pub fn new(inner: Arc<dyn Kernel>, fail_at: usize, errno: i32) -> Self {
        FailAt { inner, fail_at, errno, seen: AtomicUsize::new(0) }
    }

    /// Requests seen so far, the failed one included.
    pub fn seen(&self) -> usize {
        self.seen.load(Ordering::Relaxed)
    }

    /// Stops failing (for the caller's recovery calls).
    pub fn disarm(&mut self) {
        self.fail_at = usize::MAX;
    }
}

impl Kernel for FailAt {
    fn execute(&self, request: &Request) -> Result<Reply, KernelError> {
        let n = self.seen.fetch_add(1, Ordering::Relaxed);
        if n == self.fail_at {
            return Err(KernelError::Ioctl { command: request.command.ioctl_name(), errno: self.errno });
        }
        self.inner.execute(request)
    }
}
