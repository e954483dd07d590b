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

/// Starts the timers: the escalation scan (assignments not accepted in time go back to dispatch) and the SLA scan
/// (warnings and breaches that are due), each every `every`, and the delivery of the outbox (e-mail, robots,
/// webhooks).
pub fn start(app: App, every: Duration, digest: Option<loopdesk_app::reminders::DigestSchedule>) -> Workers {
    let stop = Arc::new(AtomicBool::new(false));
    let escalation = app.clone();
    let mut handles = vec![];
    if let Some(schedule) = digest {
        let app = app.clone();
        handles.push(spawn("digest", stop.clone(), every, move || match app.send_daily_digests(&schedule) {
            Ok(0) => {}
            Ok(n) => log::info!("sent {n} daily reminder(s)"),
            Err(e) => log::warn!("daily reminders failed: {e}"),
        }));
    }
    handles.extend([
        spawn("dispatch-escalation", stop.clone(), every, move || match escalation.escalate_overdue_acceptances() {
            Ok(0) => {}
            Ok(n) => log::info!("escalated {n} ticket(s) not accepted in time"),
            Err(e) => log::warn!("escalation scan failed: {e}"),
        }),
        spawn("sla", stop.clone(), every, {
            let app = app.clone();
            move || match app.record_due_sla_events() {
                Ok(0) => {}
                Ok(n) => log::info!("recorded {n} SLA warning(s) and breach(es)"),
                Err(e) => log::warn!("SLA scan failed: {e}"),
            }
        }),
        spawn("file-sweep", stop.clone(), every.max(Duration::from_secs(60)), {
            let app = app.clone();
            move || match app.sweep_files() {
                Ok(report) if report == Default::default() => {}
                Ok(report) => log::info!(
                    "file sweep: {} unsent staged file(s) and {} unreferenced content(s) removed",
                    report.staged_files,
                    report.contents
                ),
                Err(e) => log::warn!("file sweep failed: {e}"),
            }
        }),
        // Deliveries go out within seconds of being written, whatever the scan interval.
        spawn("delivery", stop.clone(), every.min(Duration::from_secs(3)), move || match app.deliver_due() {
            Ok(report) if report == Default::default() => {}
            Ok(report) => {
                log::info!("deliveries: {} sent, {} to retry, {} failed", report.sent, report.retrying, report.failed)
            }
            Err(e) => log::warn!("delivery pass failed: {e}"),
        }),
    ]);
    Workers { stop, handles }
}

fn spawn(
    name: &str,
    stop: Arc<AtomicBool>,
    every: Duration,
    mut pass: impl FnMut() + Send + 'static,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                pass();
                sleep_unless_stopped(&stop, every);
            }
        })
        .expect("start a background worker")
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
