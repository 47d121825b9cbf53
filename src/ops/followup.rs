//! What happens once a change is confirmed: nothing, a scale-down reminder when the DB
//! ClickPipes have finished their initial load (`revert:after-snapshot`, the default for CDC
//! scale-ups), or a timed revert (`for:4h` / `revert:4h`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::request::CommandKind;
use crate::{
    cloud::model::ReplicaScalingPatch,
    scaling::{Current, Target},
};

/// Shortest and longest `for:` / `revert:` duration.
pub const MIN_REVERT_AFTER: Duration = Duration::from_secs(5 * 60);
pub const MAX_REVERT_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// The follow-up an operation carries, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FollowUp {
    #[default]
    None,
    /// Remind on-call to scale CDC back down once no DB ClickPipe is loading.
    AfterSnapshot,
    /// Restore the previous configuration this long after the change is confirmed.
    Timed {
        #[serde(with = "humantime_serde")]
        after: Duration,
    },
    /// Stay scaled up on purpose; the reason goes to the audit log.
    Never { reason: String },
    /// Not decided yet: the service was idle, so whether CDC scales up (which decides the
    /// default, and whether `after-snapshot` applies) is known only once it runs. The options
    /// were checked already as if it did; [`decide`] settles it after the wake.
    Undecided { input: RevertInput },
}

/// The `revert:`, `for:` and `reason:` options as the user typed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertInput {
    pub revert: Option<String>,
    pub for_: Option<String>,
    pub reason: Option<String>,
}

impl RevertInput {
    pub fn is_empty(&self) -> bool {
        self.revert.is_none() && self.for_.is_none() && self.reason.is_none()
    }
}

/// Why the revert options were refused; every message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpError {
    #[error("`revert:` takes `after-snapshot`, `never`, or a duration such as `4h` (5m to 7d); got `{0}`.")]
    BadRevert(String),
    #[error("`for:` takes a duration such as `30m`, `4h` or `2d` (5m to 7d); got `{0}`.")]
    BadDuration(String),
    #[error("Use either `revert:` or `for:`, not both (`for:4h` means the same as `revert:4h`).")]
    Both,
    #[error("`revert:never` needs `reason:` (it is recorded in the audit log), e.g. `reason:backfill runs all week`.")]
    NeverWithoutReason,
    #[error("`reason:` goes with `revert:never`; leave it out otherwise.")]
    ReasonWithoutNever,
    #[error("`revert:after-snapshot` only applies when CDC scales up; this change does not. Use `revert:<duration>` or leave it out.")]
    AfterSnapshotNotUp,
    #[error("/{0} does not take `revert:` or `for:`.")]
    NotSupported(CommandKind),
}

impl FollowUpError {
    /// The explanation in the user's language (`Display` is the English, for logs).
    pub fn user_message(&self, loc: crate::i18n::Locale) -> String {
        use crate::t;
        match self {
            Self::BadRevert(input) => t!(loc, "followup-bad-revert", input = input.as_str()),
            Self::BadDuration(input) => t!(loc, "followup-bad-duration", input = input.as_str()),
            Self::Both => t!(loc, "followup-both"),
            Self::NeverWithoutReason => t!(loc, "followup-never-without-reason"),
            Self::ReasonWithoutNever => t!(loc, "followup-reason-without-never"),
            Self::AfterSnapshotNotUp => t!(loc, "followup-after-snapshot-not-up"),
            Self::NotSupported(kind) => t!(loc, "followup-not-supported", command = kind.name()),
        }
    }
}

fn parse_span(text: &str) -> Option<Duration> {
    humantime::parse_duration(text.trim())
        .ok()
        .filter(|d| (MIN_REVERT_AFTER..=MAX_REVERT_AFTER).contains(d))
}

/// Decide the follow-up from the options and whether the change scales CDC up.
pub fn resolve(
    kind: CommandKind,
    input: &RevertInput,
    cdc_scales_up: bool,
) -> Result<FollowUp, FollowUpError> {
    if kind == CommandKind::Idle && !input.is_empty() {
        return Err(FollowUpError::NotSupported(kind));
    }
    if kind == CommandKind::Replicas && input.revert.is_some() {
        return Err(FollowUpError::NotSupported(kind));
    }
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let chosen = match (&input.revert, &input.for_) {
        (Some(_), Some(_)) => return Err(FollowUpError::Both),
        (None, Some(f)) => FollowUp::Timed {
            after: parse_span(f).ok_or_else(|| FollowUpError::BadDuration(f.clone()))?,
        },
        (Some(r), None) => match r.trim().to_ascii_lowercase().as_str() {
            "after-snapshot" | "after_snapshot" | "aftersnapshot" => {
                if !cdc_scales_up {
                    return Err(FollowUpError::AfterSnapshotNotUp);
                }
                FollowUp::AfterSnapshot
            }
            "never" => FollowUp::Never {
                reason: reason.ok_or(FollowUpError::NeverWithoutReason)?.to_owned(),
            },
            other => FollowUp::Timed {
                after: parse_span(other).ok_or_else(|| FollowUpError::BadRevert(r.clone()))?,
            },
        },
        (None, None) if kind == CommandKind::CdcScale && cdc_scales_up => FollowUp::AfterSnapshot,
        (None, None) => FollowUp::None,
    };
    if reason.is_some() && !matches!(chosen, FollowUp::Never { .. }) {
        return Err(FollowUpError::ReasonWithoutNever);
    }
    Ok(chosen)
}

/// The follow-up once the configuration is known: an [`FollowUp::Undecided`] one is resolved
/// against it; any other was decided already.
pub fn decide(
    kind: CommandKind,
    followup: &FollowUp,
    current: &Current,
    target: &Target,
) -> Result<FollowUp, FollowUpError> {
    match followup {
        FollowUp::Undecided { input } => resolve(kind, input, cdc_scales_up(current, target)),
        decided => Ok(decided.clone()),
    }
}

/// Whether a CDC change adds capacity.
pub fn cdc_scales_up(current: &Current, target: &Target) -> bool {
    match (current, target) {
        (Current::Cdc(c), Target::Cdc(t)) => t.replica_cpu_millicores > c.replica_cpu_millicores,
        _ => false,
    }
}

/// The change that puts back what `target` changed, as `before` had it. `None` when the
/// previous values are unknown (the API did not report them).
pub fn restore_target(target: &Target, before: &Current) -> Option<Target> {
    match (target, before) {
        (Target::Cdc(_), Current::Cdc(b)) => Some(Target::Cdc(*b)),
        (Target::Service(patch), Current::Service(b)) => {
            fn back<T: Copy>(set: Option<T>, was: Option<T>) -> Result<Option<T>, ()> {
                match (set, was) {
                    (None, _) => Ok(None),
                    (Some(_), Some(w)) => Ok(Some(w)),
                    (Some(_), None) => Err(()),
                }
            }
            // The API reports these as numbers; they are whole GB and minutes.
            let whole = |v: Option<f64>| v.map(|x| x.round() as u32);
            let restored = ReplicaScalingPatch {
                num_replicas: back(patch.num_replicas, b.num_replicas).ok()?,
                min_replica_memory_gb: back(
                    patch.min_replica_memory_gb,
                    whole(b.min_replica_memory_gb),
                )
                .ok()?,
                max_replica_memory_gb: back(
                    patch.max_replica_memory_gb,
                    whole(b.max_replica_memory_gb),
                )
                .ok()?,
                idle_scaling: back(patch.idle_scaling, b.idle_scaling).ok()?,
                idle_timeout_minutes: back(
                    patch.idle_timeout_minutes,
                    whole(b.idle_timeout_minutes),
                )
                .ok()?,
                ..ReplicaScalingPatch::default()
            };
            (!restored.is_empty()).then_some(Target::Service(restored))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::model::CdcScaling;

    fn input(revert: Option<&str>, for_: Option<&str>, reason: Option<&str>) -> RevertInput {
        RevertInput {
            revert: revert.map(Into::into),
            for_: for_.map(Into::into),
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn cdc_scale_up_defaults_to_after_snapshot_and_down_to_nothing() {
        let none = RevertInput::default();
        assert_eq!(
            resolve(CommandKind::CdcScale, &none, true),
            Ok(FollowUp::AfterSnapshot)
        );
        assert_eq!(
            resolve(CommandKind::CdcScale, &none, false),
            Ok(FollowUp::None)
        );
        assert_eq!(
            resolve(CommandKind::Replicas, &none, false),
            Ok(FollowUp::None)
        );
    }

    #[test]
    fn durations_never_and_their_errors() {
        let four_hours = FollowUp::Timed {
            after: Duration::from_secs(4 * 3600),
        };
        assert_eq!(
            resolve(CommandKind::CdcScale, &input(Some("4h"), None, None), true),
            Ok(four_hours.clone())
        );
        assert_eq!(
            resolve(CommandKind::Replicas, &input(None, Some("4h"), None), false),
            Ok(four_hours)
        );
        assert_eq!(
            resolve(
                CommandKind::CdcScale,
                &input(Some("never"), None, Some(" backfill ")),
                true
            ),
            Ok(FollowUp::Never {
                reason: "backfill".into()
            })
        );
        let err = |i: RevertInput, kind, up| resolve(kind, &i, up).unwrap_err();
        use CommandKind::*;
        assert_eq!(
            err(input(Some("never"), None, None), CdcScale, true),
            FollowUpError::NeverWithoutReason
        );
        assert_eq!(
            err(input(Some("never"), None, Some("  ")), CdcScale, true),
            FollowUpError::NeverWithoutReason
        );
        assert_eq!(
            err(input(Some("4h"), Some("2h"), None), CdcScale, true),
            FollowUpError::Both
        );
        assert_eq!(
            err(input(Some("soon"), None, None), CdcScale, true),
            FollowUpError::BadRevert("soon".into())
        );
        assert_eq!(
            err(input(None, Some("1m"), None), Replicas, false),
            FollowUpError::BadDuration("1m".into())
        );
        assert_eq!(
            err(input(None, Some("8d"), None), Replicas, false),
            FollowUpError::BadDuration("8d".into())
        );
        assert_eq!(
            err(input(Some("after-snapshot"), None, None), CdcScale, false),
            FollowUpError::AfterSnapshotNotUp
        );
        assert_eq!(
            err(input(None, Some("4h"), Some("why")), CdcScale, true),
            FollowUpError::ReasonWithoutNever
        );
        assert_eq!(
            err(input(None, Some("4h"), None), Idle, false),
            FollowUpError::NotSupported(Idle)
        );
        assert_eq!(
            err(input(Some("never"), None, Some("x")), Replicas, false),
            FollowUpError::NotSupported(Replicas)
        );
    }

    #[test]
    fn english_messages_are_the_display_text() {
        use crate::i18n::Locale;
        for e in [
            FollowUpError::BadRevert("soon".into()),
            FollowUpError::BadDuration("1m".into()),
            FollowUpError::Both,
            FollowUpError::NeverWithoutReason,
            FollowUpError::ReasonWithoutNever,
            FollowUpError::AfterSnapshotNotUp,
            FollowUpError::NotSupported(CommandKind::Idle),
        ] {
            assert_eq!(e.user_message(Locale::EnUs), e.to_string());
            assert_ne!(e.user_message(Locale::Ru), e.to_string());
        }
    }

    #[test]
    fn restore_puts_back_only_what_changed() {
        let before = Current::Cdc(CdcScaling::from_cores(2));
        assert_eq!(
            restore_target(&Target::Cdc(CdcScaling::from_cores(8)), &before),
            Some(Target::Cdc(CdcScaling::from_cores(2)))
        );
        let service: crate::cloud::model::Service = serde_json::from_value(serde_json::json!({
            "id": "s", "name": "n", "numReplicas": 3, "autoscalingMode": "vertical",
            "currentScaling": {},
            "minReplicaMemoryGb": 8, "maxReplicaMemoryGb": 64
        }))
        .unwrap();
        let before = Current::Service(Box::new(service));
        let patch = ReplicaScalingPatch {
            num_replicas: Some(6),
            ..Default::default()
        };
        assert_eq!(
            restore_target(&Target::Service(patch), &before),
            Some(Target::Service(ReplicaScalingPatch {
                num_replicas: Some(3),
                ..Default::default()
            }))
        );
        let idle = ReplicaScalingPatch {
            idle_scaling: Some(true),
            ..Default::default()
        };
        assert_eq!(
            restore_target(&Target::Service(idle), &before),
            None,
            "unknown previous value: nothing to restore"
        );
    }
}
