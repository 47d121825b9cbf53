//! Configuration: embedded defaults -> TOML file (`--config`) -> environment, the environment winning.
//!
//! The well-known variables (`DISCORD_TOKEN`, `CLICKHOUSE_ORG_ID`, `CLICKHOUSE_KEY_ID`,
//! `CLICKHOUSE_KEY_SECRET`, `CLICKHOUSE_API_URL`) map onto their keys; any other key can be set
//! as `CLICKSCALE_<SECTION>__<KEY>` (e.g. `CLICKSCALE_TIMINGS__POLL_INTERVAL=5s`).
//! Secrets are [`SecretString`]s: they never show in `Debug` output or error messages.

use std::{path::Path, time::Duration};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::{
    cloud::{CloudSettings, RateLimit, RetryPolicy},
    scaling::{Limits, Money, Rates, ServiceRate},
};

pub const DEFAULT_API_URL: &str = "https://api.clickhouse.cloud";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub discord: DiscordConfig,
    pub cloud: CloudConfig,
    pub limits: LimitsConfig,
    pub timings: Timings,
    pub risk: RiskConfig,
    /// Friendly names for services, shown in autocomplete and accepted wherever a service is named.
    pub services: Vec<ServiceAlias>,
    pub policy: Policy,
    pub store: StoreConfig,
    pub oncall: OnCall,
    pub cost: CostConfig,
    pub digest: DigestConfig,
}

/// `[digest]`: the weekly digest (what is still scaled up, what the week cost, what was kept
/// and why, what went unanswered), posted once a week in one channel. Off unless `channel`
/// is set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestConfig {
    /// Discord channel id the digest is posted in; unset: no digest.
    pub channel: Option<String>,
    /// The day it is posted (`mon` … `sun`, or the full English name), UTC.
    #[serde(with = "weekday")]
    pub weekday: chrono::Weekday,
    /// The hour it is posted, 0-23 UTC.
    pub hour: u32,
    /// The channel's language: `en-US`, `zh-CN` or `ru`.
    pub locale: crate::i18n::Locale,
}

impl Default for DigestConfig {
    fn default() -> Self {
        Self {
            channel: None,
            weekday: chrono::Weekday::Mon,
            hour: 9,
            locale: crate::i18n::Locale::EnUs,
        }
    }
}

/// A weekday as `mon` (written) or any of chrono's spellings, `Mon`, `monday` (read).
mod weekday {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &chrono::Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&day.to_string().to_ascii_lowercase())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono::Weekday, D::Error> {
        let text = String::deserialize(d)?;
        text.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "`{text}` is not a weekday: use mon, tue, wed, thu, fri, sat or sun"
            ))
        })
    }
}

/// `[cost]`: the rates money estimates are made with. Contracts
/// differ, so every rate can be set; the defaults are the documented list prices (README
/// "Cost estimates" names the pages and their dates).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostConfig {
    /// USD per DB ClickPipes compute unit (2 vCPU + 8 GB) per hour; list price 0.20.
    /// `"none"`: no rate, so no CDC money is shown.
    #[serde(with = "crate::scaling::cost::optional_rate")]
    pub cdc_unit_hour: Option<Money>,
    /// The organization's tier (`basic`, `scale`, `enterprise`): the API does not report it,
    /// and service compute rates depend on it.
    pub organization_tier: Option<String>,
    /// Service compute per unit (8 GiB RAM, 2 vCPU) per hour, by tier, cloud and region; the
    /// first entry that matches wins. None by default: see the README for why.
    pub service_rates: Vec<ServiceRate>,
}

impl Default for CostConfig {
    fn default() -> Self {
        Self {
            cdc_unit_hour: Some(Money(crate::scaling::cost::CDC_UNIT_HOUR_LIST_PRICE)),
            organization_tier: None,
            service_rates: Vec::new(),
        }
    }
}

impl CostConfig {
    /// The rates the cost model prices with.
    pub fn rates(&self) -> Rates {
        Rates {
            cdc_unit_hour: self.cdc_unit_hour,
            organization_tier: self
                .organization_tier
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            service: self.service_rates.clone(),
        }
    }
}

/// How this instance shares the database with others. The URL itself comes from
/// `--database-url` / `CLICKSCALE_DATABASE_URL`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Names this instance in leases. A restarted instance with the same name takes its work
    /// back at once; another waits until the lease lapses. Empty: the host name plus a suffix
    /// of the process's own, so that no other process ever takes live work at once.
    pub instance_id: String,
    /// How long an instance may act on an operation or reminder without renewing its lease.
    #[serde(with = "humantime_serde")]
    pub lease_ttl: Duration,
    /// SQLite: how long a write waits for another process's write lock before it fails (and
    /// the bot says the store is unavailable).
    #[serde(with = "humantime_serde")]
    pub sqlite_busy_timeout: Duration,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            instance_id: String::new(),
            lease_ttl: Duration::from_secs(30),
            sqlite_busy_timeout: Duration::from_secs(10),
        }
    }
}

impl StoreConfig {
    /// The configured id; without one, the host name with a suffix of this process's own.
    ///
    /// Taking work back at once is only safe for a restart of the *same* instance, which only
    /// an explicit id can say. Two processes on one host (a `run` and a `console`, say) would
    /// otherwise share the host name and one would take over the other's live operations; with
    /// an unconfigured id, a restarted process waits for the leases to lapse instead.
    pub fn instance(&self) -> String {
        if !self.instance_id.trim().is_empty() {
            return self.instance_id.trim().to_owned();
        }
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "clickscale".into());
        format!("{host}-{}", process_suffix())
    }
}

/// Six hex digits fixed for the life of this process.
fn process_suffix() -> &'static str {
    static SUFFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SUFFIX.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..6].to_owned())
}

/// Who is told to scale down after a snapshot or before a timed revert, and how hard to insist.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OnCall {
    /// Discord role id mentioned on scale-down reminders (a role name on the console).
    pub role: Option<String>,
    /// Mentioned when nobody answered two reminders.
    pub escalation_role: Option<String>,
    /// Channel id that also gets the escalation.
    pub escalation_channel: Option<String>,
    /// Remind again, then escalate, after this long without an answer.
    #[serde(with = "humantime_serde")]
    pub answer_within: Duration,
    /// How often the DB ClickPipes are checked while an initial load runs.
    #[serde(with = "humantime_serde")]
    pub snapshot_check_interval: Duration,
    /// Scale down on its own this long after the escalation when nobody answered; off when unset.
    #[serde(with = "humantime_serde")]
    pub auto_scale_down_after: Option<Duration>,
    /// A timed change warns this long before it is reverted.
    #[serde(with = "humantime_serde")]
    pub timed_revert_warning: Duration,
    /// How often due reminders are looked for.
    #[serde(with = "humantime_serde")]
    pub tick: Duration,
    /// Not a setting: `console --sim` runs follow-ups on the simulator's faster clock.
    #[serde(skip)]
    pub clock: crate::scaling::FollowUpClock,
}

impl Default for OnCall {
    fn default() -> Self {
        Self {
            role: None,
            escalation_role: None,
            escalation_channel: None,
            answer_within: Duration::from_secs(3600),
            snapshot_check_interval: Duration::from_secs(5 * 60),
            auto_scale_down_after: None,
            timed_revert_warning: Duration::from_secs(15 * 60),
            tick: Duration::from_secs(15),
            clock: crate::scaling::FollowUpClock::wall(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    #[serde(skip_serializing)]
    pub token: Option<SecretString>,
    /// Register commands in this guild only (instant); global registration when absent.
    pub guild_id: Option<u64>,
    /// Send Discord REST traffic through this proxy (twilight-http-proxy style); tests point it at a fake.
    pub proxy_url: Option<String>,
    /// How long one REST call for a status message, thread or thread message may take
    /// before it counts as failed (and is tried again, with the same nonce).
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Tries per such call on 5xx and timeouts, with exponential backoff; 429s are waited
    /// out as Discord says and do not count. What still fails waits in the outbox.
    pub attempts: u32,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        Self {
            token: None,
            guild_id: None,
            proxy_url: None,
            request_timeout: Duration::from_secs(15),
            attempts: 4,
        }
    }
}

impl DiscordConfig {
    /// How the bot's REST client retries.
    pub fn rest_policy(&self) -> crate::discord::rest::RestPolicy {
        let mut policy = crate::discord::rest::RestPolicy {
            request_timeout: self.request_timeout,
            ..Default::default()
        };
        policy.retry.max_attempts = self.attempts.max(1);
        policy
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CloudConfig {
    pub api_url: String,
    pub org_id: String,
    pub key_id: String,
    #[serde(skip_serializing)]
    pub key_secret: Option<SecretString>,
    /// The API allows 10 requests per 10 s per key; the client never exceeds this budget.
    pub rate_limit_requests: u32,
    #[serde(with = "humantime_serde")]
    pub rate_limit_period: Duration,
    #[serde(with = "humantime_serde")]
    pub connect_timeout: Duration,
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Offer the organization's services (not just configured aliases) in autocomplete.
    pub autocomplete_org_services: bool,
}

impl Default for CloudConfig {
    fn default() -> Self {
        Self {
            api_url: DEFAULT_API_URL.into(),
            org_id: String::new(),
            key_id: String::new(),
            key_secret: None,
            rate_limit_requests: 10,
            rate_limit_period: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            autocomplete_org_services: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Docs say 1-24 cores, the API spec allows 32.
    pub cdc_max_cores: u32,
    /// The organization's per-replica memory cap when known (120 GB non-paid, 356 GB paid).
    pub memory_cap_gb: Option<u32>,
    /// Replica ceiling: the docs' 20 by default; up to the spec's 50 where support raised it.
    pub replicas_max: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            cdc_max_cores: 24,
            memory_cap_gb: None,
            replicas_max: crate::scaling::REPLICAS_DEFAULT_MAX,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timings {
    /// How often a watched service is polled (one poll stream per service, shared by its watchers).
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// Give up watching after this long and report what was last seen.
    #[serde(with = "humantime_serde")]
    pub watch_deadline: Duration,
    /// Confirm / Cancel buttons expire after this long.
    #[serde(with = "humantime_serde")]
    pub confirm_timeout: Duration,
    /// The window CDC scaling usually takes (docs: 3-5 minutes).
    #[serde(with = "humantime_serde")]
    pub cdc_expected_min: Duration,
    #[serde(with = "humantime_serde")]
    pub cdc_expected_max: Duration,
    /// The window replica / idle changes usually take to show in the API.
    #[serde(with = "humantime_serde")]
    pub service_expected_max: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(10),
            watch_deadline: Duration::from_secs(20 * 60),
            confirm_timeout: Duration::from_secs(5 * 60),
            cdc_expected_min: Duration::from_secs(3 * 60),
            cdc_expected_max: Duration::from_secs(5 * 60),
            service_expected_max: Duration::from_secs(2 * 60),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RiskConfig {
    /// Ask for confirmation when a change multiplies cost by more than this.
    pub cost_up_confirm_factor: f64,
    /// Also ask when a change adds more than this many USD per hour (at the `[cost]` rates);
    /// off when unset.
    pub cost_up_confirm_per_hour: Option<Money>,
}

impl Default for RiskConfig {
    fn default() -> Self {
        Self {
            cost_up_confirm_factor: 2.0,
            cost_up_confirm_per_hour: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceAlias {
    pub alias: String,
    /// The service's UUID in ClickHouse Cloud.
    pub id: String,
    /// Idling drops connections and pauses refreshable materialized views and S3Queue:
    /// enabling it on a customer-facing service always needs a confirmation.
    pub customer_facing: bool,
}

/// Who may do what, where. With no rules at all, everyone may run every command (demo mode);
/// as soon as one rule exists, anything no rule allows is denied.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub rules: Vec<PolicyRule>,
    /// Roles whose members may press Confirm on someone else's operation. The requester may
    /// always confirm their own, if a rule still allows them to run the command.
    pub confirmer_roles: Vec<String>,
}

/// One allow rule. `"*"` matches anything; an empty list matches nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyRule {
    /// Command names without the slash: `cdc-scale`, `replicas`, `idle`.
    pub commands: Vec<String>,
    /// Service aliases or ids.
    pub services: Vec<String>,
    /// Discord role ids (or names on the console).
    pub roles: Vec<String>,
    /// Discord channel ids.
    pub channels: Vec<String>,
}

fn matches(list: &[String], value: &str) -> bool {
    list.iter().any(|x| x == "*" || x == value)
}

impl PolicyRule {
    fn allows(&self, command: &str, service: &[&str], roles: &[String], channel: &str) -> bool {
        matches(&self.commands, command)
            && service.iter().any(|s| matches(&self.services, s))
            && (self.roles.iter().any(|r| r == "*") || roles.iter().any(|r| self.roles.contains(r)))
            && matches(&self.channels, channel)
    }
}

impl Policy {
    /// `service` holds every name the service is known by (alias, id), so rules may use either.
    pub fn allows(&self, command: &str, service: &[&str], roles: &[String], channel: &str) -> bool {
        self.rules.is_empty()
            || self
                .rules
                .iter()
                .any(|r| r.allows(command, service, roles, channel))
    }

    pub fn may_confirm(&self, roles: &[String]) -> bool {
        self.rules.is_empty()
            || self
                .confirmer_roles
                .iter()
                .any(|c| c == "*" || roles.contains(c))
    }
}

impl Config {
    /// Defaults, then `file` (if any), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            anyhow::ensure!(
                path.exists(),
                "config file {} does not exist",
                path.display()
            );
            fig = fig.merge(Toml::file(path));
        }
        Self::from_figment(fig.merge(Self::env()))
    }

    fn env() -> Figment {
        Figment::new()
            // Only `CLICKSCALE_<SECTION>__<KEY>`: the other CLICKSCALE_ variables (`_CONFIG`,
            // `_LOG`, `_LOCALE`, `_DATABASE_URL`, `_HTTP_ADDR`, test settings) are not config keys.
            .merge(
                Env::prefixed("CLICKSCALE_")
                    .filter(|k| k.as_str().contains("__"))
                    .split("__"),
            )
            .merge(
                Env::raw()
                    .only(&["DISCORD_TOKEN"])
                    .map(|_| "discord.token".into()),
            )
            .merge(
                Env::raw()
                    .only(&[
                        "CLICKHOUSE_ORG_ID",
                        "CLICKHOUSE_KEY_ID",
                        "CLICKHOUSE_KEY_SECRET",
                        "CLICKHOUSE_API_URL",
                    ])
                    .map(|k| {
                        let key = k.as_str().to_ascii_lowercase();
                        format!("cloud.{}", key.trim_start_matches("clickhouse_")).into()
                    }),
            )
    }

    fn from_figment(fig: Figment) -> anyhow::Result<Self> {
        let config: Config = fig
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks that need more than types: the bounds, the aliases, the timings.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.limits()?;
        let t = &self.timings;
        anyhow::ensure!(
            !t.poll_interval.is_zero(),
            "timings.poll_interval must be greater than zero"
        );
        anyhow::ensure!(
            t.cdc_expected_min <= t.cdc_expected_max,
            "timings.cdc_expected_min must not exceed timings.cdc_expected_max"
        );
        anyhow::ensure!(
            self.cloud.rate_limit_requests > 0 && !self.cloud.rate_limit_period.is_zero(),
            "cloud.rate_limit_requests and cloud.rate_limit_period must be greater than zero"
        );
        anyhow::ensure!(
            self.risk.cost_up_confirm_factor >= 1.0,
            "risk.cost_up_confirm_factor must be at least 1.0"
        );
        anyhow::ensure!(
            self.risk
                .cost_up_confirm_per_hour
                .is_none_or(|m| !m.0.is_sign_negative()),
            "risk.cost_up_confirm_per_hour must not be negative"
        );
        let c = &self.cost;
        anyhow::ensure!(
            c.cdc_unit_hour.is_none_or(|m| !m.0.is_sign_negative())
                && c.service_rates
                    .iter()
                    .all(|r| !r.unit_hour.0.is_sign_negative()),
            "[cost] rates must not be negative"
        );
        let o = &self.oncall;
        anyhow::ensure!(
            !o.tick.is_zero() && !o.answer_within.is_zero() && !o.snapshot_check_interval.is_zero(),
            "oncall.tick, oncall.answer_within and oncall.snapshot_check_interval must be greater than zero"
        );
        anyhow::ensure!(
            self.digest.hour <= 23,
            "digest.hour must be an hour of the day, 0 to 23 (UTC), not {}",
            self.digest.hour
        );
        anyhow::ensure!(
            self.digest
                .channel
                .as_deref()
                .is_none_or(|c| !c.trim().is_empty()),
            "digest.channel must be a channel id (leave it out for no digest)"
        );
        anyhow::ensure!(
            self.store.lease_ttl >= Duration::from_secs(1),
            "store.lease_ttl must be at least 1s"
        );
        let mut seen = std::collections::HashSet::new();
        for s in &self.services {
            anyhow::ensure!(
                !s.alias.is_empty(),
                "a [[services]] entry has an empty alias"
            );
            anyhow::ensure!(!s.id.is_empty(), "service alias {:?} has no id", s.alias);
            anyhow::ensure!(
                seen.insert(s.alias.to_lowercase()),
                "service alias {:?} is defined twice",
                s.alias
            );
        }
        Ok(())
    }

    /// Settings for the Cloud API client; fails when the key or organization is missing.
    pub fn cloud_settings(&self) -> anyhow::Result<CloudSettings> {
        let c = &self.cloud;
        anyhow::ensure!(
            !c.org_id.is_empty(),
            "CLICKHOUSE_ORG_ID (cloud.org_id) is not set"
        );
        anyhow::ensure!(
            !c.key_id.is_empty(),
            "CLICKHOUSE_KEY_ID (cloud.key_id) is not set"
        );
        let key_secret = c
            .key_secret
            .clone()
            .ok_or_else(|| anyhow::anyhow!("CLICKHOUSE_KEY_SECRET is not set"))?;
        Ok(CloudSettings {
            base_url: c.api_url.clone(),
            org_id: c.org_id.clone(),
            key_id: c.key_id.clone(),
            key_secret,
            connect_timeout: c.connect_timeout,
            request_timeout: c.request_timeout,
            rate_limit: RateLimit {
                requests: c.rate_limit_requests,
                per: c.rate_limit_period,
            },
            retry: RetryPolicy::default(),
        })
    }

    pub fn limits(&self) -> anyhow::Result<Limits> {
        Limits::new(self.limits.cdc_max_cores, self.limits.memory_cap_gb)
            .and_then(|l| l.with_replicas_max(self.limits.replicas_max))
            .map_err(|e| anyhow::anyhow!("[limits]: {e}"))
    }

    /// The alias entry for a name (alias, case-insensitive) or a service id.
    pub fn service_alias(&self, name_or_id: &str) -> Option<&ServiceAlias> {
        self.services
            .iter()
            .find(|s| s.alias.eq_ignore_ascii_case(name_or_id) || s.id == name_or_id)
    }
}

#[cfg(test)]
// figment's Jail fixes the closure's error type; it is large but only lives in tests.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn file_then_env_with_env_winning_and_secret_redacted() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                r#"
                [cloud]
                org_id = "from-file"
                key_id = "file-key"
                [timings]
                poll_interval = "3s"
                [[services]]
                alias = "prod"
                id = "1111"
                customer_facing = true
                "#,
            )?;
            jail.set_env("CLICKHOUSE_ORG_ID", "from-env");
            jail.set_env("CLICKHOUSE_KEY_SECRET", "hunter2-secret");
            jail.set_env("CLICKSCALE_LIMITS__CDC_MAX_CORES", "32");
            // Variables of the same prefix that are not config keys are left alone.
            jail.set_env("CLICKSCALE_TEST_POSTGRES_URL", "postgres://x@127.0.0.1/y");
            jail.set_env("CLICKSCALE_DATABASE_URL", "sqlite://elsewhere.db");
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.cloud.org_id, "from-env");
            assert_eq!(c.cloud.key_id, "file-key");
            assert_eq!(c.timings.poll_interval, Duration::from_secs(3));
            assert_eq!(c.limits.cdc_max_cores, 32);
            assert_eq!(
                c.cloud.key_secret.as_ref().unwrap().expose_secret(),
                "hunter2-secret"
            );
            assert!(!format!("{c:?}").contains("hunter2"));
            assert!(c.service_alias("PROD").unwrap().customer_facing);
            Ok(())
        });
    }

    #[test]
    fn the_example_file_loads_and_sets_every_section() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("clickscale.example.toml");
        let c = Config::load(Some(&path)).unwrap();
        assert_eq!(c.oncall.role.as_deref(), Some("333333333333333333"));
        assert_eq!(c.oncall.answer_within, Duration::from_secs(3600));
        assert_eq!(c.store.lease_ttl, Duration::from_secs(30));
        assert!(!c.policy.rules.is_empty() && !c.services.is_empty());
    }

    #[test]
    fn the_digest_is_off_by_default_and_its_day_hour_and_language_are_checked() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("none.toml", "")?;
            let c = Config::load(Some(Path::new("none.toml"))).unwrap();
            assert_eq!(c.digest.channel, None);
            jail.create_file(
                "on.toml",
                "[digest]\nchannel = \"42\"\nweekday = \"Friday\"\nhour = 17\nlocale = \"zh-CN\"\n",
            )?;
            let c = Config::load(Some(Path::new("on.toml"))).unwrap();
            assert_eq!(c.digest.channel.as_deref(), Some("42"));
            assert_eq!(c.digest.weekday, chrono::Weekday::Fri);
            assert_eq!(
                (c.digest.hour, c.digest.locale),
                (17, crate::i18n::Locale::ZhCn)
            );
            for (file, bad, named) in [
                (
                    "h.toml",
                    "hour = 24",
                    "digest.hour must be an hour of the day, 0 to 23",
                ),
                (
                    "d.toml",
                    "weekday = \"someday\"",
                    "`someday` is not a weekday",
                ),
                ("l.toml", "locale = \"fr\"", "fr"),
                (
                    "c.toml",
                    "channel = \" \"",
                    "digest.channel must be a channel id",
                ),
            ] {
                jail.create_file(file, &format!("[digest]\n{bad}\n"))?;
                let err = Config::load(Some(Path::new(file))).unwrap_err().to_string();
                assert!(err.contains(named), "{bad}: {err}");
            }
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[limits]\ncdc_max_cores = 40\n")?;
            let err = Config::load(Some(Path::new("c.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("32"), "{err}");
            jail.create_file("d.toml", "[timings]\npoll_intervall = \"3s\"\n")?;
            let err = Config::load(Some(Path::new("d.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("poll_intervall"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn replicas_max_defaults_to_20_and_takes_the_spec_50_when_configured() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("none.toml", "")?;
            let c = Config::load(Some(Path::new("none.toml"))).unwrap();
            assert_eq!(c.limits().unwrap().replicas_max(), 20);
            jail.create_file("fifty.toml", "[limits]\nreplicas_max = 50\n")?;
            let c = Config::load(Some(Path::new("fifty.toml"))).unwrap();
            assert_eq!(c.limits().unwrap().replicas_max(), 50);
            jail.create_file("more.toml", "[limits]\nreplicas_max = 51\n")?;
            let err = Config::load(Some(Path::new("more.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("replicas_max must be from 2"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn cost_rates_and_the_money_threshold_are_configurable() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                r#"
                [cost]
                cdc_unit_hour = 0.25
                organization_tier = "scale"
                [[cost.service_rates]]
                provider = "aws"
                region = "us-east-1"
                unit_hour = "0.31"
                "#,
            )?;
            jail.set_env("CLICKSCALE_RISK__COST_UP_CONFIRM_PER_HOUR", "1.50");
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            let rates = c.cost.rates();
            assert_eq!(rates.cdc_unit_hour, Money::parse("0.25"));
            assert_eq!(rates.organization_tier.as_deref(), Some("scale"));
            assert_eq!(rates.service[0].tier, "*");
            assert_eq!(rates.service[0].unit_hour, Money::parse("0.31").unwrap());
            assert_eq!(c.risk.cost_up_confirm_per_hour, Money::parse("1.5"));
            // Defaults: the CDC list price, no service rate.
            let d = Config::default().cost.rates();
            assert_eq!(d.cdc_unit_hour, Money::parse("0.20"));
            assert!(d.service.is_empty() && d.organization_tier.is_none());
            jail.create_file("off.toml", "[cost]\ncdc_unit_hour = \"none\"\n")?;
            let off = Config::load(Some(Path::new("off.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(off.cost.rates().cdc_unit_hour, None);
            jail.create_file("neg.toml", "[cost]\ncdc_unit_hour = -1\n")?;
            let err = Config::load(Some(Path::new("neg.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("must not be negative"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn policy_denies_what_no_rule_allows() {
        let p = Policy {
            rules: vec![PolicyRule {
                commands: vec!["replicas".into()],
                services: vec!["staging".into()],
                roles: vec!["ops".into()],
                channels: vec!["*".into()],
            }],
            confirmer_roles: vec!["lead".into()],
        };
        let ops = vec!["ops".to_string()];
        assert!(p.allows("replicas", &["staging", "uuid"], &ops, "c1"));
        assert!(!p.allows("cdc-scale", &["staging"], &ops, "c1"));
        assert!(!p.allows("replicas", &["prod"], &ops, "c1"));
        assert!(!p.allows("replicas", &["staging"], &["dev".to_string()], "c1"));
        assert!(!p.may_confirm(&ops));
        assert!(p.may_confirm(&["lead".to_string()]));
        assert!(Policy::default().allows("idle", &["x"], &[], "c"));
    }
}
