//! The simulated organization: services, DB ClickPipes and their clocks.
//!
//! Changes are accepted at once and take effect later, as in the real API: every PATCH sets
//! a pending target (merged onto any earlier pending one, so overlapping requests converge on
//! the last) and restarts its timer; reads show the applied configuration until it is due.
//! The rules here are written independently of `crate::scaling` on purpose, so tests of the
//! bot's rules against the simulator compare two implementations, not one with itself.

use std::time::Duration;

use serde_json::{Map, Value};
use tokio::time::Instant;

use super::{
    fixture::{Fixture, PipeFixture, PipeSource, ServiceFixture},
    SimConfig,
};
use crate::cloud::model::{
    AutoscalingMode, CdcScaling, ClickPipe, ClickPipeSource, CurrentScaling, DbSource,
    DbSourceSettings, PipeState, Service, ServiceState, StateCommand,
};

/// An API-shaped failure: status and the `error` string (`CODE: message`).
#[derive(Debug, Clone, PartialEq)]
pub struct SimError {
    pub status: u16,
    pub error: String,
}

impl SimError {
    pub fn new(status: u16, error: impl Into<String>) -> Self {
        Self {
            status,
            error: error.into(),
        }
    }

    fn bad_request(field: &str, reason: &str, value: &Value) -> Self {
        Self::new(
            400,
            format!(
                "BAD_REQUEST: request body.{field}: {reason} <{}:{value}>",
                type_name(value)
            ),
        )
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Debug)]
struct SimService {
    fixture: ServiceFixture,
    applied: Config,
    pending: Option<(Instant, Config)>,
    state: ServiceState,
    /// A state change in progress (awaking -> running, stopping -> stopped…).
    transition: Option<(Instant, ServiceState)>,
    cdc: Option<CdcScaling>,
    cdc_pending: Option<(Instant, CdcScaling)>,
}

/// The scaling knobs of a service.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Config {
    num_replicas: u32,
    min_memory: u32,
    max_memory: u32,
    idle_scaling: bool,
    idle_timeout: u32,
}

#[derive(Debug)]
struct SimPipe {
    fixture: PipeFixture,
    /// Set by tests (e.g. back to Snapshot for a resync); wins over the schedule.
    forced: Option<PipeState>,
}

#[derive(Debug)]
pub struct World {
    pub fixture: Fixture,
    config: SimConfig,
    started: Instant,
    services: Vec<SimService>,
    pipes: Vec<SimPipe>,
}

impl World {
    pub fn new(fixture: Fixture, config: SimConfig) -> Self {
        let services = fixture
            .services
            .iter()
            .map(|s| SimService {
                applied: Config {
                    num_replicas: s.num_replicas,
                    min_memory: s.min_replica_memory_gb,
                    max_memory: s.max_replica_memory_gb,
                    idle_scaling: s.idle_scaling,
                    idle_timeout: s.idle_timeout_minutes,
                },
                pending: None,
                state: s.state.clone(),
                transition: None,
                cdc: s.cdc_cores.map(CdcScaling::from_cores),
                cdc_pending: None,
                fixture: s.clone(),
            })
            .collect();
        let pipes = fixture
            .pipes
            .iter()
            .map(|p| SimPipe {
                fixture: p.clone(),
                forced: None,
            })
            .collect();
        Self {
            fixture,
            config,
            started: Instant::now(),
            services,
            pipes,
        }
    }

    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut SimConfig {
        &mut self.config
    }

    /// A simulated duration, in real time.
    fn real(&self, simulated: Duration) -> Duration {
        simulated.div_f64(self.config.time_scale.max(f64::MIN_POSITIVE))
    }

    /// Apply everything that has come due.
    fn tick(&mut self) {
        let now = Instant::now();
        for s in &mut self.services {
            if let Some((due, target)) = s.pending {
                if due <= now {
                    s.applied = target;
                    s.pending = None;
                }
            }
            if let Some((due, target)) = s.cdc_pending {
                if due <= now {
                    s.cdc = Some(target);
                    s.cdc_pending = None;
                }
            }
            if let Some((due, state)) = s.transition.clone() {
                if due <= now {
                    s.state = state;
                    s.transition = None;
                }
            }
        }
    }

    fn service_index(&self, id: &str) -> Result<usize, SimError> {
        self.services
            .iter()
            .position(|s| s.fixture.id == id)
            .ok_or_else(|| SimError::new(404, format!("NOT_FOUND: Service {id} not found")))
    }

    pub fn list_services(&mut self) -> Vec<Service> {
        self.tick();
        self.services.iter().map(render_service).collect()
    }

    pub fn get_service(&mut self, id: &str) -> Result<Service, SimError> {
        self.tick();
        Ok(render_service(&self.services[self.service_index(id)?]))
    }

    pub fn patch_replica_scaling(&mut self, id: &str, body: &Value) -> Result<Service, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        let body = body
            .as_object()
            .ok_or_else(|| SimError::new(400, "BAD_REQUEST: request body must be a JSON object"))?;
        let s = &self.services[i];
        let base = s.pending.map(|(_, c)| c).unwrap_or(s.applied);
        let target = validate_replica_patch(&s.fixture, base, body)?;
        let due = Instant::now() + self.real(self.config.service_converge_after);
        let s = &mut self.services[i];
        s.pending = Some((due, target));
        // The PATCH answer shows the configuration as requested.
        let mut shown = render_service(s);
        apply_config(&mut shown, &target);
        Ok(shown)
    }

    pub fn patch_state(&mut self, id: &str, command: StateCommand) -> Result<Service, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        let wake = self.real(self.config.wake_after);
        let s = &mut self.services[i];
        let now = Instant::now();
        use ServiceState::*;
        match (command, &s.state) {
            (StateCommand::Awake, Idle) => {
                s.state = Awaking;
                s.transition = Some((now + wake, Running));
            }
            (StateCommand::Awake, Running | Awaking | Starting) => {}
            (StateCommand::Awake, other) => {
                return Err(SimError::new(
                    400,
                    format!("BAD_REQUEST: Cannot awake a service in state {other}; use start"),
                ))
            }
            (StateCommand::Start, Stopped) => {
                s.state = Starting;
                s.transition = Some((now + wake, Running));
            }
            (StateCommand::Start, _) => {}
            (StateCommand::Stop, Stopped | Stopping) => {}
            (StateCommand::Stop, _) => {
                s.state = Stopping;
                s.transition = Some((now + wake, Stopped));
            }
        }
        Ok(render_service(s))
    }

    /// ClickPipes calls need a running service (424 otherwise, like the real API).
    fn require_running(&self, i: usize) -> Result<(), SimError> {
        let state = &self.services[i].state;
        if *state == ServiceState::Running {
            Ok(())
        } else {
            Err(SimError::new(
                424,
                format!("FAILED_DEPENDENCY: ClickPipe operations are allowed only when the ClickHouse service is running. Current state: {state}"),
            ))
        }
    }

    fn cdc_index(&mut self, id: &str) -> Result<usize, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        self.require_running(i)?;
        if self.services[i].cdc.is_none() {
            return Err(SimError::new(
                404,
                format!("NOT_FOUND: CDC scaling is available once a DB ClickPipe has been provisioned on service {id}"),
            ));
        }
        Ok(i)
    }

    pub fn get_cdc(&mut self, id: &str) -> Result<CdcScaling, SimError> {
        let i = self.cdc_index(id)?;
        Ok(self.services[i].cdc.expect("checked by cdc_index"))
    }

    pub fn patch_cdc(&mut self, id: &str, body: &Value) -> Result<CdcScaling, SimError> {
        let i = self.cdc_index(id)?;
        let target = validate_cdc_patch(body)?;
        let due = Instant::now() + self.real(self.config.cdc_converge_after);
        self.services[i].cdc_pending = Some((due, target));
        Ok(target)
    }

    pub fn list_pipes(&mut self, id: &str) -> Result<Vec<ClickPipe>, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        self.require_running(i)?;
        let elapsed = self.started.elapsed().mul_f64(self.config.time_scale);
        Ok(self
            .pipes
            .iter()
            .filter(|p| p.fixture.service_id == id)
            .map(|p| render_pipe(p, elapsed))
            .collect())
    }

    pub fn get_pipe(&mut self, id: &str, pipe_id: &str) -> Result<ClickPipe, SimError> {
        self.list_pipes(id)?
            .into_iter()
            .find(|p| p.id == pipe_id)
            .ok_or_else(|| SimError::new(404, format!("NOT_FOUND: ClickPipe {pipe_id} not found")))
    }

    /// Force a pipe's state (tests: resync back to Snapshot, a failure…); `None` resumes the schedule.
    pub fn force_pipe_state(&mut self, pipe_id: &str, state: Option<PipeState>) -> bool {
        match self.pipes.iter_mut().find(|p| p.fixture.id == pipe_id) {
            Some(p) => {
                p.forced = state;
                true
            }
            None => false,
        }
    }

    /// Force a service's state (tests: let a service go idle).
    pub fn force_service_state(&mut self, id: &str, state: ServiceState) -> bool {
        match self.services.iter_mut().find(|s| s.fixture.id == id) {
            Some(s) => {
                s.state = state;
                s.transition = None;
                true
            }
            None => false,
        }
    }
}

fn render_pipe(p: &SimPipe, elapsed: Duration) -> ClickPipe {
    let state = p.forced.clone().unwrap_or_else(|| {
        p.fixture
            .stages
            .iter()
            .take_while(|s| s.at <= elapsed)
            .last()
            .map(|s| s.state.clone())
            .unwrap_or(PipeState::Provisioning)
    });
    // What the spec requires of each source; the values are placeholders.
    let details = match p.fixture.source {
        PipeSource::Mongodb => serde_json::json!({
            "uri": "mongodb://db.example.com:27017", "readPreference": "secondaryPreferred"
        }),
        _ => serde_json::json!({
            "host": "db.example.com", "port": 5432, "database": "app", "tableMappings": []
        }),
    };
    let db = Some(DbSource {
        settings: Some(DbSourceSettings {
            replication_mode: p.fixture.replication_mode.clone(),
        }),
        details: details.as_object().cloned().unwrap_or_default(),
    });
    let mut source = ClickPipeSource::default();
    match p.fixture.source {
        PipeSource::Postgres => source.postgres = db,
        PipeSource::Mysql => source.mysql = db,
        PipeSource::Mongodb => source.mongodb = db,
        PipeSource::Bigquery => source.bigquery = db,
        PipeSource::Kafka => source.kafka = Some(serde_json::json!({"topics": "clicks"})),
    }
    ClickPipe {
        id: p.fixture.id.clone(),
        service_id: Some(p.fixture.service_id.clone()),
        name: p.fixture.name.clone(),
        state: Some(state),
        source: Some(source),
        created_at: Some("2026-11-01T10:00:00Z".into()),
        updated_at: Some("2026-11-01T10:05:00Z".into()),
    }
}

fn render_service(s: &SimService) -> Service {
    let f = &s.fixture;
    let mut out = Service {
        id: f.id.clone(),
        name: f.name.clone(),
        provider: Some("aws".into()),
        region: Some("us-east-1".into()),
        state: Some(s.state.clone()),
        tier: f.tier.clone(),
        autoscaling_mode: f.autoscaling_mode.clone(),
        num_replicas: None,
        min_replicas: None,
        max_replicas: None,
        min_replica_memory_gb: None,
        max_replica_memory_gb: None,
        replica_memory_gb: None,
        idle_scaling: None,
        idle_timeout_minutes: None,
        profile: f.profile.clone(),
        data_warehouse_id: Some(format!("dw-{}", &f.id[..8])),
        is_primary: Some(f.is_primary),
        is_readonly: Some(false),
        tags: Vec::new(),
        current_scaling: CurrentScaling::default(),
    };
    apply_config(&mut out, &s.applied);
    out
}

fn apply_config(out: &mut Service, c: &Config) {
    let horizontal = out.autoscaling_mode == AutoscalingMode::Horizontal;
    if horizontal {
        out.min_replicas = Some(c.num_replicas);
        out.max_replicas = Some(c.num_replicas);
        out.replica_memory_gb = Some(c.max_memory.into());
    } else {
        out.num_replicas = Some(c.num_replicas);
    }
    out.min_replica_memory_gb = Some(c.min_memory.into());
    out.max_replica_memory_gb = Some(c.max_memory.into());
    out.idle_scaling = Some(c.idle_scaling);
    out.idle_timeout_minutes = Some(c.idle_timeout.into());
    out.current_scaling = CurrentScaling {
        effective_autoscaling_mode: Some(out.autoscaling_mode.clone()),
        effective_min_replica_memory_gb: Some(c.min_memory.into()),
        effective_max_replica_memory_gb: Some(c.max_memory.into()),
        effective_min_replicas: Some(c.num_replicas),
        effective_max_replicas: Some(c.num_replicas),
        effective_idle_scaling: Some(c.idle_scaling),
        effective_idle_timeout_minutes: Some(c.idle_timeout),
        active_entry_id: None,
    };
}

/// A whole number from a JSON value, or the API's 400.
fn int(field: &str, v: &Value) -> Result<i64, SimError> {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e12 => Ok(f as i64),
        Some(_) => Err(SimError::bad_request(
            field,
            "The value must be an integer",
            v,
        )),
        None => Err(SimError::bad_request(field, "Expected a number", v)),
    }
}

fn validate_replica_patch(
    f: &ServiceFixture,
    base: Config,
    body: &Map<String, Value>,
) -> Result<Config, SimError> {
    let mut t = base;
    let basic = f.tier.as_deref() == Some("development");
    let custom_profile = f.profile.as_deref().is_some_and(|p| p != "v1-default");
    let horizontal = f.autoscaling_mode == AutoscalingMode::Horizontal;
    let scaling_fields = [
        "numReplicas",
        "minReplicas",
        "maxReplicas",
        "minReplicaMemoryGb",
        "maxReplicaMemoryGb",
    ];
    if basic && scaling_fields.iter().any(|k| body.contains_key(*k)) {
        return Err(SimError::new(
            400,
            "BAD_REQUEST: Scaling is not available for services in the Basic tier",
        ));
    }
    if let Some(v) = body.get("numReplicas") {
        if body.contains_key("minReplicas") || body.contains_key("maxReplicas") {
            return Err(SimError::bad_request(
                "numReplicas",
                "numReplicas cannot be combined with minReplicas/maxReplicas",
                v,
            ));
        }
        if horizontal {
            return Err(SimError::bad_request(
                "numReplicas",
                "numReplicas applies to vertical autoscaling only",
                v,
            ));
        }
        let n = int("numReplicas", v)?;
        let min = if f.is_primary { 2 } else { 1 };
        if !(min..=20).contains(&n) {
            return Err(SimError::bad_request(
                "numReplicas",
                &format!("Number of replicas must be between {min} and 20"),
                v,
            ));
        }
        t.num_replicas = n as u32;
    }
    match (body.get("minReplicas"), body.get("maxReplicas")) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            let (lo, hi) = (int("minReplicas", a)?, int("maxReplicas", b)?);
            for (name, n, v) in [("minReplicas", lo, a), ("maxReplicas", hi, b)] {
                if !(1..=20).contains(&n) {
                    return Err(SimError::bad_request(name, "Must be between 1 and 20", v));
                }
            }
            if lo != hi {
                return Err(SimError::new(
                    400,
                    "BAD_REQUEST: Horizontal autoscaling is not enabled for this organization; contact support",
                ));
            }
            t.num_replicas = lo as u32;
        }
        (Some(v), None) | (None, Some(v)) => {
            return Err(SimError::bad_request(
                "minReplicas",
                "minReplicas and maxReplicas must be provided together",
                v,
            ))
        }
    }
    let cap: i64 = if f.paid { 356 } else { 120 };
    for (name, slot) in [
        ("minReplicaMemoryGb", &mut t.min_memory),
        ("maxReplicaMemoryGb", &mut t.max_memory),
    ] {
        if let Some(v) = body.get(name) {
            let gb = int(name, v)?;
            if !(8..=cap).contains(&gb) {
                return Err(SimError::bad_request(
                    name,
                    &format!("Memory must be between 8 and {cap} Gb"),
                    v,
                ));
            }
            if gb % 4 != 0 {
                return Err(SimError::bad_request(
                    name,
                    "The value must be a multiple of 4",
                    v,
                ));
            }
            *slot = gb as u32;
        }
    }
    if t.min_memory > t.max_memory {
        return Err(SimError::new(
            400,
            format!(
                "BAD_REQUEST: minReplicaMemoryGb ({}) must be less than or equal to maxReplicaMemoryGb ({})",
                t.min_memory, t.max_memory
            ),
        ));
    }
    if (custom_profile || horizontal) && t.min_memory != t.max_memory {
        return Err(SimError::new(
            400,
            "BAD_REQUEST: Vertical autoscaling is not available for this service: minReplicaMemoryGb must equal maxReplicaMemoryGb",
        ));
    }
    if let Some(v) = body.get("idleScaling") {
        t.idle_scaling = v
            .as_bool()
            .ok_or_else(|| SimError::bad_request("idleScaling", "Expected a boolean", v))?;
    }
    if let Some(v) = body.get("idleTimeoutMinutes") {
        let m = int("idleTimeoutMinutes", v)?;
        if m < 5 {
            return Err(SimError::bad_request(
                "idleTimeoutMinutes",
                "Must be >= 5 minutes",
                v,
            ));
        }
        t.idle_timeout = m.min(u32::MAX as i64) as u32;
    }
    Ok(t)
}

fn validate_cdc_patch(body: &Value) -> Result<CdcScaling, SimError> {
    let get = |k: &str| {
        body.get(k).ok_or_else(|| {
            SimError::new(400, format!("BAD_REQUEST: request body.{k}: is required"))
        })
    };
    let (cpu_v, mem_v) = (get("replicaCpuMillicores")?, get("replicaMemoryGb")?);
    let cpu = int("replicaCpuMillicores", cpu_v)?;
    if !(1000..=32000).contains(&cpu) {
        return Err(SimError::bad_request(
            "replicaCpuMillicores",
            "Must be between 1000 and 32000",
            cpu_v,
        ));
    }
    if cpu % 1000 != 0 {
        return Err(SimError::bad_request(
            "replicaCpuMillicores",
            "The value must be a multiple of 1000",
            cpu_v,
        ));
    }
    let mem = int("replicaMemoryGb", mem_v)?;
    if !(4..=128).contains(&mem) || mem % 4 != 0 {
        return Err(SimError::bad_request(
            "replicaMemoryGb",
            "Must be a multiple of 4 between 4 and 128",
            mem_v,
        ));
    }
    if mem * 1000 != cpu * 4 {
        return Err(SimError::bad_request(
            "replicaMemoryGb",
            &format!(
                "Memory must be 4 Gb per CPU core ({} Gb for {} millicores)",
                cpu / 250,
                cpu
            ),
            mem_v,
        ));
    }
    Ok(CdcScaling {
        replica_cpu_millicores: cpu as u32,
        replica_memory_gb: mem as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn world() -> World {
        World::new(Fixture::default(), SimConfig::default())
    }

    #[test]
    fn cdc_rules_match_the_spec() {
        assert!(
            validate_cdc_patch(&json!({"replicaCpuMillicores": 8000, "replicaMemoryGb": 32}))
                .is_ok()
        );
        for bad in [
            json!({"replicaCpuMillicores": 0, "replicaMemoryGb": 0}),
            json!({"replicaCpuMillicores": 33000, "replicaMemoryGb": 132}),
            json!({"replicaCpuMillicores": 1500, "replicaMemoryGb": 6}),
            json!({"replicaCpuMillicores": 8000, "replicaMemoryGb": 16}),
            json!({"replicaCpuMillicores": "8000", "replicaMemoryGb": 32}),
            json!({"replicaMemoryGb": 32}),
        ] {
            let e = validate_cdc_patch(&bad).unwrap_err();
            assert_eq!(e.status, 400);
            assert!(
                e.error.starts_with("BAD_REQUEST: request body."),
                "{}",
                e.error
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_patch_shows_only_after_convergence_and_the_last_target_wins() {
        let mut w = world();
        let id = super::super::fixture::ids::ANALYTICS_PROD;
        w.patch_replica_scaling(id, &json!({"numReplicas": 5}))
            .unwrap();
        tokio::time::advance(Duration::from_secs(20)).await;
        w.patch_replica_scaling(id, &json!({"numReplicas": 6}))
            .unwrap();
        assert_eq!(w.get_service(id).unwrap().num_replicas, Some(3));
        tokio::time::advance(Duration::from_secs(20)).await;
        // The first request's timer would have fired by now; the second restarted it.
        assert_eq!(w.get_service(id).unwrap().num_replicas, Some(3));
        tokio::time::advance(Duration::from_secs(11)).await;
        let s = w.get_service(id).unwrap();
        assert_eq!(s.num_replicas, Some(6));
        assert_eq!(s.current_scaling.effective_min_replicas, Some(6));
    }

    #[test]
    fn basic_tier_and_custom_profiles_are_refused() {
        let mut w = world();
        let basic = super::super::fixture::ids::BASIC_DEV;
        let e = w
            .patch_replica_scaling(basic, &json!({"numReplicas": 2}))
            .unwrap_err();
        assert!(e.error.contains("Basic tier"), "{}", e.error);
        assert!(w
            .patch_replica_scaling(basic, &json!({"idleTimeoutMinutes": 10}))
            .is_ok());
        let highmem = super::super::fixture::ids::REPORTING_HIGHMEM;
        let e = w
            .patch_replica_scaling(highmem, &json!({"minReplicaMemoryGb": 32}))
            .unwrap_err();
        assert!(e.error.contains("must equal"), "{}", e.error);
    }

    #[test]
    fn clickpipes_calls_on_an_idle_service_fail_with_424() {
        let mut w = world();
        let e = w.get_cdc(super::super::fixture::ids::ETL_IDLE).unwrap_err();
        assert_eq!(e.status, 424);
        assert!(e.error.ends_with("Current state: idle"));
        let e = w
            .get_cdc(super::super::fixture::ids::ANALYTICS_PROD)
            .unwrap_err();
        assert_eq!(e.status, 404);
    }
}
