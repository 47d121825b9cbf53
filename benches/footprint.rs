//! Footprint:
//!
//! 1. The release binary `clickscale run` as its own process, against the fake Discord and
//!    the simulator (both in this process), with a SQLite store holding 0, 1,000 and 10,000
//!    settled operations (each with its three audit entries, written through the `Store` API):
//!    time from spawning it to the fake receiving the command registration PUT, and its
//!    resident memory (`VmRSS`, and the peak `VmHWM`, from `/proc/<pid>/status`) once ready
//!    and after answering `/scaling-history` and `/scaling-status`.
//! 2. 1,000 active watches: this bench binary re-runs itself as a bare process holding only
//!    the engine (no Discord library) and launches 1,000 CDC changes on 1,000 services of a
//!    `clickscale sim` child whose changes never converge during the run; it reports its
//!    resident memory before and after, the poll streams running and the GETs they send.
//!
//! `cargo bench --bench footprint`

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use chrono::Utc;
use clickscale::ops::OutcomeKind;
use clickscale::{
    cloud::{CloudClient, CloudSettings, RateLimit},
    config::Config,
    ops::{
        Actor, CommandKind, Engine, Origin, Phase, RevertInput, ScaleRequest, ServiceRef,
        Submission,
    },
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig, SimHandle,
    },
    store::{AuditAction, AuditEntry, NewOperation, Store},
};
use common::{memory_kib, mib, percentile};
use futures::StreamExt;
use serde_json::json;
use support::discord::{FakeConfig, FakeDiscord};

const STORED: [usize; 3] = [0, 1_000, 10_000];
const RUNS_PER_SIZE: usize = 5;
const WATCHES: usize = 1_000;
const WAIT: Duration = Duration::from_secs(30);
const CHILD_FLAG: &str = "--watches-child";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == CHILD_FLAG) {
        watches_child(&args[pos + 1]).await;
        return;
    }
    common::print_machine("footprint");
    stored_operations().await;
    println!();
    active_watches().await;
}

// ---------------------------------------------------------------------------------------------
// 1. `clickscale run` with 0 / 1,000 / 10,000 stored operations

/// A settled CDC operation with its audit trail, as the engine leaves it.
async fn store_operation(store: &Store, i: usize) {
    let id = store.next_operation_id().await.expect("operation id");
    let service = ServiceRef {
        id: ids::INGEST_CDC.into(),
        name: "ingest-cdc".into(),
        customer_facing: false,
    };
    let actor = Actor {
        id: format!("14000000000000{:05}", i % 50),
        name: format!("user{}", i % 50),
        roles: vec!["ops".into()],
    };
    let before = json!({"Cdc": {"replicaCpuMillicores": 2000, "replicaMemoryGb": 8}});
    let target = json!({"Cdc": {"replicaCpuMillicores": 4000, "replicaMemoryGb": 16}});
    store
        .insert_operation(&NewOperation {
            id,
            kind: CommandKind::CdcScale,
            service: service.clone(),
            actor: actor.clone(),
            origin: Origin {
                guild: Some("1200000000000000001".into()),
                channel: "1300000000000000001".into(),
                locale: "en-US".into(),
            },
            target: target.clone(),
            before: before.clone(),
            followup: json!({"kind": "none"}),
            settings: [clickscale::scaling::Setting::CdcCompute]
                .into_iter()
                .collect(),
        })
        .await
        .expect("insert operation");
    for (action, who) in [
        (AuditAction::Requested, &actor.name),
        (AuditAction::ApiCall, &"clickscale".to_owned()),
        (AuditAction::Outcome, &"clickscale".to_owned()),
    ] {
        let mut e = AuditEntry::new(Utc::now(), &actor.id, who, action);
        e.operation = Some(id);
        e.channel = Some("1300000000000000001".into());
        e.service_id = Some(service.id.clone());
        e.service_name = Some(service.name.clone());
        e.before = Some(before.clone());
        e.after = Some(target.clone());
        e.detail = Some("CDC compute: 2 cores / 8 GB -> 4 cores / 16 GB".into());
        store.audit(&e).await.expect("audit entry");
    }
    store
        .settle_operation(id, OutcomeKind::Confirmed, None, None)
        .await
        .expect("settle operation");
}

/// A database file in `dir` holding `n` settled operations. It is written on /dev/shm when
/// there is one (every commit is fsynced; 50,000 fsyncs would dominate the bench) and then
/// copied next to the bot, so the bot reads it from the ordinary disk.
async fn database_with(n: usize, dir: &Path) -> std::path::PathBuf {
    let scratch_root = Path::new("/dev/shm");
    let scratch = if scratch_root.is_dir() {
        tempfile::tempdir_in(scratch_root)
    } else {
        tempfile::tempdir()
    }
    .expect("scratch dir");
    let built = scratch.path().join("clickscale.db");
    let store = Store::connect(&format!("sqlite://{}", built.display()))
        .await
        .expect("store");
    let started = Instant::now();
    let mut writes = futures::stream::iter(0..n)
        .map(|i| {
            let store = store.clone();
            async move { store_operation(&store, i).await }
        })
        .buffer_unordered(4);
    while writes.next().await.is_some() {}
    store.close().await;
    if n > 0 {
        eprintln!(
            "stored {n} operations in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let target = dir.join("clickscale.db");
    for suffix in ["", "-wal", "-shm"] {
        let from = scratch.path().join(format!("clickscale.db{suffix}"));
        if from.exists() {
            std::fs::copy(&from, dir.join(format!("clickscale.db{suffix}"))).expect("copy db");
        }
    }
    target
}

fn spawn_bot(fake: &FakeDiscord, sim: &SimHandle, dir: &Path, db: &Path) -> tokio::process::Child {
    let config = dir.join("clickscale.toml");
    std::fs::write(
        &config,
        format!(
            "[discord]\nproxy_url = \"{}\"\nguild_id = {}\n[store]\ninstance_id = \"bench\"\n",
            fake.proxy_url(),
            fake.guild_id()
        ),
    )
    .expect("config file");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .arg("--config")
        .arg(&config)
        .arg("run")
        .env("DISCORD_TOKEN", "fake-bot-token")
        .env("CLICKHOUSE_API_URL", sim.base_url())
        .env("CLICKHOUSE_ORG_ID", DEMO_ORG_ID)
        .env("CLICKHOUSE_KEY_ID", DEMO_ADMIN_KEY)
        .env("CLICKHOUSE_KEY_SECRET", DEMO_SECRET)
        .env(
            "CLICKSCALE_DATABASE_URL",
            format!("sqlite://{}", db.display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn clickscale run")
}

struct BotRun {
    registered: Duration,
    ready_rss: u64,
    served_rss: u64,
    peak: u64,
}

async fn one_bot_run(n: usize, db_template: &Path) -> BotRun {
    let fake = FakeDiscord::start_with(FakeConfig {
        self_check: false,
        ..FakeConfig::default()
    })
    .await;
    let sim = sim::spawn(SimConfig::default(), Fixture::default())
        .await
        .expect("simulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("clickscale.db");
    for suffix in ["", "-wal", "-shm"] {
        let from = db_template.with_file_name(format!("clickscale.db{suffix}"));
        if from.exists() {
            std::fs::copy(&from, dir.path().join(format!("clickscale.db{suffix}")))
                .expect("copy db");
        }
    }
    let spawned = Instant::now();
    let mut child = spawn_bot(&fake, &sim, dir.path(), &db);
    let put = fake
        .wait_for_call(|c| c.method == "PUT" && c.path.ends_with("/commands"), WAIT)
        .await;
    let registered = put.at.saturating_duration_since(spawned);
    fake.wait_ready().await;
    let pid = child.id().expect("bot pid").to_string();
    let (ready_rss, _) = memory_kib(&pid).expect("bot memory");
    for ix in [
        fake.slash("scaling-history").send().await,
        fake.slash("scaling-status")
            .option_str("service", "ingest-cdc")
            .send()
            .await,
    ] {
        fake.wait_for_call(
            |c| c.is("PATCH", "/webhooks/*/*/messages/@original") && c.path.contains(&ix.token),
            WAIT,
        )
        .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (served_rss, peak) = memory_kib(&pid).expect("bot memory");
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("the bot stops after SIGTERM")
        .expect("bot status");
    assert!(
        status.success(),
        "clickscale run exited with {status:?} ({n} operations)"
    );
    BotRun {
        registered,
        ready_rss,
        served_rss,
        peak,
    }
}

async fn stored_operations() {
    println!(
        "`clickscale run` (release binary, its own process), SQLite store on disk; \
         median of {RUNS_PER_SIZE} starts per size"
    );
    println!();
    println!("| stored operations | start -> commands registered | RSS when ready | RSS after /scaling-history + /scaling-status | peak RSS (VmHWM) |");
    println!("|---:|---:|---:|---:|---:|");
    for n in STORED {
        let templates = tempfile::tempdir().expect("temp dir");
        let db = database_with(n, templates.path()).await;
        let mut runs = Vec::new();
        for _ in 0..RUNS_PER_SIZE {
            runs.push(one_bot_run(n, &db).await);
        }
        let med = |f: &dyn Fn(&BotRun) -> f64| {
            percentile(&runs.iter().map(f).collect::<Vec<_>>(), 50.0).unwrap_or_default()
        };
        let all_starts: Vec<String> = runs
            .iter()
            .map(|r| format!("{:.0}", r.registered.as_secs_f64() * 1e3))
            .collect();
        println!(
            "| {n} | {:.0} ms ({} ms) | {} | {} | {} |",
            med(&|r| r.registered.as_secs_f64() * 1e3),
            all_starts.join(" / "),
            mib(med(&|r| r.ready_rss as f64) as u64),
            mib(med(&|r| r.served_rss as f64) as u64),
            mib(med(&|r| r.peak as f64) as u64),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. 1,000 active watches

async fn active_watches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixture = dir.path().join("world.toml");
    std::fs::write(&fixture, common::fixture_with_services(WATCHES).to_toml()).expect("fixture");
    let mut sim = std::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["sim", "--listen", "127.0.0.1:0", "--converge-after", "10h"])
        .args(["--rate-limit", "1000000", "--fixture"])
        .arg(&fixture)
        .env("CLICKSCALE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn clickscale sim");
    let mut first = String::new();
    BufReader::new(sim.stdout.take().expect("sim stdout"))
        .read_line(&mut first)
        .expect("sim banner");
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected sim banner {first:?}"))
        .to_owned();
    let out = std::process::Command::new(std::env::current_exe().expect("own path"))
        .args([CHILD_FLAG, &url])
        .stderr(Stdio::inherit())
        .output()
        .expect("run the watches child");
    let _ = sim.kill();
    let _ = sim.wait();
    assert!(
        out.status.success(),
        "watches child failed: {:?}",
        out.status
    );
    print!("{}", String::from_utf8_lossy(&out.stdout));
}

/// Runs in a fresh process: only the engine, its store and its client.
async fn watches_child(sim_url: &str) {
    let pid = std::process::id().to_string();
    let rss = || memory_kib(&pid).expect("own memory");
    let (start, _) = rss();
    let mut config = Config::default();
    config.timings.watch_deadline = Duration::from_secs(2 * 3600);
    // Every watch inside its window from the start: one read per poll interval each, the
    // busiest the read scheduler gets (the documented CDC window would read once in 90 s).
    config.timings.cdc_expected_min = Duration::ZERO;
    let mut s = CloudSettings::new(DEMO_ORG_ID, DEMO_ADMIN_KEY, DEMO_SECRET.to_owned().into());
    s.base_url = sim_url.to_owned();
    // Lifted so that 2,000 launch calls take seconds, not the 2,000 s the real budget needs.
    s.rate_limit = RateLimit {
        requests: 1000,
        per: Duration::from_secs(1),
    };
    let client = CloudClient::new(s).expect("client");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("w.db").display()))
        .await
        .expect("store");
    let engine = Engine::new(client.clone(), config, store).expect("engine");
    let surface = std::sync::Arc::new(common::CountingSurface::default());
    // Resolve once so the organization's service list is cached before the rush.
    engine
        .resolve_service(&common::service_name(0))
        .await
        .expect("service list");
    let (idle, _) = rss();
    let started = Instant::now();
    let handles: Vec<_> = futures::stream::iter(0..WATCHES)
        .map(|i| {
            let engine = engine.clone();
            let surface = surface.clone();
            async move {
                let p = engine
                    .prepare(Submission {
                        service: common::service_name(i),
                        request: ScaleRequest::cdc(3),
                        actor: common::bench_actor(),
                        origin: common::bench_origin(),
                        revert: RevertInput::default(),
                    })
                    .await
                    .expect("prepare");
                let mut h = engine.launch(p, surface).await.expect("launch");
                h.reached(Phase::Watching).await;
                h
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let launched = started.elapsed();
    // `Watching` is reached just before the operation subscribes to its poll stream.
    let subscribed = Instant::now() + Duration::from_secs(2);
    while engine.pollers().active_streams() < WATCHES && Instant::now() < subscribed {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let in_flight = engine.in_flight().len();
    let streams = engine.pollers().active_streams();
    let (watching, _) = rss();
    let polls_before = engine.pollers().polls_sent();
    let cpu_before = cpu_time();
    let window = Duration::from_secs(10);
    tokio::time::sleep(window).await;
    let polls = engine.pollers().polls_sent() - polls_before;
    let cpu = cpu_time().saturating_sub(cpu_before);
    let (steady, peak) = rss();
    assert!(
        handles.iter().all(|h| *h.phase.borrow() == Phase::Watching),
        "every operation is still watching"
    );
    let per_watch = (steady.saturating_sub(idle)) as f64 / WATCHES as f64;
    println!(
        "{WATCHES} active watches: the engine alone in a fresh process (no Discord library), \
         {WATCHES} CDC changes on {WATCHES} services of a `clickscale sim` child (never converging), \
         poll interval 10 s; launched in {:.1} s with the budget lifted to 1,000 req/s",
        launched.as_secs_f64()
    );
    println!();
    println!("| state | operations in flight | poll streams | RSS |");
    println!("|---|---:|---:|---:|");
    println!("| process started | 0 | 0 | {} |", mib(start));
    println!("| engine, store and client ready | 0 | 0 | {} |", mib(idle));
    println!(
        "| all {WATCHES} watching | {in_flight} | {streams} | {} |",
        mib(watching)
    );
    println!(
        "| after {} s more of polling | {} | {} | {} (peak {}) |",
        window.as_secs(),
        engine.in_flight().len(),
        engine.pollers().active_streams(),
        mib(steady),
        mib(peak)
    );
    println!();
    println!(
        "{:.1} KiB per watch; {polls} GETs in {} s from {streams} streams (one stream per service, reads inside a window one spacing apart), \
         through the key's read scheduler; CPU (user + system) {:.0} ms in those {} s: {:.0} µs per watched \
         operation per poll interval ({:.2} % of one core for all {WATCHES})",
        per_watch,
        window.as_secs(),
        cpu.as_secs_f64() * 1e3,
        window.as_secs(),
        cpu.as_secs_f64() * 1e6 / WATCHES as f64,
        cpu.as_secs_f64() / window.as_secs_f64() * 100.0,
    );
}

/// This process's CPU time (user + system) so far, from `/proc/self/stat` (clock ticks of
/// 1/100 s, what Linux reports on every common configuration).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields[i].parse::<u64>().expect("stat field");
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}
