//! A ClickHouse Cloud API simulator (axum), for tests, demos and rehearsals.
//!
//! It speaks the real envelope and error shapes, checks HTTP Basic keys and their roles,
//! validates bodies like the API, applies changes after a delay, answers 424 for ClickPipes
//! calls while a service is idle, rate-limits each key (429 with `X-RateLimit-Reset`), and
//! injects faults on demand. Time runs on `tokio::time`, so paused-time tests work, and
//! `time_scale` speeds simulated time up.
pub mod fixture;
mod routes;
pub mod world;

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use clap::Args;
use tokio::sync::Mutex;

pub use fixture::Fixture;
pub use routes::{app, RequestRecord, SimState};
pub use world::World;

/// Faults to inject. Probabilities are 0..=1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Share of requests answered 500/503.
    pub error_rate: f64,
    /// Added to every answer.
    pub latency: Duration,
    /// Share of connections closed without an answer.
    pub drop_rate: f64,
    /// The next N requests fail with these statuses, in order (deterministic, for tests).
    pub fail_next: Vec<u16>,
    /// Service reads (`GET …/services`, `GET …/services/{id}`) leave out the beta
    /// `scalingSchedule` field, as an API whose `Service` schema lacks it would; the schedule's
    /// own `GET …/scalingSchedule` still answers.
    pub schedule_left_out_of_service_reads: bool,
}

impl Faults {
    /// `error-rate=0.2,latency=200ms,drop-rate=0.05`
    pub fn parse(spec: &str) -> anyhow::Result<Self> {
        let mut f = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("fault {part:?} is not key=value"))?;
            let rate = || -> anyhow::Result<f64> {
                let r: f64 = v.parse()?;
                anyhow::ensure!((0.0..=1.0).contains(&r), "{k} must be between 0 and 1");
                Ok(r)
            };
            match k {
                "error-rate" => f.error_rate = rate()?,
                "drop-rate" => f.drop_rate = rate()?,
                "latency" => f.latency = humantime::parse_duration(v)?,
                _ => anyhow::bail!(
                    "unknown fault {k:?}; use error-rate=P, latency=DURATION, drop-rate=P"
                ),
            }
        }
        Ok(f)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// CDC scaling shows in GET this long after the PATCH (docs: 3-5 minutes).
    pub cdc_converge_after: Duration,
    /// Replica / idle changes show this long after the PATCH.
    pub service_converge_after: Duration,
    /// awake/start/stop transitions take this long.
    pub wake_after: Duration,
    /// Simulated time runs this many times faster than real time.
    pub time_scale: f64,
    /// Requests per key per window (the real API: 10 per 10 s).
    pub rate_limit: u32,
    pub rate_window: Duration,
    pub faults: Faults,
    /// Simulated UTC time at start (schedule entries run on it); `None`: the real time now.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            cdc_converge_after: Duration::from_secs(180),
            service_converge_after: Duration::from_secs(30),
            wake_after: Duration::from_secs(20),
            time_scale: 1.0,
            rate_limit: 10,
            rate_window: Duration::from_secs(10),
            faults: Faults::default(),
            clock_start: None,
        }
    }
}

/// A running simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct SimHandle {
    pub addr: SocketAddr,
    pub state: SimState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl SimHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The world, to inspect or change (fault injection, pipe states).
    pub fn world(&self) -> Arc<Mutex<World>> {
        self.state.world.clone()
    }

    pub async fn set_faults(&self, faults: Faults) {
        self.state.world.lock().await.config_mut().faults = faults;
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.requests()
    }

    pub fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serve on 127.0.0.1 with an OS-chosen port.
pub async fn spawn(config: SimConfig, fixture: Fixture) -> anyhow::Result<SimHandle> {
    spawn_on("127.0.0.1:0".parse()?, config, fixture).await
}

pub async fn spawn_on(
    addr: SocketAddr,
    config: SimConfig,
    fixture: Fixture,
) -> anyhow::Result<SimHandle> {
    let state = SimState::new(World::new(fixture, config));
    let listener = routes::FaultyListener::bind(addr, state.clone()).await?;
    let addr = axum::serve::Listener::local_addr(&listener)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let router = app(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(SimHandle {
        addr,
        state,
        shutdown: Some(tx),
    })
}

/// `clickscale sim` options.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8124")]
    pub listen: SocketAddr,
    /// World to load (TOML, as printed by --print-fixture).
    #[arg(long)]
    pub fixture: Option<PathBuf>,
    /// How long CDC scaling takes to show (simulated time), e.g. 3m, 30s.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "3m")]
    pub converge_after: Duration,
    /// How long replica / idle changes take to show (simulated time).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub service_converge_after: Duration,
    /// Run simulated time N times faster (60: a 3-minute change takes 3 s).
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Faults, e.g. `error-rate=0.2,latency=200ms,drop-rate=0.05`.
    #[arg(long, value_parser = Faults::parse)]
    pub faults: Option<Faults>,
    /// Requests allowed per key per 10 s window.
    #[arg(long, default_value_t = 10)]
    pub rate_limit: u32,
    /// Print the default fixture and exit.
    #[arg(long)]
    pub print_fixture: bool,
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    if args.print_fixture {
        print!("{}", Fixture::default().to_toml());
        return Ok(());
    }
    anyhow::ensure!(args.time_scale > 0.0, "--time-scale must be greater than 0");
    let fixture = match &args.fixture {
        Some(path) => Fixture::from_toml(
            &std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read fixture {}: {e}", path.display()))?,
        )?,
        None => Fixture::default(),
    };
    let config = SimConfig {
        cdc_converge_after: args.converge_after,
        service_converge_after: args.service_converge_after,
        time_scale: args.time_scale,
        rate_limit: args.rate_limit,
        faults: args.faults.unwrap_or_default(),
        ..SimConfig::default()
    };
    let handle = spawn_on(args.listen, config, fixture).await?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", handle.base_url())?;
        out.flush()?;
    }
    tracing::info!(addr = %handle.addr, "simulator running; ctrl-c to stop");
    shutdown_signal().await;
    handle.shutdown();
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_specs_parse_and_errors_say_what_is_allowed() {
        let f = Faults::parse("error-rate=0.2,latency=200ms,drop-rate=0.05").unwrap();
        assert_eq!(f.error_rate, 0.2);
        assert_eq!(f.latency, Duration::from_millis(200));
        assert_eq!(f.drop_rate, 0.05);
        assert!(Faults::parse("error-rate=2")
            .unwrap_err()
            .to_string()
            .contains("between 0 and 1"));
        assert!(Faults::parse("boom=1")
            .unwrap_err()
            .to_string()
            .contains("use error-rate"));
    }
}
