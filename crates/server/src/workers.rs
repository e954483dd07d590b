//! Background work beside the HTTP server. Each worker is a plain thread running one use case on a timer; the use
//! cases are safe with several instances on one database, so every instance runs them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use loopdesk_app::App;

/// Stops the workers when dropped (after the server returns).
pub struct Workers {
    stop: Arc<AtomicBool>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for handle in self.handles.drain(..) {
            let _ = handle.join();
        }
    }
}

/// Starts the escalation scan: assignments not accepted in time go back to dispatch, every `every`.
pub fn start(app: App, every: Duration) -> Workers {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::Builder::new()
        .name("dispatch-escalation".into())
        .spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match app.escalate_overdue_acceptances() {
                    Ok(0) => {}
                    Ok(n) => log::info!("escalated {n} ticket(s) not accepted in time"),
                    Err(e) => log::warn!("escalation scan failed: {e}"),
                }
                sleep_unless_stopped(&flag, every);
            }
        })
        .expect("start the escalation worker");
    Workers { stop, handles: vec![handle] }
}

/// Sleeps in short steps so that shutdown does not wait a whole interval.
fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(200);
    let mut slept = Duration::ZERO;
    while slept < total && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        slept += step;
    }
}
