//! Which settings a change sets, so that two changes on one service supersede each other only
//! when they overlap (`/idle` and `/replicas count:` do not; `count:4` then `count:1` do).

use std::{collections::BTreeSet, fmt};

use serde::{Deserialize, Serialize};

use super::Target;

/// One setting of the API that a PATCH sets, at the granularity of the request body (a CDC
/// PATCH sets cores and memory together, so they are one setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    CdcCompute,
    AutoscalingMode,
    NumReplicas,
    MinReplicas,
    MaxReplicas,
    MinReplicaMemory,
    MaxReplicaMemory,
    IdleScaling,
    IdleTimeout,
    /// The service's scaling schedule (every entry: a `POST` replaces the whole schedule).
    ScalingSchedule,
}

impl Setting {
    pub const ALL: [Setting; 10] = [
        Self::CdcCompute,
        Self::AutoscalingMode,
        Self::NumReplicas,
        Self::MinReplicas,
        Self::MaxReplicas,
        Self::MinReplicaMemory,
        Self::MaxReplicaMemory,
        Self::IdleScaling,
        Self::IdleTimeout,
        Self::ScalingSchedule,
    ];

    /// The name kept in the store.
    pub fn name(self) -> &'static str {
        match self {
            Self::CdcCompute => "cdc_compute",
            Self::AutoscalingMode => "autoscaling_mode",
            Self::NumReplicas => "num_replicas",
            Self::MinReplicas => "min_replicas",
            Self::MaxReplicas => "max_replicas",
            Self::MinReplicaMemory => "min_replica_memory",
            Self::MaxReplicaMemory => "max_replica_memory",
            Self::IdleScaling => "idle_scaling",
            Self::IdleTimeout => "idle_timeout",
            Self::ScalingSchedule => "scaling_schedule",
        }
    }
}

/// The settings one change sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings(BTreeSet<Setting>);

impl Settings {
    pub fn overlaps(&self, other: &Settings) -> bool {
        !self.0.is_disjoint(&other.0)
    }

    pub fn contains(&self, s: Setting) -> bool {
        self.0.contains(&s)
    }

    /// As kept in the store: names joined by commas.
    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Read back [`Settings::to_stored`]; unknown names (a newer version's) are kept out, which
    /// can only make an overlap look smaller, never invent one.
    pub fn from_stored(text: &str) -> Self {
        Self(
            text.split(',')
                .filter_map(|n| Setting::ALL.into_iter().find(|s| s.name() == n.trim()))
                .collect(),
        )
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_stored())
    }
}

impl FromIterator<Setting> for Settings {
    fn from_iter<I: IntoIterator<Item = Setting>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl Target {
    /// The settings this change sets.
    pub fn settings(&self) -> Settings {
        match self {
            Target::Cdc(_) => [Setting::CdcCompute].into_iter().collect(),
            Target::Schedule(_) => [Setting::ScalingSchedule].into_iter().collect(),
            Target::Service(p) => [
                (p.autoscaling_mode.is_some(), Setting::AutoscalingMode),
                (p.num_replicas.is_some(), Setting::NumReplicas),
                (p.min_replicas.is_some(), Setting::MinReplicas),
                (p.max_replicas.is_some(), Setting::MaxReplicas),
                (p.min_replica_memory_gb.is_some(), Setting::MinReplicaMemory),
                (p.max_replica_memory_gb.is_some(), Setting::MaxReplicaMemory),
                (p.idle_scaling.is_some(), Setting::IdleScaling),
                (p.idle_timeout_minutes.is_some(), Setting::IdleTimeout),
            ]
            .into_iter()
            .filter_map(|(set, s)| set.then_some(s))
            .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::model::{CdcScaling, ReplicaScalingPatch};

    #[test]
    fn idle_and_replica_count_do_not_overlap_but_two_counts_do() {
        let idle = Target::Service(ReplicaScalingPatch {
            idle_scaling: Some(false),
            ..Default::default()
        });
        let count = |n| {
            Target::Service(ReplicaScalingPatch {
                num_replicas: Some(n),
                ..Default::default()
            })
        };
        assert!(!idle.settings().overlaps(&count(2).settings()));
        assert!(count(4).settings().overlaps(&count(1).settings()));
        let cdc = Target::Cdc(CdcScaling::from_cores(3));
        assert!(!cdc.settings().overlaps(&count(2).settings()));
    }

    #[test]
    fn stored_form_round_trips_and_ignores_unknown_names() {
        let s: Settings = Setting::ALL.into_iter().collect();
        assert_eq!(Settings::from_stored(&s.to_stored()), s);
        assert_eq!(
            Settings::from_stored("num_replicas,warp_drive"),
            [Setting::NumReplicas].into_iter().collect()
        );
    }
}
