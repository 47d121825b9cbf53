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
    /// Warehouses (compute-compute separation): ingest-cdc writes the production data and is
    /// the warehouse's primary; analytics-prod and reporting-highmem read the same data.
    pub const WAREHOUSE_PROD: &str = "b7e1d2c3-5a6f-4b8c-9d0e-00000000000a";
    pub const WAREHOUSE_STAGING: &str = "b7e1d2c3-5a6f-4b8c-9d0e-00000000000b";
    pub const WAREHOUSE_DEV: &str = "b7e1d2c3-5a6f-4b8c-9d0e-00000000000c";
    pub const WAREHOUSE_ETL: &str = "b7e1d2c3-5a6f-4b8c-9d0e-00000000000d";
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
    /// The org has the horizontal autoscaling entitlement (without it, the API refuses
    /// `autoscalingMode: horizontal` and a min/max replica band). Absent: false, as for most orgs.
    #[serde(default)]
    pub horizontal_autoscaling: bool,
    /// The org has the scheduled scaling (`scalingSchedule`, Private Preview) feature.
    #[serde(default)]
    pub scheduled_scaling: bool,
    /// Per-service replica ceiling: 20 (the docs) unless support raised it (the spec: 50).
    #[serde(default = "default_replicas_max")]
    pub replicas_max: u32,
}

fn default_replicas_max() -> u32 {
    20
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
    /// Vertical: the fixed count. Horizontal: both bounds unless `min_replicas` / `max_replicas`.
    pub num_replicas: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    pub min_replica_memory_gb: u32,
    pub max_replica_memory_gb: u32,
    pub idle_scaling: bool,
    pub idle_timeout_minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Services sharing a warehouse share its data; exactly one of them is its primary.
    /// Absent: the service is alone in its own warehouse, and so its primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_warehouse_id: Option<String>,
    /// Only read when `data_warehouse_id` is set.
    #[serde(default)]
    pub is_primary: bool,
    /// `tags`, matched by the service list's `filter=tag:Key=Value` / `filter=tag:Key`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagFixture>,
    /// CDC compute in cores; present once a DB ClickPipe exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdc_cores: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagFixture {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl ServiceFixture {
    /// The warehouse the service belongs to (its own one when none is named).
    pub fn warehouse(&self) -> String {
        self.data_warehouse_id
            .clone()
            .unwrap_or_else(|| format!("dw-{}", self.id))
    }

    /// The primary of its warehouse (alone in its own warehouse: yes).
    pub fn primary(&self) -> bool {
        self.data_warehouse_id.is_none() || self.is_primary
    }
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
        // Path ids are UUIDs in the spec: the simulator answers 400 for any other, so a
        // non-UUID id in the fixture would name a service nobody can reach.
        let uuid = |what: &str, id: &str| {
            anyhow::ensure!(
                uuid::Uuid::parse_str(id).is_ok(),
                "{what} id {id:?} is not a UUID"
            );
            Ok(())
        };
        uuid("organization", &f.organization.id)?;
        anyhow::ensure!(
            (1..=50).contains(&f.organization.replicas_max),
            "organization replicas_max must be from 1 to 50 (the spec's maximum)"
        );
        for s in &f.services {
            uuid("service", &s.id)?;
            anyhow::ensure!(
                s.autoscaling_mode.is_known(),
                "service {:?}: autoscaling_mode must be vertical or horizontal, not {:?}",
                s.name,
                s.autoscaling_mode.as_str()
            );
            if let Some(w) = &s.data_warehouse_id {
                let primaries = f
                    .services
                    .iter()
                    .filter(|o| o.data_warehouse_id.as_ref() == Some(w) && o.is_primary)
                    .count();
                anyhow::ensure!(
                    primaries == 1,
                    "warehouse {w} has {primaries} primary services; it needs exactly one"
                );
            }
        }
        for p in &f.pipes {
            uuid("ClickPipe", &p.id)?;
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
        min_replicas: None,
        max_replicas: None,
        min_replica_memory_gb: min,
        max_replica_memory_gb: max,
        idle_scaling: false,
        idle_timeout_minutes: 15,
        profile: None,
        data_warehouse_id: None,
        is_primary: false,
        tags: Vec::new(),
        cdc_cores: None,
    }
}

fn in_warehouse(s: ServiceFixture, warehouse: &str, primary: bool) -> ServiceFixture {
    ServiceFixture {
        data_warehouse_id: Some(warehouse.into()),
        is_primary: primary,
        ..s
    }
}

fn tag(key: &str, value: Option<&str>) -> TagFixture {
    TagFixture {
        key: key.into(),
        value: value.map(Into::into),
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
                // On, so `console --sim` can show both; tests turn them off for the refusals.
                horizontal_autoscaling: true,
                scheduled_scaling: true,
                replicas_max: default_replicas_max(),
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
                in_warehouse(
                    ServiceFixture {
                        tags: vec![
                            tag("Environment", Some("Production")),
                            tag("Team", Some("analytics")),
                        ],
                        ..service(ids::ANALYTICS_PROD, "analytics-prod", 3, 16, 64)
                    },
                    ids::WAREHOUSE_PROD,
                    false,
                ),
                in_warehouse(
                    ServiceFixture {
                        idle_scaling: true,
                        tags: vec![
                            tag("Environment", Some("Staging")),
                            tag("Team", Some("analytics")),
                        ],
                        ..service(ids::ANALYTICS_STAGING, "analytics-staging", 2, 8, 32)
                    },
                    ids::WAREHOUSE_STAGING,
                    true,
                ),
                in_warehouse(
                    ServiceFixture {
                        cdc_cores: Some(2),
                        tags: vec![tag("Environment", Some("Production")), tag("cdc", None)],
                        ..service(ids::INGEST_CDC, "ingest-cdc", 3, 16, 32)
                    },
                    ids::WAREHOUSE_PROD,
                    true,
                ),
                in_warehouse(
                    ServiceFixture {
                        tier: Some("development".into()),
                        paid: false,
                        idle_scaling: true,
                        ..service(ids::BASIC_DEV, "basic-dev", 1, 8, 8)
                    },
                    ids::WAREHOUSE_DEV,
                    true,
                ),
                in_warehouse(
                    ServiceFixture {
                        profile: Some("v1-highmem-s".into()),
                        ..service(ids::REPORTING_HIGHMEM, "reporting-highmem", 2, 64, 64)
                    },
                    ids::WAREHOUSE_PROD,
                    false,
                ),
                in_warehouse(
                    ServiceFixture {
                        state: ServiceState::Idle,
                        idle_scaling: true,
                        idle_timeout_minutes: 5,
                        cdc_cores: Some(2),
                        ..service(ids::ETL_IDLE, "etl-idle", 2, 8, 16)
                    },
                    ids::WAREHOUSE_ETL,
                    true,
                ),
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
    fn warehouses_are_distinct_with_one_primary_each_and_ids_must_be_uuids() {
        let f = Fixture::default();
        let mut warehouses: Vec<String> = f.services.iter().map(|s| s.warehouse()).collect();
        warehouses.sort();
        warehouses.dedup();
        assert_eq!(warehouses.len(), 4);
        for w in &warehouses {
            let primaries = f
                .services
                .iter()
                .filter(|s| &s.warehouse() == w && s.primary())
                .count();
            assert_eq!(primaries, 1, "{w}");
        }
        let mut two = f.clone();
        assert_eq!(two.services[0].name, "analytics-prod");
        two.services[0].is_primary = true;
        let err = Fixture::from_toml(&two.to_toml()).unwrap_err().to_string();
        assert!(err.contains("has 2 primary services"), "{err}");
        let mut bad = f.clone();
        bad.services[0].id = "prod".into();
        bad.pipes.retain(|p| p.service_id != ids::ANALYTICS_PROD);
        let err = Fixture::from_toml(&bad.to_toml()).unwrap_err().to_string();
        assert!(err.contains("service id \"prod\" is not a UUID"), "{err}");
    }

    #[test]
    fn a_pipe_on_an_unknown_service_is_refused() {
        let mut f = Fixture::default();
        f.pipes[0].service_id = "nope".into();
        let err = Fixture::from_toml(&f.to_toml()).unwrap_err().to_string();
        assert!(err.contains("unknown service nope"), "{err}");
    }
}
