//! Poll streams, planned where changes land and batched where the API has a list.
//!
//! Every GET shares the API key's budget (10 requests / 10 s, shared with every other tool on
//! the key), so reads are planned rather than looped:
//!
//! - **One stream per (service, resource)**, however many operations watch it; it ends with
//!   its last [`Subscription`].
//! - **Batched**: every watched replica / idle change is confirmed from one
//!   `GET …/services` per cycle, however many services are watched (one task for all of them);
//!   a service missing from the list is read on its own (that answer says why). CDC scaling
//!   has no list, so each CDC stream reads `GET …/services/{id}/clickpipesCdcScaling`.
//! - **Where changes land**: each watcher polls sparsely before its resource's usual window
//!   (an early change is still seen within half the window's start), every poll interval inside
//!   it (from one interval after its start), and backs off after it (up to six intervals apart). The windows are learned from this
//!   deployment's confirmed operations in the store (per resource), falling back to the
//!   documented ones (CDC 3-5 min) until there are enough of them.
//! - Every read is a background read at the key's scheduler ([`crate::cloud::scheduler`]):
//!   commands first, reads by deadline. Dense reads are planned no closer than one round of
//!   everything watched at the rate the budget sustains (12.5 s for 10 CDC services), since
//!   closer plans would only queue. When the budget, not the API, stretches a watcher's
//!   reads past the poll interval, its observations say by how much ([`Observation::budget_round`]).
//!   While commands are waiting at the key (a launch storm), a read is asked for one permit
//!   before its plan, so that it leaves by its plan and not up to a permit after it.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    ops::{Deref, DerefMut},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use dashmap::DashMap;
use tokio::{
    sync::{watch, Notify},
    time::Instant,
};

use super::request::{CommandKind, Resource};
use crate::{
    cloud::{CloudClient, CloudError},
    scaling::Current,
    store::Store,
};

/// One poll result, stamped with when the GET was sent so a watcher can ignore answers to
/// requests that left before its PATCH was accepted.
#[derive(Debug, Clone)]
pub struct Observation {
    pub sent_at: Instant,
    pub result: Result<Current, PollError>,
    /// Set when the key's budget, not the API, spaces this stream's reads more than the poll
    /// interval apart: how long one round of all the watched reads takes.
    pub budget_round: Option<Duration>,
    /// Streams (services watched, per resource) sharing the budget when this read was planned.
    pub watched: usize,
}

#[derive(Debug, Clone)]
pub struct PollError {
    /// Rendered by whoever reports it, in that reader's locale (shared: observations are cloned
    /// to every watcher of the stream).
    pub error: Arc<CloudError>,
    /// [`crate::cloud::CloudError::is_permanent`]: polling again will not help.
    pub permanent: bool,
}

/// When a resource's changes usually show in GET, counted from the PATCH being accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Duration,
    pub to: Duration,
}

/// Where a window comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowSource {
    Documented,
    /// From this many confirmed operations in the store.
    Learned {
        samples: usize,
    },
}

/// The poll plan's knobs.
#[derive(Debug, Clone, Copy)]
pub struct PollSettings {
    /// Inside a window: one read per interval.
    pub interval: Duration,
    /// The documented windows, used until the store has [`MIN_SAMPLES`] confirmations.
    pub cdc: Window,
    pub service: Window,
}

/// Confirmed operations of a resource needed before its learned window replaces the documented.
pub const MIN_SAMPLES: usize = 5;
/// How many recent confirmations a learned window is drawn from.
const SAMPLES: u32 = 50;
/// How often learned windows are read again from the store.
const RELEARN_EVERY: Duration = Duration::from_secs(600);
/// After a window, reads back off to at most this many intervals apart.
const MAX_BACKOFF_INTERVALS: u32 = 6;
/// Before a window, a watched change goes at most this many intervals without a read: the
/// bound on how late a change that shows early is reported (4 min at 10 s, longer than the
/// documented CDC window's first read at 3 min + one spacing, so that one costs no early read).
pub const EARLY_GAP_INTERVALS: u32 = 24;
/// How many recent measurements the reporting margin is the longest of.
const MARGIN_SAMPLES: usize = 16;

impl PollSettings {
    /// How much later than one interval (or the budget's round) a change may be reported after
    /// it shows: a fifth of the interval (2 s at 10 s), the allowance of the lag bound.
    pub fn slack(&self) -> Duration {
        self.interval / 5
    }

    /// How far apart reads inside a window go: `cadence` (the interval, or the budget's round
    /// when that is longer) plus the slack, less `margin` (the time from a read being sent to
    /// its thread being told), so that a change is reported within cadence + slack of showing.
    /// Never closer than `cadence`: a slow report is not made up for by reading more often.
    pub fn spacing(&self, cadence: Duration, margin: Duration) -> Duration {
        (cadence + self.slack()).saturating_sub(margin).max(cadence)
    }

    /// When watcher `since` (its PATCH accepted) wants its next read, its last one at `last`,
    /// reads inside the window `spacing` apart ([`Self::spacing`]).
    ///
    /// Before the window, at most [`EARLY_GAP_INTERVALS`] intervals apart, and none when the
    /// first read inside it comes sooner; inside, `spacing` apart from one spacing after its
    /// start; after it (one spacing of grace), half the time since the window ended, between
    /// one spacing and six intervals.
    pub fn next_read(
        &self,
        window: Window,
        since: Instant,
        last: Option<Instant>,
        spacing: Duration,
    ) -> Instant {
        let t = last.unwrap_or(since).max(since);
        let elapsed = t - since;
        if elapsed < window.from {
            // The dense reads start one spacing into the window: a change that shows at its
            // start is still reported within the lag bound, and no read is spent on the
            // instant before any change usually shows.
            let first_inside = since + window.from + spacing;
            let early = t + self.interval.saturating_mul(EARLY_GAP_INTERVALS);
            return early.min(first_inside);
        }
        if elapsed < window.to + spacing {
            return t + spacing;
        }
        let backoff = ((elapsed - window.to) / 2)
            .min(self.interval.saturating_mul(MAX_BACKOFF_INTERVALS))
            .max(spacing);
        t + backoff
    }

    fn documented(&self, resource: Resource) -> Window {
        match resource {
            Resource::Cdc => self.cdc,
            Resource::Service => self.service,
        }
    }
}

/// A window from confirmation times: from the 10th percentile less one interval (a
/// confirmation comes up to one poll after the change showed) to the 90th percentile.
pub fn learn_window(times: &[Duration], interval: Duration) -> Option<Window> {
    if times.len() < MIN_SAMPLES {
        return None;
    }
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let from = at(0.1).saturating_sub(interval);
    let to = at(0.9).max(from);
    Some(Window { from, to })
}

type Key = (String, Resource);

#[derive(Debug)]
struct Stream {
    tx: watch::Sender<Option<Observation>>,
    /// Watcher id -> when its PATCH was accepted.
    watchers: BTreeMap<u64, Instant>,
    last_read: Option<Instant>,
    /// Wakes the stream's planner when a watcher joins (it may want a read sooner).
    wake: Arc<Notify>,
}

/// The set of live poll streams.
#[derive(Debug, Clone)]
pub struct Pollers {
    inner: Arc<PollersInner>,
}

#[derive(Debug)]
struct PollersInner {
    cloud: CloudClient,
    settings: PollSettings,
    store: Option<Store>,
    streams: DashMap<Key, Stream>,
    learned: Mutex<Learned>,
    /// The latest times from a call being sent to its thread being told ([`Pollers::note_reported`]).
    reported: Mutex<VecDeque<Duration>>,
    /// The one task reading `GET …/services` for every watched service runs.
    list_running: AtomicBool,
    list_wake: Notify,
    watchers: AtomicU64,
    polls: AtomicU64,
}

#[derive(Debug, Default)]
struct Learned {
    read_at: Option<Instant>,
    windows: HashMap<Resource, (Window, usize)>,
}

/// A watcher's place on a stream: derefs to the observations; leaving ends the stream once
/// nobody else watches it.
#[derive(Debug)]
pub struct Subscription {
    rx: watch::Receiver<Option<Observation>>,
    key: Key,
    id: u64,
    inner: Arc<PollersInner>,
}

impl Deref for Subscription {
    type Target = watch::Receiver<Option<Observation>>;

    fn deref(&self) -> &Self::Target {
        &self.rx
    }
}

impl DerefMut for Subscription {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.rx
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // Under the map's shard lock, which `subscribe` also takes: a new watcher never joins
        // a stream that is being removed.
        let removed = self.inner.streams.remove_if_mut(&self.key, |_, s| {
            s.watchers.remove(&self.id);
            s.watchers.is_empty()
        });
        if let Some(((service, resource), s)) = removed {
            s.wake.notify_one();
            tracing::debug!(%service, ?resource, "poll stream stopped");
        }
    }
}

impl Pollers {
    pub fn new(cloud: CloudClient, settings: PollSettings, store: Option<Store>) -> Self {
        Self {
            inner: Arc::new(PollersInner {
                cloud,
                settings,
                store,
                streams: DashMap::new(),
                learned: Mutex::default(),
                reported: Mutex::default(),
                list_running: AtomicBool::new(false),
                list_wake: Notify::new(),
                watchers: AtomicU64::new(0),
                polls: AtomicU64::new(0),
            }),
        }
    }

    /// Watch a service's resource for a change the API accepted at `since`; starts its poll
    /// stream if none is running.
    pub fn subscribe(&self, service_id: &str, resource: Resource, since: Instant) -> Subscription {
        let inner = &self.inner;
        let key = (service_id.to_owned(), resource);
        let id = inner.watchers.fetch_add(1, Ordering::Relaxed);
        let rx = {
            let mut entry = inner.streams.entry(key.clone()).or_insert_with(|| {
                let (tx, _) = watch::channel(None);
                let wake = Arc::new(Notify::new());
                if resource == Resource::Cdc {
                    tokio::spawn(cdc_loop(inner.clone(), key.clone(), wake.clone()));
                }
                Stream {
                    tx,
                    watchers: BTreeMap::new(),
                    last_read: None,
                    wake,
                }
            });
            entry.watchers.insert(id, since);
            entry.wake.notify_one();
            entry.tx.subscribe()
        };
        if resource == Resource::Service {
            if !inner.list_running.swap(true, Ordering::AcqRel) {
                tokio::spawn(list_loop(inner.clone()));
            }
            inner.list_wake.notify_one();
        }
        Subscription {
            rx,
            key,
            id,
            inner: inner.clone(),
        }
    }

    /// Poll streams running now.
    pub fn active_streams(&self) -> usize {
        self.inner.streams.len()
    }

    /// GETs sent by all poll streams since start.
    pub fn polls_sent(&self) -> u64 {
        self.inner.polls.load(Ordering::Relaxed)
    }

    /// The window a resource's watchers poll by now, and where it comes from.
    pub fn window(&self, resource: Resource) -> (Window, WindowSource) {
        self.inner.window(resource)
    }

    /// Read the learned windows from the store now (they are otherwise read every 10 min).
    pub async fn relearn(&self) {
        self.inner.relearn().await;
    }

    /// How long it took from a call being sent (a confirming read, an accepted PATCH) to its
    /// thread being told: what reads inside a window leave for reporting ([`Self::margin`]).
    pub fn note_reported(&self, took: Duration) {
        let mut reported = self.inner.lock_reported();
        reported.push_back(took);
        while reported.len() > MARGIN_SAMPLES {
            reported.pop_front();
        }
    }

    /// The reporting margin: the longest of the latest measured times from a call being sent
    /// to its thread being told; half the slack until one is measured.
    pub fn margin(&self) -> Duration {
        self.inner.margin()
    }

    /// How far apart reads inside a window go now ([`PollSettings::spacing`]).
    pub fn spacing(&self) -> Duration {
        self.inner.spacing(self.inner.cadence())
    }
}

impl PollersInner {
    fn lock_reported(&self) -> std::sync::MutexGuard<'_, VecDeque<Duration>> {
        self.reported.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn margin(&self) -> Duration {
        self.lock_reported()
            .iter()
            .max()
            .copied()
            .unwrap_or(self.settings.slack() / 2)
    }

    fn spacing(&self, cadence: Duration) -> Duration {
        self.settings.spacing(cadence, self.margin())
    }

    fn window(&self, resource: Resource) -> (Window, WindowSource) {
        let learned = self.learned.lock().unwrap_or_else(|p| p.into_inner());
        match learned.windows.get(&resource) {
            Some((w, samples)) => (*w, WindowSource::Learned { samples: *samples }),
            None => (self.settings.documented(resource), WindowSource::Documented),
        }
    }

    async fn relearn_if_stale(&self) {
        let stale = {
            let learned = self.learned.lock().unwrap_or_else(|p| p.into_inner());
            learned
                .read_at
                .is_none_or(|at| at.elapsed() >= RELEARN_EVERY)
        };
        if stale {
            self.relearn().await;
        }
    }

    async fn relearn(&self) {
        let Some(store) = &self.store else { return };
        let mut windows = HashMap::new();
        for resource in [Resource::Cdc, Resource::Service] {
            let mut times = Vec::new();
            for kind in CommandKind::ALL
                .into_iter()
                .filter(|k| k.resource() == resource)
            {
                match store.confirm_times(kind, SAMPLES).await {
                    Ok(t) => times.extend(t),
                    Err(e) => {
                        tracing::warn!(
                            error = format!("{e:#}"),
                            "could not read confirmation times"
                        );
                    }
                }
            }
            if let Some(w) = learn_window(&times, self.settings.interval) {
                windows.insert(resource, (w, times.len()));
            }
        }
        let mut learned = self.learned.lock().unwrap_or_else(|p| p.into_inner());
        learned.read_at = Some(Instant::now());
        learned.windows = windows;
    }

    /// When a stream wants its next read: the soonest any of its watchers wants one, reads
    /// inside the window `spacing` apart ([`Self::spacing`] of a cadence the budget can
    /// sustain for everything watched, [`Self::cadence`]).
    fn next_read(&self, s: &Stream, window: Window, spacing: Duration) -> Option<Instant> {
        s.watchers
            .values()
            .map(|since| {
                self.settings
                    .next_read(window, *since, s.last_read, spacing)
            })
            .min()
    }

    /// The poll interval, or one round of every read watched now when the budget cannot
    /// give each its read per interval: asking more often would only queue the reads (and
    /// spend a read on a change that is not there yet as often as the budget allows).
    fn cadence(&self) -> Duration {
        self.settings
            .interval
            .max(self.cloud.background_round(self.reads_per_round()))
    }

    /// Reads one round of everything watched needs now: one list for all service streams,
    /// one GET per CDC stream inside or near its window.
    fn reads_per_round(&self) -> usize {
        let now = Instant::now();
        let cdc = self.window(Resource::Cdc).0;
        let mut services = false;
        let mut cdc_reads = 0;
        for s in self.streams.iter() {
            match s.key().1 {
                Resource::Service => services = true,
                Resource::Cdc => {
                    let dense = s.watchers.values().any(|since| {
                        now.saturating_duration_since(*since) + self.settings.interval >= cdc.from
                    });
                    cdc_reads += usize::from(dense);
                }
            }
        }
        cdc_reads + usize::from(services)
    }

    /// How long one round of reads takes at the budget, when that is longer than the poll
    /// interval allows for (half an interval of slack).
    fn budget_round(&self) -> Option<Duration> {
        let round = self.cloud.background_round(self.reads_per_round());
        (round > self.settings.interval + self.settings.interval / 2).then_some(round)
    }

    fn publish(&self, key: &Key, sent_at: Instant, result: Result<Current, PollError>) {
        let budget_round = self.budget_round();
        let watched = self.streams.len();
        if let Some(mut s) = self.streams.get_mut(key) {
            s.last_read = Some(sent_at);
            s.tx.send_replace(Some(Observation {
                sent_at,
                result,
                budget_round,
                watched,
            }));
        }
    }
}

pub(super) fn poll_error(e: CloudError) -> PollError {
    PollError {
        permanent: e.is_permanent(),
        error: Arc::new(e),
    }
}

/// Sleeps until a read planned for `due` is to be asked for: one permit early while commands
/// are waiting at the key, so that it leaves by `due` rather than up to a permit late
/// ([`CloudClient::background_lead`]); at `due` otherwise.
async fn until_asked(cloud: &CloudClient, due: Instant) {
    tokio::time::sleep_until(due.checked_sub(cloud.background_lead_max()).unwrap_or(due)).await;
    tokio::time::sleep_until(due.checked_sub(cloud.background_lead()).unwrap_or(due)).await;
}

/// One CDC stream: a GET when its watchers' plan says so, until the last watcher leaves.
async fn cdc_loop(inner: Arc<PollersInner>, key: Key, wake: Arc<Notify>) {
    inner.relearn_if_stale().await;
    loop {
        let window = inner.window(Resource::Cdc).0;
        let spacing = inner.spacing(inner.cadence());
        let due = match inner.streams.get(&key) {
            Some(s) => inner.next_read(&s, window, spacing),
            None => return,
        };
        let Some(due) = due else { return };
        tokio::select! {
            () = until_asked(&inner.cloud, due) => {}
            // A watcher joined (or the stream ended): plan again.
            () = wake.notified() => continue,
        }
        if !inner.streams.contains_key(&key) {
            return;
        }
        let sent_at = Instant::now();
        inner.polls.fetch_add(1, Ordering::Relaxed);
        let result = inner
            .cloud
            .get_cdc_scaling(&key.0)
            .await
            .map(Current::Cdc)
            .map_err(poll_error);
        inner.publish(&key, sent_at, result);
        inner.relearn_if_stale().await;
    }
}

/// Every service stream: one `GET …/services` when the soonest of them wants a read, its
/// entries handed to each; a service the list leaves out is read on its own.
async fn list_loop(inner: Arc<PollersInner>) {
    inner.relearn_if_stale().await;
    loop {
        let window = inner.window(Resource::Service).0;
        let spacing = inner.spacing(inner.cadence());
        let due = inner
            .streams
            .iter()
            .filter(|s| s.key().1 == Resource::Service)
            .filter_map(|s| inner.next_read(&s, window, spacing))
            .min();
        let Some(due) = due else {
            inner.list_running.store(false, Ordering::Release);
            // A subscriber that came in between found the flag still set: take it back.
            let joined = inner.streams.iter().any(|s| s.key().1 == Resource::Service);
            if joined && !inner.list_running.swap(true, Ordering::AcqRel) {
                continue;
            }
            return;
        };
        tokio::select! {
            () = until_asked(&inner.cloud, due) => {}
            () = inner.list_wake.notified() => continue,
        }
        let watched: Vec<Key> = inner
            .streams
            .iter()
            .filter(|s| s.key().1 == Resource::Service)
            .map(|s| s.key().clone())
            .collect();
        if watched.is_empty() {
            continue;
        }
        let sent_at = Instant::now();
        inner.polls.fetch_add(1, Ordering::Relaxed);
        match inner.cloud.list_services_listing(&[]).await {
            Ok(listing) => {
                let mut by_id: HashMap<String, _> = listing
                    .into_items()
                    .into_iter()
                    .map(|s| (s.id.clone(), s))
                    .collect();
                for key in watched {
                    let result = match by_id.remove(&key.0) {
                        Some(service) => Ok(Current::Service(Box::new(service))),
                        None => {
                            // Gone, or an entry the bot could not read: its own GET says which.
                            let sent_at = Instant::now();
                            inner.polls.fetch_add(1, Ordering::Relaxed);
                            let result = inner
                                .cloud
                                .get_service(&key.0)
                                .await
                                .map(|s| Current::Service(Box::new(s)))
                                .map_err(poll_error);
                            inner.publish(&key, sent_at, result);
                            continue;
                        }
                    };
                    inner.publish(&key, sent_at, result);
                }
            }
            Err(e) => {
                let error = poll_error(e);
                for key in watched {
                    inner.publish(&key, sent_at, Err(error.clone()));
                }
            }
        }
        inner.relearn_if_stale().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PollSettings {
        PollSettings {
            interval: Duration::from_secs(10),
            cdc: Window {
                from: Duration::from_secs(180),
                to: Duration::from_secs(300),
            },
            service: Window {
                from: Duration::ZERO,
                to: Duration::from_secs(120),
            },
        }
    }

    /// The reads one watcher makes from its PATCH (at 0) until `until`, in milliseconds,
    /// reads inside the window `spacing` apart.
    fn plan(window: Window, spacing: Duration, until: u64) -> Vec<u64> {
        let s = settings();
        let since = Instant::now();
        let mut last = None;
        let mut reads = Vec::new();
        loop {
            let next = s.next_read(window, since, last, spacing);
            let at = u64::try_from((next - since).as_millis()).unwrap();
            if at > until * 1000 {
                return reads;
            }
            reads.push(at);
            last = Some(next);
        }
    }

    #[test]
    fn reads_inside_a_window_leave_the_slack_less_the_reporting_margin() {
        let s = settings();
        let secs = Duration::from_secs;
        let ms = Duration::from_millis;
        // Lag bound: one interval (or the budget's round) + 2 s; 1 s of it for reporting.
        assert_eq!(s.slack(), secs(2));
        assert_eq!(s.spacing(secs(10), secs(1)), secs(11));
        assert_eq!(s.spacing(secs(10), ms(300)), ms(11_700));
        // 10 CDC services: the budget's round of 12.5 s is the cadence.
        assert_eq!(s.spacing(ms(12_500), ms(500)), secs(14));
        // A report slower than the slack is not made up for by reading more often.
        assert_eq!(s.spacing(secs(10), secs(5)), secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn cdc_reads_start_one_spacing_into_the_window_and_back_off_after_it() {
        let spacing = Duration::from_secs(11);
        let reads = plan(settings().cdc, spacing, 600);
        // No read before the window: its first read, at 191 s, comes within the 4 minutes a
        // watched change may go unread before it (an early change is reported by then).
        assert_eq!(reads.first(), Some(&191_000), "{reads:?}");
        // 11 s apart from one spacing into the window to one spacing past its end.
        let inside: Vec<u64> = reads.iter().copied().filter(|t| *t <= 311_000).collect();
        assert_eq!(
            inside,
            (0..=10).map(|i| 191_000 + i * 11_000).collect::<Vec<_>>()
        );
        // Then further apart, never more than six intervals.
        let after: Vec<u64> = reads.iter().copied().filter(|t| *t > 311_000).collect();
        let gaps: Vec<u64> = after.windows(2).map(|p| p[1] - p[0]).collect();
        assert!(
            gaps.iter().all(|g| (11_000..=60_000).contains(g)),
            "{after:?}"
        );
        assert!(gaps.windows(2).all(|g| g[0] <= g[1]), "{after:?}");
        assert_eq!(gaps.last(), Some(&60_000), "{after:?}");
        // 10 reads in the first 5 minutes (a change drawn uniformly in the window takes 6 on
        // average), where polling every 10 s from the PATCH made 30.
        assert_eq!(reads.iter().filter(|t| **t <= 300_000).count(), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_that_opens_late_still_reads_every_four_minutes_before_it() {
        let late = Window {
            from: Duration::from_secs(600),
            to: Duration::from_secs(900),
        };
        let reads = plan(late, Duration::from_secs(11), 611);
        assert_eq!(reads, vec![240_000, 480_000, 611_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_from_zero_reads_from_one_spacing_after_the_patch() {
        let reads = plan(settings().service, Duration::from_secs(11), 121);
        assert_eq!(reads, (1..=11).map(|i| i * 11_000).collect::<Vec<_>>());
    }

    #[test]
    fn windows_are_learned_from_enough_confirmations_only() {
        let secs = |v: &[u64]| {
            v.iter()
                .map(|s| Duration::from_secs(*s))
                .collect::<Vec<_>>()
        };
        let interval = Duration::from_secs(10);
        assert_eq!(learn_window(&secs(&[40, 50, 60, 70]), interval), None);
        let w = learn_window(&secs(&[40, 45, 50, 55, 60, 65, 70, 75, 80, 200]), interval).unwrap();
        assert_eq!(w.from, Duration::from_secs(35));
        assert_eq!(w.to, Duration::from_secs(80));
    }
}
