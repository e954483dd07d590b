//! `loopdesk-bench login-flood`: wrong sign-ins from many clients at once against a running server on loopback,
//! while one signed-in user keeps reading the ticket list; prints the server's memory before, at its peak and
//! after, and the reader's latency without and during the flood.
//!
//! With `--forwarded` every flood request names a different client address in `X-Forwarded-For` (start the server
//! with `LOOPDESK_TRUSTED_PROXIES=127.0.0.1`) and a different e-mail: the worst case, where no rate limit or
//! back-off applies and every attempt costs a password hash.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

#[derive(clap::Args)]
pub struct FloodArgs {
    /// the server, e.g. http://127.0.0.1:18080 (loopback only)
    #[arg(long)]
    base_url: String,
    /// the server's process id, to read its resident memory from /proc
    #[arg(long)]
    server_pid: u32,
    /// the reader: a user who may list tickets
    #[arg(long)]
    email: String,
    #[arg(long)]
    password: String,
    /// flooding clients, each sending one wrong sign-in at a time
    #[arg(long, default_value_t = 48)]
    clients: usize,
    /// how long the flood lasts
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// a different X-Forwarded-For address and e-mail per request (needs LOOPDESK_TRUSTED_PROXIES=127.0.0.1)
    #[arg(long)]
    forwarded: bool,
}

fn rss_mib(pid: u32) -> Result<f64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}: {e}"))?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or("no VmRSS")?;
    Ok(kib / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The reader's GET /tickets latencies (ms, sorted) until `until`.
async fn read_until(client: &reqwest::Client, url: &str, token: &str, until: Instant) -> (Vec<f64>, u64) {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while Instant::now() < until {
        let started = Instant::now();
        match client.get(url).bearer_auth(token).send().await {
            Ok(response) if response.status().is_success() => {
                let _ = response.bytes().await;
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            _ => errors += 1,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    latencies.sort_by(f64::total_cmp);
    (latencies, errors)
}

pub async fn run(args: FloodArgs) -> Result<(), String> {
    super::check_loopback(&args.base_url)?;
    let client =
        reqwest::Client::builder().pool_max_idle_per_host(args.clients + 4).build().map_err(|e| e.to_string())?;
    let base = args.base_url.trim_end_matches('/').to_string();
    let (token, _) = super::Api::login(&client, &base, &args.email, &args.password).await?;
    let list = format!("{base}/api/v1/tickets?limit=20");

    let rss_before = rss_mib(args.server_pid)?;
    let (quiet, _) = read_until(&client, &list, &token, Instant::now() + Duration::from_secs(3)).await;

    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let counts: Arc<[AtomicU64; 4]> = Arc::new(Default::default()); // 401, 429, other, sent
    let mut flood = Vec::new();
    for worker in 0..args.clients {
        let (client, base, counts, forwarded) = (client.clone(), base.clone(), counts.clone(), args.forwarded);
        flood.push(tokio::spawn(async move {
            let mut n: u64 = 0;
            while Instant::now() < deadline {
                n += 1;
                let id = (worker as u64) << 32 | n;
                let email = if forwarded { format!("flood-{id}@bench.local") } else { "admin@bench.local".into() };
                let mut request = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"email": email, "password": "wrong"}));
                if forwarded {
                    let address = format!("10.{}.{}.{}", worker % 250, (n / 250) % 250, n % 250 + 1);
                    request = request.header("x-forwarded-for", address);
                }
                counts[3].fetch_add(1, Ordering::Relaxed);
                let slot = match request.send().await.map(|r| r.status().as_u16()) {
                    Ok(401) => 0,
                    Ok(429) => 1,
                    _ => 2,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let pid = args.server_pid;
    let sampler = tokio::spawn(async move {
        let mut peak = 0.0f64;
        while Instant::now() < deadline {
            peak = peak.max(rss_mib(pid).unwrap_or(0.0));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        peak
    });
    let (loaded, reader_errors) = read_until(&client, &list, &token, deadline).await;
    for task in flood {
        let _ = task.await;
    }
    let peak = sampler.await.unwrap_or(0.0);
    let rss_after = rss_mib(args.server_pid)?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_settled = rss_mib(args.server_pid)?;

    let [wrong, throttled, other, sent] = [0, 1, 2, 3].map(|i| counts[i].load(Ordering::Relaxed));
    println!(
        "login flood: {} clients x {} s{}: {sent} sign-ins ({wrong} 401, {throttled} 429, {other} other)",
        args.clients,
        args.seconds,
        if args.forwarded { ", a new address and e-mail per request" } else { ", one address, one e-mail" }
    );
    println!(
        "server RSS: {rss_before:.0} MiB before, {peak:.0} MiB peak, {rss_after:.0} MiB at the end, {rss_settled:.0} MiB 5 s later"
    );
    println!(
        "reader GET /tickets?limit=20: quiet p50 {:.1} ms p99 {:.1} ms ({} requests); during the flood p50 {:.1} ms p99 {:.1} ms max {:.1} ms ({} requests, {reader_errors} errors)",
        percentile(&quiet, 50.0),
        percentile(&quiet, 99.0),
        quiet.len(),
        percentile(&loaded, 50.0),
        percentile(&loaded, 99.0),
        loaded.last().copied().unwrap_or(0.0),
        loaded.len()
    );
    Ok(())
}
