//! One scheduler per API key for every call's rate-limiter permit.
//!
//! The key's budget (10 requests per 10 s by default, shared with every other tool on the key)
//! is the physical limit of how fast the bot can confirm anything, so one place hands it out:
//!
//! - **Commands first.** A user-facing call (a command's read, a PATCH) takes the next permit;
//!   background reads wait while any command waits.
//! - **Background reads in one queue, by deadline.** Confirmation polls, reminder snapshot
//!   checks and the readiness probe queue with the moment they became due; the earliest due
//!   goes next, so a read that has waited longest is never overtaken and no watcher starves.
//!   One read at a time tries the limiter (the head of the queue), which is what makes the
//!   order hold: before, every waiting poll raced for each permit and some lost for minutes.
//! - **The background share.** Even while commands keep coming (a storm of launches), the
//!   background gets a permit once per [`Scheduler::reserve_every`] (a fifth of the budget):
//!   confirmations keep flowing, and a command waits at most one extra permit for it.
//!
//! The permits come from a GCRA quota that never exceeds the budget in ANY window
//! ([`window_quota`]), on tokio time so tests with a paused clock drive it.

use std::collections::{BTreeMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::sync::Notify;
use tokio::time::Instant;
use tracing::debug;

use super::client::RateLimit;
use super::error::CloudError;

/// Who a call is for: what decides its place at the limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Priority {
    /// A person is waiting for it: goes first.
    Command,
    /// Periodic work (polls, reminder checks, readiness probes): queued by deadline.
    Background,
}

impl Priority {
    /// Label used in metrics.
    pub fn label(self) -> &'static str {
        self.into()
    }
}

/// How much of the key's budget the last window used, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetUse {
    /// The key's budget: `requests` per `window`.
    pub requests: u32,
    pub window: Duration,
    /// Permits granted in the last `window` to commands.
    pub commands: u32,
    /// Permits granted in the last `window` to background reads.
    pub background: u32,
    /// Background reads waiting for a permit now.
    pub queued: usize,
    /// Background reads granted since start.
    pub background_total: u64,
    /// Background permits granted from the reserved share while commands were waiting.
    pub reserved_total: u64,
}

/// A GCRA quota that never exceeds `requests` in ANY window of `per`, as the API counts.
///
/// A plain "burst N, one every per/N" quota allows N at once and then N more in the same
/// window (up to 2N - 1 per window), which the API answers with 429. With a burst of B and
/// one permit every per/(N - B), any window holds at most B + (N - B) = N. The burst is kept
/// small (a fifth of the budget) because the steady rate is what many watched services share:
/// 8 of the API's 10 requests per 10 s, where a half-and-half split sustained only 5.
pub(super) fn window_quota(limit: RateLimit) -> Result<Quota, CloudError> {
    let n = limit.requests;
    if n == 0 {
        return Err(CloudError::Config(
            "rate_limit.requests must be at least 1".into(),
        ));
    }
    let (burst, period) = burst_and_period(limit);
    let quota = Quota::with_period(period)
        .ok_or_else(|| CloudError::Config("rate_limit.per must be longer than zero".into()))?;
    Ok(quota.allow_burst(NonZeroU32::new(burst).expect("burst >= 1")))
}

/// The quota's burst and the period of its steady permits (see [`window_quota`]).
fn burst_and_period(limit: RateLimit) -> (u32, Duration) {
    let n = limit.requests.max(1);
    let burst = (n / 5).max(1);
    let steady = n - burst;
    // With a budget of 1 there is no steady share: one request per whole window.
    let period = if steady == 0 {
        limit.per
    } else {
        limit.per / steady
    };
    (burst, period)
}

/// Governor clock on tokio time, so tests with a paused clock drive the limiter too.
#[derive(Debug, Clone)]
struct TokioClock {
    origin: Instant,
}

impl Clock for TokioClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Nanos>>;

/// How often a background read that gave way to a command looks again.
const YIELD_RECHECK: Duration = Duration::from_millis(20);

/// The key's permits: the limiter, the commands waiting, and the queue of background reads.
pub(super) struct Scheduler {
    limit: RateLimit,
    limiter: Limiter,
    clock: TokioClock,
    /// Commands waiting for a permit; background reads wait while there are any (except for
    /// their reserved share).
    urgent: AtomicUsize,
    /// The background's guaranteed share: one permit per this, commands or not.
    reserve_every: Duration,
    /// Set while the head of the background queue is owed its reserved permit: commands
    /// leave the next permit to it (they would otherwise win every race for it, waking at the
    /// exact instant the limiter has one).
    reserve_claimed: AtomicBool,
    tickets: AtomicU64,
    state: Mutex<State>,
    background_total: AtomicU64,
    reserved_total: AtomicU64,
}

#[derive(Default)]
struct State {
    /// Background reads waiting, by (due, arrival): the first one is the next to go.
    queue: BTreeMap<(Instant, u64), Arc<Notify>>,
    last_background: Option<Instant>,
    /// Permits granted in the last window (for the budget in use).
    granted: VecDeque<(Instant, Priority)>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("limit", &self.limit)
            .field("reserve_every", &self.reserve_every)
            .finish_non_exhaustive()
    }
}

/// Counts a command as waiting for as long as it lives.
struct Urgent<'a>(&'a AtomicUsize);

impl<'a> Urgent<'a> {
    fn register(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Urgent(count)
    }
}

impl Drop for Urgent<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The reserved permit claimed for the head of the background queue, until it is granted
/// (or the read is cancelled).
struct Claim<'a>(&'a AtomicBool);

impl<'a> Claim<'a> {
    fn new(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::Release);
        Claim(flag)
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// A background read's place in the queue; leaving it (granted or cancelled) wakes the next.
struct Ticket<'a> {
    scheduler: &'a Scheduler,
    key: (Instant, u64),
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.scheduler.lock();
        state.queue.remove(&self.key);
        if let Some(next) = state.queue.values().next() {
            // `notify_one` keeps the wake-up if the next one is not listening yet.
            next.notify_one();
        }
    }
}

impl Scheduler {
    pub(super) fn new(limit: RateLimit) -> Result<Self, CloudError> {
        let quota = window_quota(limit)?;
        let clock = TokioClock {
            origin: Instant::now(),
        };
        let limiter = RateLimiter::direct_with_clock(quota, clock.clone());
        // A fifth of the budget: 2 of 10 per 10 s; with tiny budgets, one in five windows.
        let reserve_every = (limit.per * 5) / limit.requests.max(1);
        Ok(Self {
            limit,
            limiter,
            clock,
            urgent: AtomicUsize::new(0),
            reserve_every,
            reserve_claimed: AtomicBool::new(false),
            tickets: AtomicU64::new(0),
            state: Mutex::new(State::default()),
            background_total: AtomicU64::new(0),
            reserved_total: AtomicU64::new(0),
        })
    }

    /// The background's guaranteed share: one permit per this long, whatever commands do.
    pub(super) fn reserve_every(&self) -> Duration {
        self.reserve_every
    }

    /// How long before its plan a background read is to be asked for so that it leaves by
    /// then: one steady permit while commands are waiting, nothing otherwise.
    ///
    /// While commands wait, a background read gets the reserved share: it claims the next
    /// permit and waits up to one steady period for the limiter to have it. Asked that much
    /// early, it leaves within `[plan - period, plan]` instead of up to a period late (a list
    /// read confirming every watched replica change came up to 1.25 s late during a launch
    /// storm, past the poll interval + 2 s the lag may take). Without commands waiting the
    /// permit is there at once, so asking early would only read more often.
    pub(super) fn background_lead(&self) -> Duration {
        if self.urgent.load(Ordering::Acquire) > 0 {
            self.steady_period()
        } else {
            Duration::ZERO
        }
    }

    /// The most [`Self::background_lead`] can be: one steady permit.
    pub(super) fn steady_period(&self) -> Duration {
        burst_and_period(self.limit).1
    }

    /// How long one round of `reads` background reads takes at the steady rate the budget
    /// sustains: what the budget, not the API, makes a watcher wait between two reads.
    pub(super) fn round_for(&self, reads: usize) -> Duration {
        let (_, period) = burst_and_period(self.limit);
        period.saturating_mul(u32::try_from(reads).unwrap_or(u32::MAX))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for a permit; returns whether the call had to wait.
    pub(super) async fn acquire(&self, priority: Priority) -> bool {
        match priority {
            Priority::Command => self.acquire_command().await,
            Priority::Background => self.acquire_background(Instant::now()).await,
        }
    }

    async fn acquire_command(&self) -> bool {
        let _urgent = Urgent::register(&self.urgent);
        let mut waited = false;
        loop {
            if self.reserve_claimed.load(Ordering::Acquire) {
                waited = true;
                tokio::time::sleep(YIELD_RECHECK).await;
                continue;
            }
            match self.limiter.check() {
                Ok(()) => {
                    self.granted(Priority::Command, false);
                    return waited;
                }
                Err(not_until) => {
                    waited = true;
                    let wait = not_until.wait_time_from(self.clock.now());
                    debug!(
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "command waiting for the Cloud API rate limiter"
                    );
                    tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
                }
            }
        }
    }

    /// A background read due at `due`: it waits its turn in the queue, then for the limiter.
    async fn acquire_background(&self, due: Instant) -> bool {
        let notify = Arc::new(Notify::new());
        let key = (due, self.tickets.fetch_add(1, Ordering::Relaxed));
        self.lock().queue.insert(key, notify.clone());
        let _ticket = Ticket {
            scheduler: self,
            key,
        };
        let mut waited = false;
        loop {
            let (head, reserved) = {
                let state = self.lock();
                let head = state.queue.keys().next() == Some(&key);
                let reserved = state
                    .last_background
                    .is_none_or(|at| at.elapsed() >= self.reserve_every);
                (head, reserved)
            };
            if !head {
                waited = true;
                notify.notified().await;
                continue;
            }
            let commands_waiting = self.urgent.load(Ordering::Acquire) > 0;
            if commands_waiting && !reserved {
                waited = true;
                tokio::time::sleep(YIELD_RECHECK).await;
                continue;
            }
            // Owed the reserved permit while commands wait: claim it so they leave it.
            let _claim = (commands_waiting && reserved).then(|| Claim::new(&self.reserve_claimed));
            match self.limiter.check() {
                Ok(()) => {
                    self.granted(Priority::Background, commands_waiting);
                    return waited;
                }
                Err(not_until) => {
                    waited = true;
                    let wait = not_until.wait_time_from(self.clock.now());
                    // Without a claim, look again at least every YIELD_RECHECK while commands
                    // wait, so the reserved share is claimed as soon as it is due.
                    let wait = if commands_waiting && _claim.is_none() {
                        wait.min(YIELD_RECHECK)
                    } else {
                        wait
                    };
                    tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
                }
            }
        }
    }

    fn granted(&self, priority: Priority, over_commands: bool) {
        let now = Instant::now();
        let mut state = self.lock();
        if priority == Priority::Background {
            state.last_background = Some(now);
            self.background_total.fetch_add(1, Ordering::Relaxed);
            if over_commands {
                self.reserved_total.fetch_add(1, Ordering::Relaxed);
            }
        }
        state.granted.push_back((now, priority));
        prune(&mut state.granted, now, self.limit.per);
    }

    /// The budget in use over the last window.
    pub(super) fn budget_use(&self) -> BudgetUse {
        let now = Instant::now();
        let mut state = self.lock();
        prune(&mut state.granted, now, self.limit.per);
        let count = |p| {
            let n = state.granted.iter().filter(|(_, q)| *q == p).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        BudgetUse {
            requests: self.limit.requests,
            window: self.limit.per,
            commands: count(Priority::Command),
            background: count(Priority::Background),
            queued: state.queue.len(),
            background_total: self.background_total.load(Ordering::Relaxed),
            reserved_total: self.reserved_total.load(Ordering::Relaxed),
        }
    }
}

fn prune(granted: &mut VecDeque<(Instant, Priority)>, now: Instant, window: Duration) {
    while granted
        .front()
        .is_some_and(|(at, _)| now.duration_since(*at) >= window)
    {
        granted.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use super::*;

    fn budget() -> RateLimit {
        RateLimit::default()
    }

    /// Take the quota's burst so that the next permit is a steady one.
    async fn drain(s: &Scheduler) {
        while s.limiter.check().is_ok() {}
    }

    #[tokio::test(start_paused = true)]
    async fn background_reads_go_in_the_order_they_became_due() {
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        drain(&s).await;
        let order = Arc::new(StdMutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..6u32 {
            let (s, order) = (s.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                s.acquire(Priority::Background).await;
                order.lock().unwrap().push(i);
            }));
            // Each becomes due a little after the previous one.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for t in tasks {
            tokio::time::timeout(Duration::from_secs(60), t)
                .await
                .unwrap()
                .unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_watcher_starves_when_reads_outnumber_the_budget() {
        // 40 watchers, each reading again as soon as its read is granted: 4x the budget.
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        let grants = Arc::new(StdMutex::new(vec![Vec::<Instant>::new(); 40]));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..40 {
            let (s, grants) = (s.clone(), grants.clone());
            tasks.push(tokio::spawn(async move {
                while start.elapsed() < Duration::from_secs(300) {
                    s.acquire(Priority::Background).await;
                    grants.lock().unwrap()[w].push(Instant::now());
                }
            }));
        }
        for t in tasks {
            tokio::time::timeout(Duration::from_secs(400), t)
                .await
                .unwrap()
                .unwrap();
        }
        let grants = grants.lock().unwrap();
        // 8 permits per 10 s shared by 40: one round takes 50 s. Every watcher got one in
        // every round; none waited much more than a round between two reads.
        let round = s.round_for(40);
        assert_eq!(round, Duration::from_secs(50));
        for (w, g) in grants.iter().enumerate() {
            assert!(g.len() >= 5, "watcher {w} got {} reads in 300 s", g.len());
            let longest = g.windows(2).map(|p| p[1] - p[0]).max().unwrap_or_default();
            assert!(
                longest <= round + Duration::from_secs(2),
                "watcher {w} waited {longest:?} between two reads (round {round:?})"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_command_goes_before_every_queued_read() {
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        drain(&s).await;
        let mut reads = Vec::new();
        for _ in 0..50 {
            let s = s.clone();
            reads.push(tokio::spawn(async move {
                s.acquire(Priority::Background).await
            }));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        let asked = Instant::now();
        tokio::time::timeout(Duration::from_secs(10), s.acquire(Priority::Command))
            .await
            .unwrap();
        // The next steady permit (one every 1.25 s) is the command's, not a queued read's.
        assert!(
            asked.elapsed() <= Duration::from_millis(1250),
            "{:?}",
            asked.elapsed()
        );
        assert_eq!(s.budget_use().background, 0);
        for r in reads {
            r.abort();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_background_keeps_its_share_through_a_storm_of_commands() {
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        let start = Instant::now();
        let mut storm = Vec::new();
        for _ in 0..40 {
            let s = s.clone();
            storm.push(tokio::spawn(async move {
                while start.elapsed() < Duration::from_secs(60) {
                    s.acquire(Priority::Command).await;
                }
            }));
        }
        let mut reads = Vec::new();
        while start.elapsed() < Duration::from_secs(60) {
            tokio::time::timeout(Duration::from_secs(10), s.acquire(Priority::Background))
                .await
                .expect("a background read within its reserved share");
            reads.push(Instant::now());
        }
        // One read per 5 s (a fifth of 10 per 10 s), at most one steady permit late: the
        // commands leave the reserved permit to it instead of racing for it.
        assert!(reads.len() >= 11, "{} reads in 60 s", reads.len());
        let longest = reads.windows(2).map(|p| p[1] - p[0]).max().unwrap();
        assert!(
            longest <= s.reserve_every() + Duration::from_millis(1250 + 50),
            "{longest:?} between two background reads"
        );
        for t in storm {
            t.await.unwrap();
        }
        let used = s.budget_use();
        assert!(used.reserved_total >= 10, "{used:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_asked_one_lead_early_leaves_by_its_plan_through_a_storm_of_commands() {
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        let start = Instant::now();
        let storm_until = Duration::from_secs(150);
        let mut storm = Vec::new();
        for _ in 0..40 {
            let s = s.clone();
            storm.push(tokio::spawn(async move {
                while start.elapsed() < storm_until {
                    s.acquire(Priority::Command).await;
                }
            }));
        }
        // Reads planned 10.6 s apart (off the limiter's 1.25 s grid), every other one asked
        // at its plan, the others as early as the lead says at one period before it.
        let (mut late_at_plan, mut late_with_lead) = (Duration::ZERO, Duration::ZERO);
        for k in 1..=12u32 {
            let plan = start + Duration::from_millis(10_600) * k;
            let with_lead = k % 2 == 0;
            if with_lead {
                tokio::time::sleep_until(plan - s.steady_period()).await;
                tokio::time::sleep_until(plan - s.background_lead()).await;
            } else {
                tokio::time::sleep_until(plan).await;
            }
            tokio::time::timeout(Duration::from_secs(10), s.acquire(Priority::Background))
                .await
                .expect("the reserved share");
            let late = Instant::now().saturating_duration_since(plan);
            if with_lead {
                late_with_lead = late_with_lead.max(late);
            } else {
                late_at_plan = late_at_plan.max(late);
            }
        }
        // Asked at its plan, a read waits for the next permit; asked a lead early, it has
        // it by its plan.
        assert!(
            late_at_plan > Duration::from_millis(500),
            "{late_at_plan:?}"
        );
        assert_eq!(late_with_lead, Duration::ZERO);
        assert_eq!(s.background_lead(), s.steady_period());
        for t in storm {
            t.await.unwrap();
        }
        assert_eq!(s.background_lead(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_read_leaves_the_queue_and_wakes_the_next() {
        let s = Arc::new(Scheduler::new(budget()).unwrap());
        drain(&s).await;
        let first = {
            let s = s.clone();
            tokio::spawn(async move { s.acquire(Priority::Background).await })
        };
        tokio::time::sleep(Duration::from_millis(1)).await;
        let second = {
            let s = s.clone();
            tokio::spawn(async move { s.acquire(Priority::Background).await })
        };
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(s.budget_use().queued, 2);
        first.abort();
        tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.budget_use().queued, 0);
    }

    #[test]
    fn the_quota_never_exceeds_the_budget_in_a_window() {
        let (burst, period) = burst_and_period(budget());
        assert_eq!((burst, period), (2, Duration::from_millis(1250)));
        let one = RateLimit {
            requests: 1,
            per: Duration::from_secs(10),
        };
        assert_eq!(burst_and_period(one), (1, Duration::from_secs(10)));
    }
}
