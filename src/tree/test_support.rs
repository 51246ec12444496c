//! Helpers shared by the tree's tests: a traced simulated kernel and its
//! transcript as short "COMMAND name-or-dev" lines.

use std::sync::{Arc, Mutex};

use crate::kernel::trace::{TraceEntry, Traced};
use crate::kernel::SimKernel;

/// A simulated kernel whose requests are recorded in memory.
pub fn traced() -> (Traced, Arc<Mutex<Vec<TraceEntry>>>) {
    traced_on(Arc::new(SimKernel::new()))
}

/// The given simulated kernel, traced.
pub fn traced_on(sim: Arc<SimKernel>) -> (Traced, Arc<Mutex<Vec<TraceEntry>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    (Traced::to_memory(sim, log.clone()), log)
}

/// The requests recorded since the last call, one line each.
pub fn ops(log: &Arc<Mutex<Vec<TraceEntry>>>) -> Vec<String> {
    let mut l = log.lock().unwrap();
    let v = l.iter().map(|e| format!("{} {}{}", e.command, e.name, e.dev).trim_end().to_string()).collect();
    l.clear();
    v
}
