//! The simulated organization: services, DB ClickPipes and their clocks.
//!
//! Changes are accepted at once and take effect later, as in the real API: every PATCH sets
//! a pending target (merged onto any earlier pending one, so overlapping requests converge on
//! the last) and restarts its timer; reads show the applied configuration until it is due.
//! The rules here are written independently of `crate::scaling` on purpose, so tests of the
//! bot's rules against the simulator compare two implementations, not one with itself.

use std::time::Duration;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::{
    fixture::{Fixture, OrgFixture, PipeFixture, PipeSource, ServiceFixture},
    SimConfig,
};
use crate::cloud::model::{
    AutoscalingMode, CdcScaling, ClickPipe, ClickPipeSource, CurrentScaling, DbSource,
    DbSourceSettings, PipeState, ResourceTag, ScalingSchedule, ScalingScheduleBaseConfig,
    ScalingScheduleEntry, Service, ServiceState, StateCommand,
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
    /// `scalingSchedule` entries; `None` when none is configured (GET answers 404).
    schedule: Option<Vec<Entry>>,
}

/// Autoscaling mode, the simulator's own (Copy) spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Fixed replica count (`min_replicas == max_replicas`), memory between min and max.
    Vertical,
    /// Replicas between min and max, fixed memory per replica (`min_memory == max_memory`).
    Horizontal,
}

impl Mode {
    fn wire(self) -> AutoscalingMode {
        match self {
            Mode::Vertical => AutoscalingMode::Vertical,
            Mode::Horizontal => AutoscalingMode::Horizontal,
        }
    }

    fn parse(field: &str, v: &Value) -> Result<Mode, SimError> {
        match v.as_str() {
            Some("vertical") => Ok(Mode::Vertical),
            Some("horizontal") => Ok(Mode::Horizontal),
            _ => Err(SimError::bad_request(
                field,
                "must be one of vertical, horizontal",
                v,
            )),
        }
    }
}

/// The scaling knobs of a service.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Config {
    mode: Mode,
    min_replicas: u32,
    max_replicas: u32,
    min_memory: u32,
    max_memory: u32,
    idle_scaling: bool,
    idle_timeout: u32,
}

/// One accepted `scalingSchedule` entry.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    name: String,
    weekdays: Vec<u32>,
    start: u32,
    end: u32,
    mode: Mode,
    memory: Option<(u32, u32)>,
    replicas: Option<(u32, u32)>,
    idle_scaling: Option<bool>,
    idle_timeout: Option<u32>,
}

impl Entry {
    /// In force at `now` (UTC)? `end < start` spans midnight: the part after midnight belongs
    /// to the weekday the window started on.
    fn active_at(&self, now: DateTime<Utc>) -> bool {
        let day = now.weekday().num_days_from_sunday();
        let yesterday = (day + 6) % 7;
        let hour = now.hour();
        if self.start < self.end {
            self.weekdays.contains(&day) && (self.start..self.end).contains(&hour)
        } else {
            (self.weekdays.contains(&day) && hour >= self.start)
                || (self.weekdays.contains(&yesterday) && hour < self.end)
        }
    }

    /// The configuration while this entry is in force: what it leaves out comes from `base`;
    /// replica maxima are enforced now, when the entry applies, not when it was accepted.
    fn apply(&self, base: &Config, replicas_max: u32) -> Config {
        let (min_memory, max_memory) = self.memory.unwrap_or((base.min_memory, base.max_memory));
        let (lo, hi) = self
            .replicas
            .unwrap_or((base.min_replicas, base.max_replicas));
        Config {
            mode: self.mode,
            min_replicas: lo.min(replicas_max),
            max_replicas: hi.min(replicas_max),
            min_memory,
            max_memory,
            idle_scaling: self.idle_scaling.unwrap_or(base.idle_scaling),
            idle_timeout: self.idle_timeout.unwrap_or(base.idle_timeout),
        }
    }
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
    /// UTC time at `started`; the simulated clock runs from there at `time_scale`.
    utc_origin: DateTime<Utc>,
    services: Vec<SimService>,
    pipes: Vec<SimPipe>,
    /// Entries served as they are after a service's ClickPipes (tests: a pipe a newer API
    /// shape would send, which the client cannot decode), as (service id, JSON).
    raw_pipes: Vec<(String, Value)>,
}

impl World {
    pub fn new(fixture: Fixture, config: SimConfig) -> Self {
        let services = fixture
            .services
            .iter()
            .map(|s| SimService {
                applied: Config {
                    mode: match s.autoscaling_mode {
                        AutoscalingMode::Horizontal => Mode::Horizontal,
                        _ => Mode::Vertical,
                    },
                    min_replicas: s.min_replicas.unwrap_or(s.num_replicas),
                    max_replicas: s.max_replicas.unwrap_or(s.num_replicas),
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
                schedule: None,
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
            utc_origin: config.clock_start.unwrap_or_else(Utc::now),
            fixture,
            config,
            started: Instant::now(),
            raw_pipes: Vec::new(),
            services,
            pipes,
        }
    }

    /// The simulated UTC time (schedules run on it).
    pub fn now_utc(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed().mul_f64(self.config.time_scale);
        self.utc_origin + chrono::Duration::from_std(elapsed).unwrap_or(chrono::TimeDelta::MAX)
    }

    fn render(&self, s: &SimService) -> Service {
        render_service(s, &self.fixture.organization, self.now_utc())
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

    /// `GET …/services?filter=…`: every filter must match (`tag:Key=Value` or `tag:Key`; the
    /// only kind the spec documents, anything else is refused like a bad parameter).
    pub fn list_services(&mut self, filters: &[String]) -> Result<Vec<Service>, SimError> {
        self.tick();
        let mut wanted = Vec::new();
        for f in filters {
            let tag = f.strip_prefix("tag:").filter(|t| !t.is_empty()).ok_or_else(|| {
                SimError::new(
                    400,
                    format!("BAD_REQUEST: request query.filter: only tag filters are supported (tag:Key=Value or tag:Key) <string:{f}>"),
                )
            })?;
            wanted.push(match tag.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (tag, None),
            });
        }
        let matches = |s: &&SimService| {
            wanted.iter().all(|(key, value)| {
                s.fixture
                    .tags
                    .iter()
                    .any(|t| t.key == *key && value.is_none_or(|v| t.value.as_deref() == Some(v)))
            })
        };
        Ok(self
            .services
            .iter()
            .filter(matches)
            .map(|s| self.render(s))
            .collect())
    }

    pub fn get_service(&mut self, id: &str) -> Result<Service, SimError> {
        self.tick();
        Ok(self.render(&self.services[self.service_index(id)?]))
    }

    pub fn patch_replica_scaling(&mut self, id: &str, body: &Value) -> Result<Service, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        let body = body
            .as_object()
            .ok_or_else(|| SimError::new(400, "BAD_REQUEST: request body must be a JSON object"))?;
        let s = &self.services[i];
        let base = s.pending.map(|(_, c)| c).unwrap_or(s.applied);
        let target = validate_replica_patch(&s.fixture, &self.fixture.organization, base, body)?;
        Ok(self.set_pending(i, target))
    }

    /// `PATCH …/scaling` (deprecated): totals of three replicas, turned into per-replica
    /// values and checked by the same rules as `replicaScaling`.
    pub fn patch_scaling(&mut self, id: &str, body: &Value) -> Result<Service, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        let body = body
            .as_object()
            .ok_or_else(|| SimError::new(400, "BAD_REQUEST: request body must be a JSON object"))?;
        let s = &self.services[i];
        let base = s.pending.map(|(_, c)| c).unwrap_or(s.applied);
        let cap: i64 = if s.fixture.paid { 1068 } else { 360 };
        let mut replica_body = Map::new();
        for (total, per_replica) in [
            ("minTotalMemoryGb", "minReplicaMemoryGb"),
            ("maxTotalMemoryGb", "maxReplicaMemoryGb"),
        ] {
            if let Some(v) = body.get(total) {
                if base.mode == Mode::Horizontal {
                    return Err(SimError::bad_request(
                        total,
                        "Total memory applies to vertical autoscaling only; use replicaScaling",
                        v,
                    ));
                }
                let gb = int(total, v)?;
                if gb % 12 != 0 {
                    return Err(SimError::bad_request(
                        total,
                        "The value must be a multiple of 12",
                        v,
                    ));
                }
                if !(24..=cap).contains(&gb) {
                    return Err(SimError::bad_request(
                        total,
                        &format!("Memory must be between 24 and {cap} Gb"),
                        v,
                    ));
                }
                replica_body.insert(per_replica.into(), Value::from(gb / 3));
            }
        }
        for key in ["numReplicas", "idleScaling", "idleTimeoutMinutes"] {
            if let Some(v) = body.get(key) {
                replica_body.insert(key.into(), v.clone());
            }
        }
        let target =
            validate_replica_patch(&s.fixture, &self.fixture.organization, base, &replica_body)?;
        Ok(self.set_pending(i, target))
    }

    /// Accept `target`: it shows after `service_converge_after`; the answer shows it at once.
    fn set_pending(&mut self, i: usize, target: Config) -> Service {
        let due = Instant::now() + self.real(self.config.service_converge_after);
        self.services[i].pending = Some((due, target));
        let s = &self.services[i];
        let mut shown = self.render(s);
        let effective = self
            .active_entry(s)
            .map(|e| e.apply(&target, self.replicas_max()));
        apply_config(&mut shown, &target, effective.as_ref().unwrap_or(&target));
        shown
    }

    fn replicas_max(&self) -> u32 {
        self.fixture.organization.replicas_max
    }

    fn active_entry<'a>(&self, s: &'a SimService) -> Option<&'a Entry> {
        let now = self.now_utc();
        s.schedule.as_ref()?.iter().find(|e| e.active_at(now))
    }

    /// `scalingSchedule` needs the scheduled-scaling feature (spec prose); the wording of the
    /// refusal is ours (UNCONFIRMED).
    fn require_schedules(&self) -> Result<(), SimError> {
        if self.fixture.organization.scheduled_scaling {
            Ok(())
        } else {
            Err(SimError::new(
                400,
                "BAD_REQUEST: Scheduled autoscaling is not enabled for this organization; contact support",
            ))
        }
    }

    /// `GET …/scalingSchedule`: 404 when none is configured.
    pub fn get_schedule(&mut self, id: &str) -> Result<ScalingSchedule, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        self.require_schedules()?;
        self.render_schedule(&self.services[i])
            .ok_or_else(|| no_schedule(id))
    }

    /// `POST …/scalingSchedule`: a full replace; `entries: []` clears it.
    pub fn put_schedule(&mut self, id: &str, body: &Value) -> Result<ScalingSchedule, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        self.require_schedules()?;
        let entries = body
            .get("entries")
            .ok_or_else(|| SimError::new(400, "BAD_REQUEST: request body.entries: is required"))?;
        let list = entries
            .as_array()
            .ok_or_else(|| SimError::bad_request("entries", "Expected an array", entries))?;
        let org = &self.fixture.organization;
        let accepted = list
            .iter()
            .enumerate()
            .map(|(n, e)| validate_entry(n, e, org))
            .collect::<Result<Vec<_>, _>>()?;
        let s = &mut self.services[i];
        if accepted.is_empty() {
            s.schedule = None;
            // The spec: the answer to a clear has no entries and an empty baseConfig.
            return Ok(ScalingSchedule::default());
        }
        s.schedule = Some(accepted);
        Ok(self
            .render_schedule(&self.services[i])
            .expect("just configured"))
    }

    /// `DELETE …/scalingSchedule`: back to the base configuration; 404 when none is configured.
    pub fn delete_schedule(&mut self, id: &str) -> Result<(), SimError> {
        self.tick();
        let i = self.service_index(id)?;
        self.require_schedules()?;
        match self.services[i].schedule.take() {
            Some(_) => Ok(()),
            None => Err(no_schedule(id)),
        }
    }

    fn render_schedule(&self, s: &SimService) -> Option<ScalingSchedule> {
        render_schedule(s, self.now_utc())
    }

    pub fn patch_state(&mut self, id: &str, command: StateCommand) -> Result<Service, SimError> {
        self.tick();
        let i = self.service_index(id)?;
        let wake = self.real(self.config.wake_after);
        let s = &mut self.services[i];
        let now = Instant::now();
        use ServiceState::*;
        // The wording of the refusals is ours; the API's own is UNCONFIRMED (only 400 is
        // declared for client errors, so that is the status).
        let refuse = |what: &str, state: &ServiceState, hint: &str| {
            SimError::new(
                400,
                format!("BAD_REQUEST: Cannot {what} a service in state {state}; {hint}"),
            )
        };
        match (command, &s.state) {
            // `start` on an idle service wakes it, as `awake` does.
            (StateCommand::Awake | StateCommand::Start, Idle) => {
                s.state = Awaking;
                s.transition = Some((now + wake, Running));
            }
            (StateCommand::Awake | StateCommand::Start, Running | Awaking | Starting) => {}
            (StateCommand::Awake, other) => return Err(refuse("awake", other, "use start")),
            (StateCommand::Start, Stopped) => {
                s.state = Starting;
                s.transition = Some((now + wake, Running));
            }
            (StateCommand::Start, Stopping) => {
                return Err(refuse(
                    "start",
                    &Stopping,
                    "wait until it is stopped, then start it",
                ))
            }
            (StateCommand::Start, other) => {
                return Err(refuse(
                    "start",
                    other,
                    "only a stopped or idle service starts",
                ))
            }
            (StateCommand::Stop, Stopped | Stopping) => {}
            (StateCommand::Stop, _) => {
                s.state = Stopping;
                s.transition = Some((now + wake, Stopped));
            }
        }
        let s = &self.services[i];
        Ok(self.render(s))
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
        let s = &self.services[i];
        let current = s
            .cdc_pending
            .map(|(_, c)| c)
            .or(s.cdc)
            .expect("checked by cdc_index");
        let target = validate_cdc_patch(body, current)?;
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

    /// `GET …/clickpipes` as served: the modelled pipes, then the raw entries added with
    /// [`World::add_raw_pipe`].
    pub fn list_pipes_served(&mut self, id: &str) -> Result<Vec<Value>, SimError> {
        let mut out: Vec<Value> = self
            .list_pipes(id)?
            .iter()
            .map(|p| serde_json::to_value(p).unwrap_or(Value::Null))
            .collect();
        out.extend(
            self.raw_pipes
                .iter()
                .filter(|(s, _)| s == id)
                .map(|(_, v)| v.clone()),
        );
        Ok(out)
    }

    /// Serve `raw` as one more ClickPipe of `service_id` (tests: an entry the bot cannot
    /// understand).
    pub fn add_raw_pipe(&mut self, service_id: &str, raw: Value) {
        self.raw_pipes.push((service_id.to_owned(), raw));
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

fn render_schedule(s: &SimService, now: DateTime<Utc>) -> Option<ScalingSchedule> {
    let entries = s.schedule.as_ref()?;
    let active = entries
        .iter()
        .find(|e| e.active_at(now))
        .map(|e| e.id.clone());
    let base = &s.applied;
    let horizontal = base.mode == Mode::Horizontal;
    Some(ScalingSchedule {
        entries: entries
            .iter()
            .map(|e| ScalingScheduleEntry {
                id: e.id.clone(),
                name: e.name.clone(),
                weekdays: e.weekdays.clone(),
                start_hour_utc: Some(e.start),
                end_hour_utc: Some(e.end),
                autoscaling_mode: Some(e.mode.wire()),
                min_replica_memory_gb: e.memory.map(|m| m.0.into()),
                max_replica_memory_gb: e.memory.map(|m| m.1.into()),
                min_replicas: e.replicas.map(|r| r.0),
                max_replicas: e.replicas.map(|r| r.1),
                idle_scaling: e.idle_scaling,
                idle_timeout_minutes: e.idle_timeout,
                is_active_now: Some(e.active_at(now)),
            })
            .collect(),
        base_config: ScalingScheduleBaseConfig {
            autoscaling_mode: Some(base.mode.wire()),
            min_replica_memory_gb: Some(base.min_memory.into()),
            max_replica_memory_gb: Some(base.max_memory.into()),
            min_replicas: Some(base.min_replicas),
            max_replicas: Some(if horizontal {
                base.max_replicas
            } else {
                base.min_replicas
            }),
            idle_scaling: Some(base.idle_scaling),
            idle_timeout_minutes: Some(base.idle_timeout),
        },
        active_entry_id: active,
    })
}

fn no_schedule(id: &str) -> SimError {
    SimError::new(
        404,
        format!("NOT_FOUND: No scaling schedule is configured for service {id}"),
    )
}

fn render_service(s: &SimService, org: &OrgFixture, now: DateTime<Utc>) -> Service {
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
        data_warehouse_id: Some(f.warehouse()),
        is_primary: Some(f.primary()),
        is_readonly: Some(false),
        tags: f
            .tags
            .iter()
            .map(|t| ResourceTag {
                key: t.key.clone(),
                value: t.value.clone(),
            })
            .collect(),
        scaling_schedule: render_schedule(s, now),
        current_scaling: CurrentScaling::default(),
    };
    let active = s
        .schedule
        .as_ref()
        .and_then(|entries| entries.iter().find(|e| e.active_at(now)));
    let effective = active.map(|e| e.apply(&s.applied, org.replicas_max));
    apply_config(
        &mut out,
        &s.applied,
        effective.as_ref().unwrap_or(&s.applied),
    );
    out.current_scaling.active_entry_id = active.map(|e| e.id.clone());
    out
}

/// The baseline `c` in the service's own fields, what is in force (`effective`: the baseline,
/// or a schedule entry's configuration) in `currentScaling`.
fn apply_config(out: &mut Service, c: &Config, effective: &Config) {
    out.autoscaling_mode = c.mode.wire();
    out.num_replicas = None;
    out.min_replicas = None;
    out.max_replicas = None;
    out.replica_memory_gb = None;
    match c.mode {
        Mode::Horizontal => {
            out.min_replicas = Some(c.min_replicas);
            out.max_replicas = Some(c.max_replicas);
            out.replica_memory_gb = Some(c.max_memory.into());
        }
        Mode::Vertical => out.num_replicas = Some(c.min_replicas),
    }
    out.min_replica_memory_gb = Some(c.min_memory.into());
    out.max_replica_memory_gb = Some(c.max_memory.into());
    out.idle_scaling = Some(c.idle_scaling);
    out.idle_timeout_minutes = Some(c.idle_timeout.into());
    let e = effective;
    out.current_scaling = CurrentScaling {
        effective_autoscaling_mode: Some(e.mode.wire()),
        effective_min_replica_memory_gb: Some(e.min_memory.into()),
        effective_max_replica_memory_gb: Some(e.max_memory.into()),
        effective_min_replicas: Some(e.min_replicas),
        effective_max_replicas: Some(e.max_replicas),
        effective_idle_scaling: Some(e.idle_scaling),
        effective_idle_timeout_minutes: Some(e.idle_timeout),
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

/// "Not enabled for the organization": the refusal the spec describes for the horizontal
/// entitlement (the wording is ours, UNCONFIRMED).
fn horizontal_not_enabled() -> SimError {
    SimError::new(
        400,
        "BAD_REQUEST: Horizontal autoscaling is not enabled for this organization; contact support",
    )
}

/// A replica count in `min..=org max`, or the API's 400 naming the field.
fn replicas(field: &str, v: &Value, min: i64, max: u32) -> Result<u32, SimError> {
    let n = int(field, v)?;
    if !(min..=i64::from(max)).contains(&n) {
        return Err(SimError::bad_request(
            field,
            &format!("Number of replicas must be between {min} and {max}"),
            v,
        ));
    }
    Ok(n as u32)
}

/// A per-replica memory size: a multiple of 4 in `8..=cap`.
fn memory(field: &str, v: &Value, cap: i64) -> Result<u32, SimError> {
    let gb = int(field, v)?;
    if !(8..=cap).contains(&gb) {
        return Err(SimError::bad_request(
            field,
            &format!("Memory must be between 8 and {cap} Gb"),
            v,
        ));
    }
    if gb % 4 != 0 {
        return Err(SimError::bad_request(
            field,
            "The value must be a multiple of 4",
            v,
        ));
    }
    Ok(gb as u32)
}

fn validate_replica_patch(
    f: &ServiceFixture,
    org: &OrgFixture,
    base: Config,
    body: &Map<String, Value>,
) -> Result<Config, SimError> {
    let mut t = base;
    let basic = f.tier.as_deref() == Some("development");
    let custom_profile = f.profile.as_deref().is_some_and(|p| p != "v1-default");
    let scaling_fields = [
        "autoscalingMode",
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
    // Omitted: the service keeps its mode.
    let mode = match body.get("autoscalingMode") {
        Some(v) => Mode::parse("autoscalingMode", v)?,
        None => base.mode,
    };
    if mode == Mode::Horizontal && !org.horizontal_autoscaling {
        return Err(horizontal_not_enabled());
    }
    let floor = if f.primary() { 2 } else { 1 };
    let max = org.replicas_max;
    if let Some(v) = body.get("numReplicas") {
        if body.contains_key("minReplicas") || body.contains_key("maxReplicas") {
            return Err(SimError::bad_request(
                "numReplicas",
                "numReplicas cannot be combined with minReplicas/maxReplicas",
                v,
            ));
        }
        if mode == Mode::Horizontal {
            return Err(SimError::bad_request(
                "numReplicas",
                "numReplicas applies to vertical autoscaling only; use minReplicas and maxReplicas",
                v,
            ));
        }
        let n = replicas("numReplicas", v, floor, max)?;
        (t.min_replicas, t.max_replicas) = (n, n);
    }
    match (body.get("minReplicas"), body.get("maxReplicas")) {
        (None, None) => {
            // A mode switch without counts: horizontal starts from the fixed count; vertical
            // keeps the band's top, so switching never drops capacity (the spec is silent).
            if mode == Mode::Vertical
                && base.mode == Mode::Horizontal
                && !body.contains_key("numReplicas")
            {
                t.min_replicas = base.max_replicas;
            }
        }
        (Some(a), Some(b)) => {
            let lo = replicas("minReplicas", a, floor, max)?;
            let hi = replicas("maxReplicas", b, 1, max)?;
            if lo > hi {
                return Err(SimError::bad_request(
                    "minReplicas",
                    &format!("minReplicas must be less than or equal to maxReplicas ({hi})"),
                    a,
                ));
            }
            // An equal band in vertical mode is a fixed count and needs no entitlement.
            if mode == Mode::Vertical && lo != hi {
                if !org.horizontal_autoscaling {
                    return Err(horizontal_not_enabled());
                }
                return Err(SimError::bad_request(
                    "minReplicas",
                    "A minReplicas/maxReplicas band needs autoscalingMode horizontal",
                    a,
                ));
            }
            (t.min_replicas, t.max_replicas) = (lo, hi);
        }
        (Some(v), None) | (None, Some(v)) => {
            return Err(SimError::bad_request(
                "minReplicas",
                "minReplicas and maxReplicas must be provided together",
                v,
            ))
        }
    }
    if mode == Mode::Vertical {
        t.max_replicas = t.min_replicas;
    }
    let cap: i64 = if f.paid { 356 } else { 120 };
    if let Some(v) = body.get("minReplicaMemoryGb") {
        t.min_memory = memory("minReplicaMemoryGb", v, cap)?;
    }
    if let Some(v) = body.get("maxReplicaMemoryGb") {
        t.max_memory = memory("maxReplicaMemoryGb", v, cap)?;
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
    if mode == Mode::Horizontal && t.min_memory != t.max_memory {
        return Err(SimError::new(
            400,
            "BAD_REQUEST: Horizontal autoscaling needs a fixed memory per replica: minReplicaMemoryGb must equal maxReplicaMemoryGb",
        ));
    }
    if custom_profile && t.min_memory != t.max_memory {
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
    t.mode = mode;
    Ok(t)
}

/// One `ScalingScheduleEntryRequest` (entry `n` of the body), checked as the spec describes.
/// Replica maxima are not checked here: the spec enforces them when the entry applies.
fn validate_entry(n: usize, v: &Value, org: &OrgFixture) -> Result<Entry, SimError> {
    let field = |name: &str| format!("entries[{n}].{name}");
    let e = v
        .as_object()
        .ok_or_else(|| SimError::bad_request(&format!("entries[{n}]"), "Expected an object", v))?;
    let required = |name: &str| {
        e.get(name).ok_or_else(|| {
            SimError::new(
                400,
                format!("BAD_REQUEST: request body.{}: is required", field(name)),
            )
        })
    };
    let name_v = required("name")?;
    let name = name_v
        .as_str()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            SimError::bad_request(&field("name"), "Expected a non-empty string", name_v)
        })?
        .to_owned();
    let days_v = required("weekdays")?;
    let days = days_v.as_array().filter(|d| !d.is_empty()).ok_or_else(|| {
        SimError::bad_request(
            &field("weekdays"),
            "Expected at least one weekday (0 = Sunday … 6 = Saturday)",
            days_v,
        )
    })?;
    let mut weekdays = Vec::new();
    for d in days {
        let day = int(&field("weekdays"), d)?;
        if !(0..=6).contains(&day) {
            return Err(SimError::bad_request(
                &field("weekdays"),
                "Weekdays are 0 (Sunday) to 6 (Saturday)",
                d,
            ));
        }
        weekdays.push(day as u32);
    }
    let start_v = required("startHourUtc")?;
    let start = int(&field("startHourUtc"), start_v)?;
    if !(0..=23).contains(&start) {
        return Err(SimError::bad_request(
            &field("startHourUtc"),
            "Must be between 0 and 23",
            start_v,
        ));
    }
    let end_v = required("endHourUtc")?;
    let end = int(&field("endHourUtc"), end_v)?;
    if !(1..=24).contains(&end) {
        return Err(SimError::bad_request(
            &field("endHourUtc"),
            "Must be between 1 and 24",
            end_v,
        ));
    }
    if end == start {
        return Err(SimError::bad_request(
            &field("endHourUtc"),
            "Must differ from startHourUtc",
            end_v,
        ));
    }
    let mode = match e.get("autoscalingMode") {
        Some(v) => Mode::parse(&field("autoscalingMode"), v)?,
        None => Mode::Vertical,
    };
    if mode == Mode::Horizontal && !org.horizontal_autoscaling {
        return Err(horizontal_not_enabled());
    }
    let memory_pair = match (e.get("minReplicaMemoryGb"), e.get("maxReplicaMemoryGb")) {
        (None, None) if mode == Mode::Horizontal => {
            return Err(SimError::new(
                400,
                format!("BAD_REQUEST: request body.{}: a horizontal entry needs minReplicaMemoryGb and maxReplicaMemoryGb", field("minReplicaMemoryGb")),
            ))
        }
        (None, None) => None,
        (Some(a), Some(b)) => {
            // The tier's cap is enforced when the entry applies; the schema's 356 now.
            let lo = memory(&field("minReplicaMemoryGb"), a, 356)?;
            let hi = memory(&field("maxReplicaMemoryGb"), b, 356)?;
            if lo > hi || (mode == Mode::Horizontal && lo != hi) {
                return Err(SimError::bad_request(
                    &field("minReplicaMemoryGb"),
                    if mode == Mode::Horizontal { "Must equal maxReplicaMemoryGb in a horizontal entry" } else { "Must be less than or equal to maxReplicaMemoryGb" },
                    a,
                ));
            }
            Some((lo, hi))
        }
        (Some(v), None) | (None, Some(v)) => {
            return Err(SimError::bad_request(&field("minReplicaMemoryGb"), "Give both memory bounds or neither", v))
        }
    };
    let count = |name: &str, v: &Value| -> Result<u32, SimError> {
        let n = int(&field(name), v)?;
        if n < 1 {
            return Err(SimError::bad_request(&field(name), "Must be at least 1", v));
        }
        Ok(n.min(i64::from(u32::MAX)) as u32)
    };
    let replica_pair = match (
        e.get("numReplicas"),
        e.get("minReplicas"),
        e.get("maxReplicas"),
    ) {
        (Some(v), None, None) if mode == Mode::Horizontal => {
            return Err(SimError::bad_request(
                &field("numReplicas"),
                "numReplicas applies to vertical entries only",
                v,
            ))
        }
        (Some(v), None, None) => {
            let n = count("numReplicas", v)?;
            Some((n, n))
        }
        (Some(v), _, _) => {
            return Err(SimError::bad_request(
                &field("numReplicas"),
                "numReplicas cannot be combined with minReplicas/maxReplicas",
                v,
            ))
        }
        (None, Some(a), Some(b)) => {
            let (lo, hi) = (count("minReplicas", a)?, count("maxReplicas", b)?);
            if lo > hi || (mode == Mode::Vertical && lo != hi) {
                return Err(SimError::bad_request(
                    &field("minReplicas"),
                    if mode == Mode::Vertical {
                        "A vertical entry takes an equal minReplicas/maxReplicas pair"
                    } else {
                        "Must be less than or equal to maxReplicas"
                    },
                    a,
                ));
            }
            Some((lo, hi))
        }
        (None, None, None) => None,
        (None, Some(v), None) | (None, None, Some(v)) => {
            return Err(SimError::bad_request(
                &field("minReplicas"),
                "minReplicas and maxReplicas must be provided together",
                v,
            ))
        }
    };
    let idle_scaling = match e.get("idleScaling") {
        Some(v) => Some(v.as_bool().ok_or_else(|| {
            SimError::bad_request(&field("idleScaling"), "Expected a boolean", v)
        })?),
        None => None,
    };
    let idle_timeout = match e.get("idleTimeoutMinutes") {
        Some(v) => {
            let m = int(&field("idleTimeoutMinutes"), v)?;
            if m < 5 {
                return Err(SimError::bad_request(
                    &field("idleTimeoutMinutes"),
                    "Must be >= 5 minutes",
                    v,
                ));
            }
            Some(m.min(i64::from(u32::MAX)) as u32)
        }
        None => None,
    };
    Ok(Entry {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        weekdays,
        start: start as u32,
        end: end as u32,
        mode,
        memory: memory_pair,
        replicas: replica_pair,
        idle_scaling,
        idle_timeout,
    })
}

/// The spec requires neither field. Memory is always 4 GB per core, so one field alone
/// determines the other (the simulator's reading; what the API does with one field alone is
/// UNCONFIRMED); an empty body changes nothing.
fn validate_cdc_patch(body: &Value, current: CdcScaling) -> Result<CdcScaling, SimError> {
    let obj = body
        .as_object()
        .ok_or_else(|| SimError::new(400, "BAD_REQUEST: request body must be a JSON object"))?;
    let cpu = match obj.get("replicaCpuMillicores") {
        Some(v) => {
            let cpu = int("replicaCpuMillicores", v)?;
            if !(1000..=32000).contains(&cpu) {
                return Err(SimError::bad_request(
                    "replicaCpuMillicores",
                    "Must be between 1000 and 32000",
                    v,
                ));
            }
            if cpu % 1000 != 0 {
                return Err(SimError::bad_request(
                    "replicaCpuMillicores",
                    "The value must be a multiple of 1000",
                    v,
                ));
            }
            Some((cpu, v))
        }
        None => None,
    };
    let mem = match obj.get("replicaMemoryGb") {
        Some(v) => {
            let mem = int("replicaMemoryGb", v)?;
            if !(4..=128).contains(&mem) || mem % 4 != 0 {
                return Err(SimError::bad_request(
                    "replicaMemoryGb",
                    "Must be a multiple of 4 between 4 and 128",
                    v,
                ));
            }
            Some((mem, v))
        }
        None => None,
    };
    let (cpu, mem) = match (cpu, mem) {
        (Some((cpu, _)), Some((mem, mem_v))) => {
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
            (cpu, mem)
        }
        (Some((cpu, _)), None) => (cpu, cpu / 250),
        (None, Some((mem, _))) => (mem * 250, mem),
        (None, None) => return Ok(current),
    };
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
        let two = CdcScaling::from_cores(2);
        assert_eq!(
            validate_cdc_patch(
                &json!({"replicaCpuMillicores": 8000, "replicaMemoryGb": 32}),
                two
            ),
            Ok(CdcScaling::from_cores(8))
        );
        // Either field alone (the spec requires neither): the other follows at 4 GB per core.
        assert_eq!(
            validate_cdc_patch(&json!({"replicaMemoryGb": 32}), two),
            Ok(CdcScaling::from_cores(8))
        );
        assert_eq!(
            validate_cdc_patch(&json!({"replicaCpuMillicores": 4000}), two),
            Ok(CdcScaling::from_cores(4))
        );
        assert_eq!(validate_cdc_patch(&json!({}), two), Ok(two));
        for bad in [
            json!({"replicaCpuMillicores": 0, "replicaMemoryGb": 0}),
            json!({"replicaCpuMillicores": 33000, "replicaMemoryGb": 132}),
            json!({"replicaCpuMillicores": 1500, "replicaMemoryGb": 6}),
            json!({"replicaCpuMillicores": 8000, "replicaMemoryGb": 16}),
            json!({"replicaCpuMillicores": "8000", "replicaMemoryGb": 32}),
            json!({"replicaMemoryGb": 30}),
            json!({"replicaCpuMillicores": 500}),
        ] {
            let e = validate_cdc_patch(&bad, two).unwrap_err();
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
    fn schedule_windows_follow_utc_weekdays_including_overnight() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        let entry = |weekdays: Vec<u32>, start, end| Entry {
            id: "e".into(),
            name: "e".into(),
            weekdays,
            start,
            end,
            mode: Mode::Vertical,
            memory: None,
            replicas: Some((5, 5)),
            idle_scaling: None,
            idle_timeout: None,
        };
        // 2026-11-29 is a Sunday.
        let day = entry(vec![1, 2, 3, 4, 5], 9, 17);
        assert!(
            day.active_at(at("2026-11-30T09:00:00Z")),
            "start is inclusive"
        );
        assert!(
            !day.active_at(at("2026-11-30T17:00:00Z")),
            "end is exclusive"
        );
        assert!(!day.active_at(at("2026-11-29T10:00:00Z")), "not on Sunday");
        let night = entry(vec![0], 22, 2);
        assert!(night.active_at(at("2026-11-29T23:30:00Z")));
        assert!(
            night.active_at(at("2026-11-30T01:59:00Z")),
            "after midnight it still belongs to Sunday"
        );
        assert!(!night.active_at(at("2026-11-30T02:00:00Z")));
        assert!(
            !night.active_at(at("2026-11-29T01:00:00Z")),
            "Saturday night is not listed"
        );
        let to_midnight = entry(vec![6], 20, 24);
        assert!(to_midnight.active_at(at("2026-12-05T23:59:00Z")));
        assert!(!to_midnight.active_at(at("2026-12-06T00:00:00Z")));
        // Replica maxima apply when the entry does.
        let base = Config {
            mode: Mode::Vertical,
            min_replicas: 3,
            max_replicas: 3,
            min_memory: 16,
            max_memory: 64,
            idle_scaling: false,
            idle_timeout: 15,
        };
        let big = Entry {
            replicas: Some((40, 40)),
            ..entry(vec![1], 9, 17)
        };
        let applied = big.apply(&base, 20);
        assert_eq!((applied.min_replicas, applied.max_replicas), (20, 20));
        assert_eq!((applied.min_memory, applied.max_memory), (16, 64));
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
