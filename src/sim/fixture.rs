//! The simulated world's starting point, in TOML (`clickscale sim --print-fixture` prints the
//! default; `--fixture FILE` loads one).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cloud::model::{AutoscalingMode, PipeState, ServiceState};

pub const DEMO_ORG_ID: &str = "7a3c9a52-1b2d-4e5f-8a9b-0c1d2e3f4a5b";
pub const DEMO_ADMIN_KEY: &str = "demo-admin";
pub const DEMO_DEV_KEY: &str = "demo-dev";
pub const DEMO_SECRET: &str = "demo-secret";

/// Fixed ids so docs, configs and tests can name them.
pub mod ids {
    pub const ANALYTICS_PROD: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000001";
    pub const ANALYTICS_STAGING: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000002";
    pub const INGEST_CDC: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000003";
    pub const BASIC_DEV: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000004";
    pub const REPORTING_HIGHMEM: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000005";
    pub const ETL_IDLE: &str = "4f6b3f4e-8a8c-4d5e-9f00-000000000006";
    pub const PIPE_ORDERS: &str = "9c0d1e2f-3a4b-4c5d-8e6f-000000000001";
    pub const PIPE_EVENTS: &str = "9c0d1e2f-3a4b-4c5d-8e6f-000000000002";
    pub const PIPE_USERS: &str = "9c0d1e2f-3a4b-4c5d-8e6f-000000000003";
    pub const PIPE_CLICKS: &str = "9c0d1e2f-3a4b-4c5d-8e6f-000000000004";
    pub const PIPE_ETL: &str = "9c0d1e2f-3a4b-4c5d-8e6f-000000000005";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    pub organization: OrgFixture,
    pub keys: Vec<KeyFixture>,
    pub services: Vec<ServiceFixture>,
    #[serde(default)]
    pub pipes: Vec<PipeFixture>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFixture {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Full read/write.
    Admin,
    /// Read-only on services; no ClickPipes access.
    Developer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFixture {
    pub id: String,
    pub secret: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFixture {
    pub id: String,
    pub name: String,
    pub state: ServiceState,
    /// Deprecated in the API; `development` marks a Basic-tier, single-replica service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Paid organizations may go up to 356 GB per replica, others 120 GB.
    pub paid: bool,
    pub autoscaling_mode: AutoscalingMode,
    pub num_replicas: u32,
    pub min_replica_memory_gb: u32,
    pub max_replica_memory_gb: u32,
    pub idle_scaling: bool,
    pub idle_timeout_minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default)]
    pub is_primary: bool,
    /// CDC compute in cores; present once a DB ClickPipe exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdc_cores: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PipeSource {
    Postgres,
    Mysql,
    Mongodb,
    Bigquery,
    Kafka,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipeFixture {
    pub id: String,
    pub service_id: String,
    pub name: String,
    pub source: PipeSource,
    /// `cdc`, `snapshot` or `cdc_only` (DB pipes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_mode: Option<String>,
    /// The pipe's state from `at` (simulated time since start) on, in order.
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub state: PipeState,
    #[serde(with = "humantime_serde")]
    pub at: Duration,
}

impl Fixture {
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let f: Fixture = toml::from_str(text)?;
        for p in &f.pipes {
            anyhow::ensure!(
                f.services.iter().any(|s| s.id == p.service_id),
                "pipe {:?} names unknown service {}",
                p.name,
                p.service_id
            );
            anyhow::ensure!(!p.stages.is_empty(), "pipe {:?} has no stages", p.name);
        }
        Ok(f)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a fixture always serializes")
    }

    pub fn service_by_name(&self, name: &str) -> Option<&ServiceFixture> {
        self.services.iter().find(|s| s.name == name)
    }
}

fn stages(list: &[(PipeState, u64)]) -> Vec<Stage> {
    list.iter()
        .map(|(state, secs)| Stage {
            state: state.clone(),
            at: Duration::from_secs(*secs),
        })
        .collect()
}

fn service(id: &str, name: &str, replicas: u32, min: u32, max: u32) -> ServiceFixture {
    ServiceFixture {
        id: id.into(),
        name: name.into(),
        state: ServiceState::Running,
        tier: None,
        paid: true,
        autoscaling_mode: AutoscalingMode::Vertical,
        num_replicas: replicas,
        min_replica_memory_gb: min,
        max_replica_memory_gb: max,
        idle_scaling: false,
        idle_timeout_minutes: 15,
        profile: None,
        is_primary: false,
        cdc_cores: None,
    }
}

impl Default for Fixture {
    fn default() -> Self {
        use PipeState::*;
        let db_lifecycle = |snapshot_done: u64| {
            stages(&[
                (Provisioning, 0),
                (Setup, 20),
                (Snapshot, 60),
                (Running, snapshot_done),
            ])
        };
        Fixture {
            organization: OrgFixture {
                id: DEMO_ORG_ID.into(),
                name: "Demo organization".into(),
            },
            keys: vec![
                KeyFixture {
                    id: DEMO_ADMIN_KEY.into(),
                    secret: DEMO_SECRET.into(),
                    role: Role::Admin,
                },
                KeyFixture {
                    id: DEMO_DEV_KEY.into(),
                    secret: DEMO_SECRET.into(),
                    role: Role::Developer,
                },
            ],
            services: vec![
                service(ids::ANALYTICS_PROD, "analytics-prod", 3, 16, 64),
                ServiceFixture {
                    idle_scaling: true,
                    ..service(ids::ANALYTICS_STAGING, "analytics-staging", 2, 8, 32)
                },
                ServiceFixture {
                    cdc_cores: Some(2),
                    ..service(ids::INGEST_CDC, "ingest-cdc", 3, 16, 32)
                },
                ServiceFixture {
                    tier: Some("development".into()),
                    paid: false,
                    idle_scaling: true,
                    ..service(ids::BASIC_DEV, "basic-dev", 1, 8, 8)
                },
                ServiceFixture {
                    profile: Some("v1-highmem-s".into()),
                    ..service(ids::REPORTING_HIGHMEM, "reporting-highmem", 2, 64, 64)
                },
                ServiceFixture {
                    state: ServiceState::Idle,
                    idle_scaling: true,
                    idle_timeout_minutes: 5,
                    cdc_cores: Some(2),
                    ..service(ids::ETL_IDLE, "etl-idle", 2, 8, 16)
                },
            ],
            pipes: vec![
                PipeFixture {
                    id: ids::PIPE_ORDERS.into(),
                    service_id: ids::INGEST_CDC.into(),
                    name: "pg_orders".into(),
                    source: PipeSource::Postgres,
                    replication_mode: Some("cdc".into()),
                    stages: db_lifecycle(120),
                },
                PipeFixture {
                    id: ids::PIPE_EVENTS.into(),
                    service_id: ids::INGEST_CDC.into(),
                    name: "pg_events".into(),
                    source: PipeSource::Postgres,
                    replication_mode: Some("cdc".into()),
                    stages: db_lifecycle(300),
                },
                PipeFixture {
                    id: ids::PIPE_USERS.into(),
                    service_id: ids::INGEST_CDC.into(),
                    name: "mysql_users".into(),
                    source: PipeSource::Mysql,
                    replication_mode: Some("cdc_only".into()),
                    stages: stages(&[(Provisioning, 0), (Setup, 15), (Running, 40)]),
                },
                PipeFixture {
                    id: ids::PIPE_CLICKS.into(),
                    service_id: ids::ANALYTICS_PROD.into(),
                    name: "kafka_clicks".into(),
                    source: PipeSource::Kafka,
                    replication_mode: None,
                    stages: stages(&[(Provisioning, 0), (Running, 30)]),
                },
                PipeFixture {
                    id: ids::PIPE_ETL.into(),
                    service_id: ids::ETL_IDLE.into(),
                    name: "pg_etl".into(),
                    source: PipeSource::Postgres,
                    replication_mode: Some("cdc".into()),
                    stages: stages(&[(Running, 0)]),
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fixture_round_trips_through_toml() {
        let f = Fixture::default();
        let text = f.to_toml();
        assert_eq!(Fixture::from_toml(&text).unwrap(), f);
        assert!(text.contains("analytics-prod"));
    }

    #[test]
    fn a_pipe_on_an_unknown_service_is_refused() {
        let mut f = Fixture::default();
        f.pipes[0].service_id = "nope".into();
        let err = Fixture::from_toml(&f.to_toml()).unwrap_err().to_string();
        assert!(err.contains("unknown service nope"), "{err}");
    }
}
