//! Helpers shared by the benchmarks: generated worlds, a time-stamping chat surface,
//! percentiles and resident-memory readings. Each bench uses a subset.
#![allow(dead_code)]

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use async_trait::async_trait;
use clickscale::{
    ops::{Actor, ChatSurface, ClickGuard, Decision, MessageRef, Origin, ReminderPost, ThreadRef},
    sim::Fixture,
};

/// The id of generated service `i` (UUID-shaped, like the API's).
pub fn service_id(i: usize) -> String {
    format!("5a1e0000-0000-4000-8000-{i:012}")
}

pub fn service_name(i: usize) -> String {
    format!("bench-svc-{i:05}")
}

/// The default world's organization and keys with `n` running services, each with a DB
/// ClickPipes CDC pool of 2 cores (like `ingest-cdc`) and no pipes.
pub fn fixture_with_services(n: usize) -> Fixture {
    let mut f = Fixture::default();
    let template = f
        .service_by_name("ingest-cdc")
        .expect("the default world has ingest-cdc")
        .clone();
    f.services = (0..n)
        .map(|i| {
            let mut s = template.clone();
            s.id = service_id(i);
            s.name = service_name(i);
            s.cdc_cores = Some(2);
            // Each alone in its own warehouse: a copy of ingest-cdc would make every one a
            // primary of the same warehouse, which `Fixture::from_toml` refuses.
            s.data_warehouse_id = None;
            s.is_primary = false;
            s
        })
        .collect();
    f.pipes.clear();
    f
}

/// A chat surface that keeps every line with the moment it was shown, so a benchmark can tell
/// when the engine said something (e.g. the ✅ line in the thread).
#[derive(Default)]
pub struct TimedSurface {
    lines: Mutex<Vec<(Instant, String)>>,
    messages: AtomicU64,
    /// Called once, when a thread line starting with the given prefix is posted.
    hook: Mutex<Option<(String, Hook)>>,
}

type Hook = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for TimedSurface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimedSurface").finish_non_exhaustive()
    }
}

impl TimedSurface {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A surface that runs `hook` when the first thread line starting with `prefix` is posted.
    pub fn with_hook(prefix: &str, hook: impl FnOnce() + Send + 'static) -> Arc<Self> {
        let s = Self::default();
        *s.hook.lock().unwrap() = Some((prefix.to_owned(), Box::new(hook)));
        Arc::new(s)
    }

    /// When a thread line starting with `prefix` was first posted.
    pub fn thread_line_at(&self, prefix: &str) -> Option<Instant> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .find(|(_, l)| l.starts_with("thread: ") && l["thread: ".len()..].starts_with(prefix))
            .map(|(at, _)| *at)
    }

    fn push(&self, line: String) {
        self.lines.lock().unwrap().push((Instant::now(), line));
    }
}

#[async_trait]
impl ChatSurface for TimedSurface {
    async fn post_status(&self, origin: &Origin, text: &str) -> anyhow::Result<MessageRef> {
        self.push(format!("status: {text}"));
        Ok(MessageRef {
            channel: origin.channel.clone(),
            message: (self.messages.fetch_add(1, Ordering::Relaxed) + 1).to_string(),
        })
    }
    async fn edit_status(&self, _: &MessageRef, text: &str) -> anyhow::Result<()> {
        self.push(format!("edit: {text}"));
        Ok(())
    }
    async fn open_thread(&self, m: &MessageRef, _: &str) -> anyhow::Result<ThreadRef> {
        Ok(ThreadRef(m.message.clone()))
    }
    async fn post_in_thread(&self, _: &ThreadRef, text: &str) -> anyhow::Result<()> {
        self.push(format!("thread: {text}"));
        let hook = {
            let mut hook = self.hook.lock().unwrap();
            match hook.as_ref() {
                Some((prefix, _)) if text.starts_with(prefix.as_str()) => hook.take(),
                _ => None,
            }
        };
        if let Some((_, run)) = hook {
            run();
        }
        Ok(())
    }
    async fn confirm(
        &self,
        _: &MessageRef,
        _: &str,
        _: Duration,
        _: ClickGuard,
    ) -> anyhow::Result<Decision> {
        // The benchmarks only send changes that need no confirmation; say so if one does.
        anyhow::bail!("the benchmark surface does not answer confirmations")
    }
    async fn post_reminder(
        &self,
        t: &ThreadRef,
        post: &ReminderPost,
    ) -> anyhow::Result<MessageRef> {
        self.push(format!("reminder: {}", post.text));
        Ok(MessageRef {
            channel: t.0.clone(),
            message: (self.messages.fetch_add(1, Ordering::Relaxed) + 1).to_string(),
        })
    }
}

/// A chat surface that only counts what it is asked to show (no per-line memory), for
/// footprint measurements.
#[derive(Debug, Default)]
pub struct CountingSurface {
    pub posts: AtomicU64,
}

#[async_trait]
impl ChatSurface for CountingSurface {
    async fn post_status(&self, origin: &Origin, _: &str) -> anyhow::Result<MessageRef> {
        let n = self.posts.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(MessageRef {
            channel: origin.channel.clone(),
            message: n.to_string(),
        })
    }
    async fn edit_status(&self, _: &MessageRef, _: &str) -> anyhow::Result<()> {
        self.posts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    async fn open_thread(&self, m: &MessageRef, _: &str) -> anyhow::Result<ThreadRef> {
        Ok(ThreadRef(m.message.clone()))
    }
    async fn post_in_thread(&self, _: &ThreadRef, _: &str) -> anyhow::Result<()> {
        self.posts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    async fn confirm(
        &self,
        _: &MessageRef,
        _: &str,
        _: Duration,
        _: ClickGuard,
    ) -> anyhow::Result<Decision> {
        anyhow::bail!("the benchmark surface does not answer confirmations")
    }
    async fn post_reminder(&self, t: &ThreadRef, _: &ReminderPost) -> anyhow::Result<MessageRef> {
        let n = self.posts.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(MessageRef {
            channel: t.0.clone(),
            message: n.to_string(),
        })
    }
}

pub fn bench_actor() -> Actor {
    Actor {
        id: "bench".into(),
        name: "bench".into(),
        roles: Vec::new(),
    }
}

pub fn bench_origin() -> Origin {
    Origin {
        guild: None,
        channel: "ops".into(),
        locale: "en-US".into(),
    }
}

/// Nearest-rank percentile (`p` in 0..=100) of unsorted samples; `None` when empty.
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// `VmRSS` and `VmHWM` (peak) of a process in KiB, from `/proc/<pid>/status`.
pub fn memory_kib(pid: &str) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// `nproc`, the date and the git commit, for the header of every bench's output.
pub fn print_machine(title: &str) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = std::process::Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("# {title}");
    println!("machine: {cores} cores, {date}, commit {commit}");
}
