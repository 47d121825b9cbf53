//! Poll streams: one polling task per (service, resource), however many operations watch it.
//!
//! Every GET shares the API key's budget (10 requests / 10 s), so N operations watching the
//! same service must cost one GET per interval, not N. A stream starts with its first
//! subscriber and stops once the last one has gone.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use dashmap::DashMap;
use tokio::{sync::watch, time::Instant};

use super::request::Resource;
use crate::{
    cloud::{CloudClient, CloudError},
    scaling::Current,
};

/// One poll result, stamped with when the GET was sent so a watcher can ignore answers to
/// requests that left before its PATCH was accepted.
#[derive(Debug, Clone)]
pub struct Observation {
    pub sent_at: Instant,
    pub result: Result<Current, PollError>,
}

#[derive(Debug, Clone)]
pub struct PollError {
    /// Rendered by whoever reports it, in that reader's locale (shared: observations are cloned
    /// to every watcher of the stream).
    pub error: Arc<CloudError>,
    /// [`crate::cloud::CloudError::is_permanent`]: polling again will not help.
    pub permanent: bool,
}

type Key = (String, Resource);

#[derive(Debug)]
struct Stream {
    tx: watch::Sender<Option<Observation>>,
}

/// The set of live poll streams.
#[derive(Debug, Clone)]
pub struct Pollers {
    inner: Arc<PollersInner>,
}

#[derive(Debug)]
struct PollersInner {
    cloud: CloudClient,
    interval: Duration,
    streams: DashMap<Key, Stream>,
    polls: AtomicU64,
}

impl Pollers {
    pub fn new(cloud: CloudClient, interval: Duration) -> Self {
        Self {
            inner: Arc::new(PollersInner {
                cloud,
                interval,
                streams: DashMap::new(),
                polls: AtomicU64::new(0),
            }),
        }
    }

    /// Subscribe to a service's resource; starts its poll stream if none is running.
    pub fn subscribe(
        &self,
        service_id: &str,
        resource: Resource,
    ) -> watch::Receiver<Option<Observation>> {
        let key = (service_id.to_owned(), resource);
        let entry = self.inner.streams.entry(key.clone()).or_insert_with(|| {
            let (tx, _) = watch::channel(None);
            tokio::spawn(poll_loop(self.inner.clone(), key));
            Stream { tx }
        });
        entry.tx.subscribe()
    }

    /// Poll streams running now.
    pub fn active_streams(&self) -> usize {
        self.inner.streams.len()
    }

    /// GETs sent by all poll streams since start.
    pub fn polls_sent(&self) -> u64 {
        self.inner.polls.load(Ordering::Relaxed)
    }
}

async fn poll_loop(inner: Arc<PollersInner>, key: Key) {
    let (service_id, resource) = (&key.0, key.1);
    loop {
        // Stop once nobody listens. The check and the removal happen under the map's shard
        // lock, which `subscribe` also takes, so a new subscriber never joins a dead stream.
        if inner
            .streams
            .remove_if(&key, |_, s| s.tx.receiver_count() == 0)
            .is_some()
        {
            tracing::debug!(service = %service_id, ?resource, "poll stream stopped");
            return;
        }
        let sent_at = Instant::now();
        inner.polls.fetch_add(1, Ordering::Relaxed);
        let result = match resource {
            Resource::Cdc => inner
                .cloud
                .get_cdc_scaling(service_id)
                .await
                .map(Current::Cdc),
            Resource::Service => inner
                .cloud
                .get_service(service_id)
                .await
                .map(|s| Current::Service(Box::new(s))),
        }
        .map_err(|e| PollError {
            permanent: e.is_permanent(),
            error: Arc::new(e),
        });
        if let Some(stream) = inner.streams.get(&key) {
            stream
                .tx
                .send_replace(Some(Observation { sent_at, result }));
        }
        tokio::time::sleep(inner.interval).await;
    }
}
