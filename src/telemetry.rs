//! Prometheus metrics of the process, served at `/metrics` by [`crate::http`].
//!
//! The engine records what it alone knows (operations by command and outcome, time to
//! confirm, operations in flight); the store's reminder count is set from outside. The Cloud
//! API counters already live in [`CloudClient`](crate::cloud::CloudClient) as [`ClientStats`];
//! they are turned into metric samples at scrape time instead of being counted twice.
//!
//! [`Metrics::render`] writes the OpenMetrics text format ([`CONTENT_TYPE`]), which Prometheus
//! scrapes natively.

use std::time::Duration;

use prometheus_client::{
    collector::Collector,
    encoding::{text, DescriptorEncoder, EncodeLabelSet, EncodeMetric},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::ConstGauge,
        gauge::Gauge,
        histogram::Histogram,
        MetricType,
    },
    registry::{Registry, Unit},
};

use crate::cloud::ClientStats;

/// Content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the time-to-confirm buckets, in seconds: replica / idle changes show up
/// within seconds to a couple of minutes, CDC changes in 3-5 minutes, and the default watch
/// deadline is 20 minutes, so the buckets run from 5 s to 30 min, densest around 1-10 min.
pub const TIME_TO_CONFIRM_BUCKETS: [f64; 14] = [
    5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 240.0, 300.0, 420.0, 600.0, 900.0, 1200.0, 1800.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    command: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabels {
    command: String,
}

fn time_to_confirm_histogram() -> Histogram {
    Histogram::new(TIME_TO_CONFIRM_BUCKETS)
}

/// The process's metric families. Shared behind an `Arc`; every method takes `&self`.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    operations: Family<OperationLabels, Counter>,
    time_to_confirm: Family<CommandLabels, Histogram, fn() -> Histogram>,
    reminders_pending: Gauge,
    in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let operations = Family::<OperationLabels, Counter>::default();
        let time_to_confirm = Family::new_with_constructor(time_to_confirm_histogram as fn() -> _);
        let reminders_pending = Gauge::default();
        let in_flight = Gauge::default();
        let mut registry = Registry::default();
        // OpenMetrics appends `_total` to counters and the unit to the name.
        registry.register(
            "clickscale_operations",
            "Operations settled, by command and outcome",
            operations.clone(),
        );
        registry.register_with_unit(
            "clickscale_time_to_confirm",
            "Time from the API accepting a change to polling seeing it, for confirmed operations",
            Unit::Seconds,
            time_to_confirm.clone(),
        );
        registry.register(
            "clickscale_operations_in_flight",
            "Operations launched and not yet settled",
            in_flight.clone(),
        );
        registry.register(
            "clickscale_reminders_pending",
            "Reminders stored and not yet done",
            reminders_pending.clone(),
        );
        Self {
            registry,
            operations,
            time_to_confirm,
            reminders_pending,
            in_flight,
        }
    }
}

impl Metrics {
    /// Count a settled operation; `confirmed_after` (time from the API's acceptance to the
    /// confirmation) feeds the time-to-confirm histogram.
    pub fn operation_settled(
        &self,
        command: &str,
        outcome: &str,
        confirmed_after: Option<Duration>,
    ) {
        self.operations
            .get_or_create(&OperationLabels {
                command: command.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        if let Some(took) = confirmed_after {
            self.time_to_confirm
                .get_or_create(&CommandLabels {
                    command: command.to_owned(),
                })
                .observe(took.as_secs_f64());
        }
    }

    pub fn set_reminders_pending(&self, n: i64) {
        self.reminders_pending.set(n);
    }

    pub fn set_in_flight(&self, n: i64) {
        self.in_flight.set(n);
    }

    /// The whole exposition: this registry, then the Cloud API counters of `cloud`.
    pub fn render(&self, cloud: &ClientStats) -> String {
        let mut cloud_registry = Registry::default();
        cloud_registry.register_collector(Box::new(CloudCollector(cloud.clone())));
        let mut out = String::new();
        // Writing into a String cannot fail, and the encoder fails only when its writer does.
        text::encode_registry(&mut out, &self.registry).expect("encoding into a String");
        text::encode_registry(&mut out, &cloud_registry).expect("encoding into a String");
        text::encode_eof(&mut out).expect("encoding into a String");
        out
    }
}

/// One scrape's snapshot of the Cloud API client's counters, encoded as constant metrics.
#[derive(Debug)]
struct CloudCollector(ClientStats);

impl Collector for CloudCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let stats = &self.0;
        let mut by_status: Vec<(String, u64)> = stats
            .by_status
            .iter()
            .map(|(status, n)| (status.to_string(), *n))
            .collect();
        // Always present, so alert rules on them work before the first failure.
        by_status.push(("timeout".into(), stats.timeouts));
        by_status.push(("connect_error".into(), stats.connect_errors));
        let mut family = encoder.encode_descriptor(
            "clickscale_cloud_api_requests",
            "Cloud API HTTP attempts (retries included), by HTTP status, or timeout / connect_error when no answer came.",
            None,
            MetricType::Counter,
        )?;
        for (status, n) in &by_status {
            let labels = [("status", status.as_str())];
            ConstCounter::new(*n).encode(family.encode_family(&labels)?)?;
        }

        for (name, help, value) in [
            (
                "clickscale_cloud_api_retries",
                "Cloud API attempts that repeated a failed one.",
                stats.retries,
            ),
            (
                "clickscale_rate_limiter_waits",
                "Cloud API attempts that had to wait for the client-side rate limiter.",
                stats.limiter_waits,
            ),
            (
                "clickscale_cloud_background_reads",
                "Background reads (polls, reminder checks, readiness probes) granted a permit by the key's scheduler.",
                stats.budget.background_total,
            ),
            (
                "clickscale_cloud_background_reserved",
                "Background reads granted from the background's reserved share while commands were waiting.",
                stats.budget.reserved_total,
            ),
        ] {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(
                name,
                help,
                None,
                counter.metric_type(),
            )?)?;
        }

        // The budget in use: what the key allows, and what the last window of it went to.
        let budget = &stats.budget;
        for (name, help, value) in [
            (
                "clickscale_cloud_budget_requests",
                "The API key's budget: requests allowed per window (clickscale_cloud_budget_window_seconds).",
                f64::from(budget.requests),
            ),
            (
                "clickscale_cloud_budget_window_seconds",
                "The API key's budget window.",
                budget.window.as_secs_f64(),
            ),
            (
                "clickscale_cloud_background_queue",
                "Background reads waiting for a permit now.",
                budget.queued as f64,
            ),
        ] {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        let mut family = encoder.encode_descriptor(
            "clickscale_cloud_budget_used",
            "Permits granted in the last budget window, by priority (command or background).",
            None,
            MetricType::Gauge,
        )?;
        for (priority, n) in [
            (crate::cloud::Priority::Command, budget.commands),
            (crate::cloud::Priority::Background, budget.background),
        ] {
            let labels = [("priority", priority.label())];
            ConstGauge::new(f64::from(n)).encode(family.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample lines (no comments) of an exposition.
    fn samples(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn empty_metrics_render_gauges_cloud_counters_and_eof() {
        let m = Metrics::default();
        let out = m.render(&ClientStats::default());
        assert!(out.ends_with("# EOF\n"), "{out}");
        assert_eq!(out.matches("# EOF").count(), 1, "{out}");
        let s = samples(&out);
        for line in [
            "clickscale_operations_in_flight 0",
            "clickscale_reminders_pending 0",
            "clickscale_cloud_api_requests_total{status=\"timeout\"} 0",
            "clickscale_cloud_api_requests_total{status=\"connect_error\"} 0",
            "clickscale_cloud_api_retries_total 0",
            "clickscale_rate_limiter_waits_total 0",
        ] {
            assert!(s.contains(&line), "missing {line:?} in\n{out}");
        }
        // Labelled families show up with their first sample.
        assert!(!out.contains("clickscale_operations_total"), "{out}");
        assert!(!out.contains("TYPE clickscale_operations counter"), "{out}");
        assert!(!out.contains("clickscale_time_to_confirm"), "{out}");
    }

    #[test]
    fn settled_operations_are_counted_by_command_and_outcome() {
        let m = Metrics::default();
        m.operation_settled("cdc-scale", "confirmed", Some(Duration::from_secs(200)));
        m.operation_settled("cdc-scale", "confirmed", Some(Duration::from_secs(3)));
        m.operation_settled("replicas", "failed", None);
        m.set_in_flight(2);
        m.set_reminders_pending(5);
        let out = m.render(&ClientStats::default());
        let s = samples(&out);
        for line in [
            "clickscale_operations_total{command=\"cdc-scale\",outcome=\"confirmed\"} 2",
            "clickscale_operations_total{command=\"replicas\",outcome=\"failed\"} 1",
            "clickscale_operations_in_flight 2",
            "clickscale_reminders_pending 5",
            "clickscale_time_to_confirm_seconds_count{command=\"cdc-scale\"} 2",
            "clickscale_time_to_confirm_seconds_sum{command=\"cdc-scale\"} 203.0",
            // 3 s falls in the first bucket, 200 s only from the 240 s bucket on.
            "clickscale_time_to_confirm_seconds_bucket{le=\"5.0\",command=\"cdc-scale\"} 1",
            "clickscale_time_to_confirm_seconds_bucket{le=\"180.0\",command=\"cdc-scale\"} 1",
            "clickscale_time_to_confirm_seconds_bucket{le=\"240.0\",command=\"cdc-scale\"} 2",
            "clickscale_time_to_confirm_seconds_bucket{le=\"+Inf\",command=\"cdc-scale\"} 2",
        ] {
            assert!(s.contains(&line), "missing {line:?} in\n{out}");
        }
        // A failure has no time to confirm.
        assert!(
            !out.contains("clickscale_time_to_confirm_seconds_count{command=\"replicas\"}"),
            "{out}"
        );
    }

    #[test]
    fn cloud_counters_come_from_the_client_stats() {
        let m = Metrics::default();
        let stats = ClientStats {
            requests: 9,
            by_status: [(200, 5), (429, 2)].into_iter().collect(),
            timeouts: 1,
            connect_errors: 1,
            retries: 3,
            limiter_waits: 4,
            budget: crate::cloud::BudgetUse {
                requests: 10,
                window: Duration::from_secs(10),
                commands: 2,
                background: 7,
                queued: 12,
                background_total: 40,
                reserved_total: 3,
            },
        };
        let out = m.render(&stats);
        let s = samples(&out);
        for line in [
            "clickscale_cloud_api_requests_total{status=\"200\"} 5",
            "clickscale_cloud_api_requests_total{status=\"429\"} 2",
            "clickscale_cloud_api_requests_total{status=\"timeout\"} 1",
            "clickscale_cloud_api_requests_total{status=\"connect_error\"} 1",
            "clickscale_cloud_api_retries_total 3",
            "clickscale_rate_limiter_waits_total 4",
            "clickscale_cloud_budget_requests 10.0",
            "clickscale_cloud_budget_window_seconds 10.0",
            "clickscale_cloud_budget_used{priority=\"command\"} 2.0",
            "clickscale_cloud_budget_used{priority=\"background\"} 7.0",
            "clickscale_cloud_background_queue 12.0",
            "clickscale_cloud_background_reads_total 40",
            "clickscale_cloud_background_reserved_total 3",
        ] {
            assert!(s.contains(&line), "missing {line:?} in\n{out}");
        }
        // The snapshot is taken per render: nothing is accumulated between scrapes.
        let again = m.render(&stats);
        assert_eq!(out, again);
    }
}
