//! Closed-loop load: `concurrency` tasks each send one request at a time until
//! the deadline or the request budget runs out; every latency is kept.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Builds request number `n` of a phase.
pub type MakeRequest = Arc<dyn Fn(u64) -> reqwest::RequestBuilder + Send + Sync>;

/// How long and how much one phase may run.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub warmup: Duration,
    pub duration: Duration,
    pub max_requests: u64,
}

/// One failed request, kept for the report (status 0: no HTTP answer).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorSample {
    pub status: u16,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseResult {
    pub name: String,
    pub concurrency: usize,
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub error_samples: Vec<ErrorSample>,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: u64,
    samples: Vec<ErrorSample>,
}

const MAX_SAMPLES: usize = 5;

/// Sends one request and reads the whole body; Err carries the failure for the report.
async fn send(request: reqwest::RequestBuilder) -> Result<(), ErrorSample> {
    let response = request.send().await.map_err(|e| ErrorSample { status: 0, detail: e.to_string() })?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| ErrorSample { status: status.as_u16(), detail: e.to_string() })?;
    if status.is_success() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&body);
        Err(ErrorSample { status: status.as_u16(), detail: text.chars().take(300).collect() })
    }
}

/// Runs `concurrency` workers until `deadline` or `budget` requests; returns what they saw.
async fn drive(concurrency: usize, make: &MakeRequest, deadline: Instant, budget: u64, start_at: u64) -> Tally {
    let issued = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (issued, tally, make) = (issued.clone(), tally.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let mut local = Tally::default();
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= budget {
                    break;
                }
                let request = make(start_at + n);
                let began = Instant::now();
                let outcome = send(request).await;
                local.latencies_us.push(began.elapsed().as_micros() as u64);
                if let Err(sample) = outcome {
                    local.errors += 1;
                    if local.samples.len() < MAX_SAMPLES {
                        local.samples.push(sample);
                    }
                }
            }
            let mut all = tally.lock().expect("tally lock");
            all.latencies_us.extend(local.latencies_us);
            all.errors += local.errors;
            for sample in local.samples {
                if all.samples.len() < MAX_SAMPLES {
                    all.samples.push(sample);
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("load task panicked");
    }
    Arc::try_unwrap(tally).ok().expect("workers finished").into_inner().expect("tally lock")
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

/// A warm-up (not counted), then the measured phase.
pub async fn phase(name: &str, concurrency: usize, bounds: Bounds, make: MakeRequest) -> PhaseResult {
    let warm_budget = u64::MAX / 4;
    let warm = drive(concurrency, &make, Instant::now() + bounds.warmup, warm_budget, 0).await;
    let warm_count = warm.latencies_us.len() as u64;
    if warm.errors > 0 {
        eprintln!("  {name}: {} of {warm_count} warm-up requests failed, e.g. {:?}", warm.errors, warm.samples.first());
    }
    let started = Instant::now();
    let mut tally =
        drive(concurrency, &make, started + bounds.duration, bounds.max_requests, 1_000_000_000 + warm_count).await;
    let seconds = started.elapsed().as_secs_f64();
    tally.latencies_us.sort_unstable();
    let requests = tally.latencies_us.len() as u64;
    let result = PhaseResult {
        name: name.to_string(),
        concurrency,
        requests,
        errors: tally.errors,
        seconds,
        req_per_s: requests as f64 / seconds,
        p50_ms: percentile(&tally.latencies_us, 50.0),
        p95_ms: percentile(&tally.latencies_us, 95.0),
        p99_ms: percentile(&tally.latencies_us, 99.0),
        max_ms: tally.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0,
        error_samples: tally.samples,
    };
    eprintln!(
        "  {:<28} c={:<3} {:>7} req {:>4} err {:>9.1} req/s  p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms",
        result.name,
        concurrency,
        result.requests,
        result.errors,
        result.req_per_s,
        result.p50_ms,
        result.p95_ms,
        result.p99_ms,
        result.max_ms
    );
    for sample in &result.error_samples {
        eprintln!("    error: HTTP {} {}", sample.status, sample.detail);
    }
    result
}

/// Runs `total` requests through `concurrency` workers with no deadline (seeding over HTTP).
pub async fn all(concurrency: usize, total: u64, make: MakeRequest) -> (u64, Vec<ErrorSample>) {
    let tally = drive(concurrency, &make, Instant::now() + Duration::from_secs(24 * 3600), total, 0).await;
    (tally.errors, tally.samples)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<u64> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v[..1], 99.0), 1.0);
        assert_eq!(percentile(&[], 99.0), 0.0);
    }
}
