//! Wire types of the ClickHouse Cloud API, named as in `openapi-subset.json`.
//!
//! Requests strict, responses tolerant (the rule the official `clickhouse-cloud-api` crate
//! follows too; README "Wire types" says why we keep our own):
//! - every response field is optional or defaulted, `required` in the spec or not, because
//!   several teams evolve the API and a field they drop must not take every command down;
//! - every enum is open: an unknown string is kept verbatim in `Other(..)` and serializes
//!   back unchanged (a catch-all named `Other`, because `ClickPipe.state` has a real
//!   `Unknown` value);
//! - counts decode from `3` and `3.0` alike (the spec types several of them `number`);
//! - unknown fields are ignored;
//! - in a listing, an entry that still fails to decode is skipped and counted
//!   ([`crate::cloud::Listing`]), never failing the whole list.
//!
//! Request bodies are typed exactly (the client refuses an `Other(..)` mode before sending).
//! The simulator serializes these same types, and a schema test checks its output
//! against the spec, so client and simulator cannot drift apart silently.

use serde::{Deserialize, Serialize};

/// `{status, requestId, result}` around every successful answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    /// The spec types it `number`: accept `200` and `200.0` alike.
    #[serde(default, deserialize_with = "lenient_status")]
    pub status: Option<u16>,
    #[serde(default)]
    pub request_id: Option<String>,
    pub result: T,
}

/// `{status, error, requestId}` on every failure. Field order varies in practice: parse by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default, deserialize_with = "lenient_status")]
    pub status: Option<u16>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
}

fn lenient_status<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(v.and_then(|v| v.as_f64()).map(|f| f as u16))
}

/// A JSON number that must be a whole, non-negative `u32` (`8` or `8.0`, not `8.5`).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(f64::deserialize(d)?)
}

/// [`whole_number`] for an optional field: absent and `null` are `None`.
fn opt_whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<f64>::deserialize(d)?.map(whole).transpose()
}

/// [`whole_number`] for a list (`weekdays`): absent and `null` are empty.
fn whole_numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    Option::<Vec<f64>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(whole)
        .collect()
}

fn whole<E: serde::de::Error>(f: f64) -> Result<u32, E> {
    if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) {
        Ok(f as u32)
    } else {
        Err(E::custom(format!("expected a whole number, got {f}")))
    }
}

/// `Organization` (`GET /v1/organizations` and `GET /v1/organizations/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// `Service`: only `autoscalingMode` and `currentScaling` are required by the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ServiceState>,
    /// Deprecated; absent for organizations on the current pricing plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Required by the spec; absent decodes as `Other("")` (shown as unknown, not re-sent).
    #[serde(default, skip_serializing_if = "AutoscalingMode::is_unset")]
    pub autoscaling_mode: AutoscalingMode,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub num_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scaling: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_warehouse_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_readonly: Option<bool>,
    /// `tags` (`ResourceTagsV1`): what the list's `filter=tag:Key=Value` matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<ResourceTag>,
    /// The service's schedule, when one is configured (Beta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_schedule: Option<ScalingSchedule>,
    /// Required by the spec; absent decodes as "nothing known" rather than failing.
    #[serde(default)]
    pub current_scaling: CurrentScaling,
}

/// `ResourceTagsV1`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTag {
    #[serde(default)]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What is applied now (may differ from the baseline while a schedule entry is active).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentScaling {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_autoscaling_mode: Option<AutoscalingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_min_replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_max_replica_memory_gb: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_min_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_idle_scaling: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_idle_timeout_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_entry_id: Option<String>,
}

/// `ScalingSchedule` (Beta): the entries, the configuration in force outside them, and the
/// entry in force now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingSchedule {
    #[serde(default)]
    pub entries: Vec<ScalingScheduleEntry>,
    #[serde(default)]
    pub base_config: ScalingScheduleBaseConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_entry_id: Option<String>,
}

/// `ScalingScheduleEntry`: one weekly window, hours in UTC (`end < start`: overnight).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingScheduleEntry {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// 0 = Sunday … 6 = Saturday.
    #[serde(default, deserialize_with = "whole_numbers")]
    pub weekdays: Vec<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_hour_utc: Option<u32>,
    /// Exclusive; 24 is midnight.
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_hour_utc: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling_mode: Option<AutoscalingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_memory_gb: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scaling: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub idle_timeout_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active_now: Option<bool>,
}

/// `ScalingScheduleBaseConfig`: what applies while no entry is active.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingScheduleBaseConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling_mode: Option<AutoscalingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_memory_gb: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_memory_gb: Option<f64>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub min_replicas: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scaling: Option<bool>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub idle_timeout_minutes: Option<u32>,
}

/// `ScalingSchedulePostRequest`: the whole schedule (a full replace); no entries clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingSchedulePost {
    pub entries: Vec<ScalingScheduleEntryRequest>,
}

/// `ScalingScheduleEntryRequest`: `name`, `weekdays` and the hours are required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingScheduleEntryRequest {
    pub name: String,
    pub weekdays: Vec<u8>,
    pub start_hour_utc: u8,
    pub end_hour_utc: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling_mode: Option<AutoscalingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_memory_gb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_memory_gb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scaling: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<u32>,
}

/// `ServiceReplicaScalingPatchRequest`: absolute values, send only what changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaScalingPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_memory_gb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_memory_gb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling_mode: Option<AutoscalingMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_scaling: Option<bool>,
    /// The request schema types it `number`; we always send a whole number of minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<u32>,
}

impl ReplicaScalingPatch {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `ClickPipesCdcScaling` as the bot uses it: the PATCH body, and a GET or PATCH result once
/// both values are known (see [`CdcScalingResponse`] for the tolerant wire form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CdcScaling {
    #[serde(deserialize_with = "whole_number")]
    pub replica_cpu_millicores: u32,
    /// The spec types it `number`: accept `8` and `8.0` alike (always a whole number of GB).
    #[serde(deserialize_with = "whole_number")]
    pub replica_memory_gb: u32,
}

impl CdcScaling {
    /// Memory is always 4 GB per core.
    pub fn from_cores(cores: u32) -> Self {
        Self {
            replica_cpu_millicores: cores * 1000,
            replica_memory_gb: cores * 4,
        }
    }

    pub fn cores(&self) -> u32 {
        self.replica_cpu_millicores / 1000
    }
}

/// `ClickPipesCdcScaling` as it arrives: both fields optional, counts from `8` or `8.0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CdcScalingResponse {
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub replica_cpu_millicores: Option<u32>,
    #[serde(
        default,
        deserialize_with = "opt_whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub replica_memory_gb: Option<u32>,
}

impl CdcScalingResponse {
    /// Both values, or the name of the first one missing.
    pub fn complete(self) -> Result<CdcScaling, &'static str> {
        match (self.replica_cpu_millicores, self.replica_memory_gb) {
            (Some(cpu), Some(mem)) => Ok(CdcScaling {
                replica_cpu_millicores: cpu,
                replica_memory_gb: mem,
            }),
            (None, _) => Err("replicaCpuMillicores"),
            (Some(_), None) => Err("replicaMemoryGb"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateCommand {
    Start,
    Stop,
    Awake,
}

/// `ServiceStatePatchRequest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatePatch {
    pub command: StateCommand,
}

/// Declares an open string enum: known values get variants, unknown ones are kept verbatim.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($variant,)+
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => Self::$variant,)+
                    _ => Self::Other(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_enum!(
    /// `autoscalingMode` (service, `currentScaling`, schedule entries; also request bodies,
    /// where the client refuses `Other(..)` before sending).
    AutoscalingMode {
        Vertical => "vertical",
        Horizontal => "horizontal",
    }
);

impl Default for AutoscalingMode {
    /// What an absent (spec: required) `autoscalingMode` decodes to: unknown, not guessed.
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl AutoscalingMode {
    /// Absent from the answer (see [`Default`]); not serialized back.
    pub fn is_unset(&self) -> bool {
        matches!(self, Self::Other(s) if s.is_empty())
    }

    /// One of the values the spec lists (and so one the client may send).
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

open_enum!(
    /// `Service.state`.
    ServiceState {
        Starting => "starting",
        Stopping => "stopping",
        Terminating => "terminating",
        Softdeleting => "softdeleting",
        Awaking => "awaking",
        PartiallyRunning => "partially_running",
        Provisioning => "provisioning",
        Running => "running",
        Stopped => "stopped",
        Terminated => "terminated",
        Softdeleted => "softdeleted",
        Degraded => "degraded",
        Failed => "failed",
        Idle => "idle",
    }
);

open_enum!(
    /// `ClickPipe.state` (TitleCase on the wire).
    PipeState {
        Unknown => "Unknown",
        Provisioning => "Provisioning",
        Running => "Running",
        Degraded => "Degraded",
        Stopping => "Stopping",
        Stopped => "Stopped",
        Failed => "Failed",
        Completed => "Completed",
        InternalError => "InternalError",
        Setup => "Setup",
        Snapshot => "Snapshot",
        Paused => "Paused",
        Pausing => "Pausing",
        Modifying => "Modifying",
        Resync => "Resync",
    }
);

impl PipeState {
    /// Initial load or resync work in progress: the CDC pool must stay scaled up.
    pub fn is_loading(&self) -> bool {
        matches!(
            self,
            Self::Provisioning | Self::Setup | Self::Snapshot | Self::Resync
        )
    }

    /// States a human should look at before anything scales down automatically.
    pub fn needs_attention(&self) -> bool {
        matches!(
            self,
            Self::Failed | Self::InternalError | Self::Degraded | Self::Unknown | Self::Other(_)
        )
    }
}

/// `ClickPipe`, reduced to what scaling decisions need; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClickPipe {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PipeState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ClickPipeSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// Exactly one member is set; the others may be absent or `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClickPipeSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_storage: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pubsub: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<DbSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<DbSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bigquery: Option<DbSource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mongodb: Option<DbSource>,
}

/// The parts of a database source that matter here; host, tables etc. are ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<DbSourceSettings>,
    /// Connection details (host, port, tables…): kept verbatim, never interpreted.
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DbSourceSettings {
    /// `cdc` (snapshot then CDC), `snapshot` (one-off) or `cdc_only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_mode: Option<String>,
}

impl ClickPipe {
    /// DB ClickPipes share the service's CDC compute pool; streaming pipes do not.
    pub fn is_db_pipe(&self) -> bool {
        self.source.as_ref().is_some_and(|s| {
            s.postgres.is_some() || s.mysql.is_some() || s.bigquery.is_some() || s.mongodb.is_some()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_parses_by_name_in_any_order_and_float_status() {
        let b: ErrorBody = serde_json::from_str(
            r#"{"requestId":"r-1","error":"FAILED_DEPENDENCY: idle","status":424.0}"#,
        )
        .unwrap();
        assert_eq!(b.status, Some(424));
        assert_eq!(b.request_id.as_deref(), Some("r-1"));
    }

    #[test]
    fn cdc_memory_accepts_whole_floats_only() {
        let c: CdcScaling =
            serde_json::from_str(r#"{"replicaCpuMillicores":2000,"replicaMemoryGb":8.0}"#).unwrap();
        assert_eq!(c, CdcScaling::from_cores(2));
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"replicaCpuMillicores":2000,"replicaMemoryGb":8}"#
        );
        assert!(serde_json::from_str::<CdcScaling>(
            r#"{"replicaCpuMillicores":2000,"replicaMemoryGb":8.5}"#
        )
        .is_err());
    }

    #[test]
    fn unknown_states_are_kept() {
        let s: PipeState = serde_json::from_str(r#""Hibernating""#).unwrap();
        assert_eq!(s, PipeState::Other("Hibernating".into()));
        assert!(s.needs_attention());
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""Hibernating""#);
        let s: ServiceState = serde_json::from_str(r#""partially_running""#).unwrap();
        assert_eq!(s, ServiceState::PartiallyRunning);
    }

    #[test]
    fn db_pipe_detection_ignores_null_members() {
        let p: ClickPipe = serde_json::from_str(
            r#"{"id":"p","name":"k","state":"Running","source":{"kafka":{"topics":"t"},"postgres":null}}"#,
        )
        .unwrap();
        assert!(!p.is_db_pipe());
        let p: ClickPipe = serde_json::from_str(
            r#"{"id":"p","name":"pg","state":"Snapshot","source":{"postgres":{"host":"h","settings":{"replicationMode":"cdc"}},"kafka":null}}"#,
        )
        .unwrap();
        assert!(p.is_db_pipe());
        assert!(p.state.unwrap().is_loading());
    }
}
