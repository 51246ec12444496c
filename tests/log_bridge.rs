//! The log sink runs with no lock held: a sink that registers a sink and
//! logs again from inside itself, while another thread logs, neither
//! deadlocks nor loses a message. (Its own test binary: the sink is
//! process-global.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use devmapper::log::{emit, set_sink, Record, LOG_ERR};

const ROUNDS: usize = 2000;

fn record(message: &str) -> Record<'_> {
    Record { level: LOG_ERR, file: file!(), line: line!(), errno: 0, message }
}

std::thread_local! {
    static INSIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A sink that counts, re-registers a copy of itself and logs once more
/// from inside (not when already nested).
fn reregistering(outer: Arc<AtomicUsize>, nested: Arc<AtomicUsize>) -> Box<dyn Fn(&Record<'_>) + Send + Sync> {
    Box::new(move |r: &Record<'_>| {
        if r.message == "nested" {
            nested.fetch_add(1, Ordering::Relaxed);
        } else {
            outer.fetch_add(1, Ordering::Relaxed);
        }
        if !INSIDE.with(|i| i.replace(true)) {
            set_sink(Some(reregistering(outer.clone(), nested.clone())));
            emit(&record("nested"));
            INSIDE.with(|i| i.set(false));
        }
    })
}

#[test]
fn a_sink_that_registers_a_sink_and_logs_from_inside_while_another_thread_logs_neither_deadlocks_nor_loses_a_message() {
    let outer = Arc::new(AtomicUsize::new(0));
    let nested = Arc::new(AtomicUsize::new(0));
    set_sink(Some(reregistering(outer.clone(), nested.clone())));
    let (done, finished) = mpsc::channel();
    for _ in 0..2 {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..ROUNDS {
                emit(&record("outer"));
            }
            done.send(()).unwrap();
        });
    }
    for _ in 0..2 {
        finished.recv_timeout(Duration::from_secs(30)).expect("a logging thread made no progress in 30 s: deadlock");
    }
    set_sink(None);
    assert_eq!(outer.load(Ordering::Relaxed), 2 * ROUNDS);
    assert_eq!(nested.load(Ordering::Relaxed), 2 * ROUNDS);
}
