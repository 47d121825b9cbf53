//! The cost model: a configuration as the API reports it, and the configured rates -> money
//! per hour. Pure: no I/O, no clock.
//!
//! - DB ClickPipes (CDC) compute is billed per compute unit per hour, one unit = 2 vCPU + 8 GB,
//!   for the service as a whole: `cores / 2` units.
//! - Service compute is billed per unit of 8 GiB RAM (+ 2 vCPU) per hour: replicas × memory
//!   per replica / 8 units, at the rate of the organization's tier and the service's cloud and
//!   region. The upper bound of vertical autoscaling (max memory per replica) and, in horizontal
//!   mode, the max replica count are used: what the service may cost if left on, not what it
//!   happens to use this minute. Where no rate is configured the model says so
//!   ([`NoRate`]) instead of inventing one.
//!
//! Money is exact ([`rust_decimal::Decimal`]), rounded once, when a surface renders it.

use std::{
    fmt,
    ops::{Add, AddAssign, Sub},
    time::Duration,
};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::plan::{Current, Target};
use crate::cloud::model::{AutoscalingMode, CdcScaling, ReplicaScalingPatch, Service};

/// Hours in a month, as the ClickHouse pricing examples count them ("730 hours (approximate
/// month)", ClickPipes for PostgreSQL CDC billing page).
pub const HOURS_PER_MONTH: u32 = 730;

/// The list price of one DB ClickPipes compute unit for one hour, in USD (Scale and
/// Enterprise tiers; the Basic tier's 0.5 unit costs $0.10 an hour, the same rate).
pub const CDC_UNIT_HOUR_LIST_PRICE: Decimal = Decimal::from_parts(20, 0, 0, false, 2);

/// An amount in US dollars, exact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From a decimal text such as `0.20`.
    pub fn parse(text: &str) -> Option<Money> {
        text.trim().parse().ok().map(Money)
    }

    /// An hourly amount over a day.
    pub fn per_day(self) -> Money {
        Money(self.0 * Decimal::from(24))
    }

    /// An hourly amount over a month of [`HOURS_PER_MONTH`].
    pub fn per_month(self) -> Money {
        Money(self.0 * Decimal::from(HOURS_PER_MONTH))
    }

    /// An hourly amount over `span` (to the millisecond).
    pub fn over(self, span: Duration) -> Money {
        let millis = Decimal::from(u64::try_from(span.as_millis()).unwrap_or(u64::MAX));
        Money(self.0 * millis / Decimal::from(3_600_000))
    }

    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// Rounded to cents (banker's rounding would surprise people: half away from zero).
    pub fn cents(self) -> Decimal {
        self.0
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

/// English, for logs and the audit log: `$1.40`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.cents();
        if c.is_sign_negative() && !c.is_zero() {
            write!(f, "-${:.2}", c.abs())
        } else {
            write!(f, "${:.2}", c.abs())
        }
    }
}

/// The price of service compute for one tier, cloud and region (`"*"` matches any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRate {
    /// The organization's tier: `basic`, `scale`, `enterprise` (case does not matter).
    #[serde(default = "any")]
    pub tier: String,
    /// The cloud as the API names it: `aws`, `gcp`, `azure`.
    #[serde(default = "any")]
    pub provider: String,
    /// The region as the API names it: `us-east-1`.
    #[serde(default = "any")]
    pub region: String,
    /// USD per compute unit (8 GiB RAM, 2 vCPU) per hour.
    pub unit_hour: Money,
}

fn any() -> String {
    "*".into()
}

impl ServiceRate {
    fn matches(&self, tier: &str, provider: Option<&str>, region: Option<&str>) -> bool {
        let fits = |want: &str, have: Option<&str>| {
            want == "*" || have.is_some_and(|h| h.eq_ignore_ascii_case(want))
        };
        fits(&self.tier, Some(tier)) && fits(&self.provider, provider) && fits(&self.region, region)
    }
}

/// The rates the model prices with (`[cost]` in the configuration).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rates {
    /// USD per DB ClickPipes compute unit (2 vCPU + 8 GB) per hour; `None`: no rate.
    pub cdc_unit_hour: Option<Money>,
    /// The organization's tier; the API does not report it.
    pub organization_tier: Option<String>,
    /// Service compute rates; the first that matches wins.
    pub service: Vec<ServiceRate>,
}

impl Rates {
    /// The documented list prices: DB ClickPipes compute only (see the README for why there is
    /// no default service compute rate).
    pub fn list_prices() -> Self {
        Self {
            cdc_unit_hour: Some(Money(CDC_UNIT_HOUR_LIST_PRICE)),
            organization_tier: None,
            service: Vec::new(),
        }
    }
}

/// Why a configuration could not be priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum NoRate {
    /// `cost.cdc_unit_hour` is not set.
    Cdc,
    /// No `[[cost.service_rates]]` entry matches (or the organization's tier is not set).
    Service {
        tier: Option<String>,
        provider: Option<String>,
        region: Option<String>,
    },
}

/// The size service compute is billed for: replicas × memory per replica.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceSize {
    pub replicas: u32,
    pub memory_gb: u32,
}

impl ServiceSize {
    /// What the service may use as the API reports it (configured values first, then what is
    /// in force): the fixed or maximum replica count, and the maximum memory per replica.
    pub fn of(s: &Service) -> Option<Self> {
        let cs = &s.current_scaling;
        let replicas = match s.autoscaling_mode {
            AutoscalingMode::Horizontal => s.max_replicas.or(cs.effective_max_replicas),
            _ => s.num_replicas.or(cs.effective_max_replicas),
        }?;
        let memory = s
            .max_replica_memory_gb
            .or(s.replica_memory_gb)
            .or(cs.effective_max_replica_memory_gb)?;
        Some(Self {
            replicas,
            memory_gb: gb(memory)?,
        })
    }

    /// The size once `patch` is applied to a service of this size.
    pub fn patched(self, patch: &ReplicaScalingPatch) -> Self {
        Self {
            replicas: patch
                .num_replicas
                .or(patch.max_replicas)
                .unwrap_or(self.replicas),
            memory_gb: patch.max_replica_memory_gb.unwrap_or(self.memory_gb),
        }
    }

    /// Compute units: 8 GiB each.
    pub fn units(self) -> Decimal {
        Decimal::from(self.replicas) * Decimal::from(self.memory_gb) / Decimal::from(8)
    }
}

/// Memory in whole GB (the API takes multiples of 4); a fraction or a negative is not priced.
fn gb(v: f64) -> Option<u32> {
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}

/// Where a service runs, for its rate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placement<'a> {
    pub provider: Option<&'a str>,
    pub region: Option<&'a str>,
}

impl<'a> Placement<'a> {
    pub fn of(s: &'a Service) -> Self {
        Self {
            provider: s.provider.as_deref(),
            region: s.region.as_deref(),
        }
    }
}

impl Rates {
    /// DB ClickPipes compute per hour: `cores / 2` units at the configured rate.
    pub fn cdc_hourly(&self, c: &CdcScaling) -> Result<Money, NoRate> {
        let rate = self.cdc_unit_hour.ok_or(NoRate::Cdc)?;
        let units = Decimal::from(c.replica_cpu_millicores) / Decimal::from(2000);
        Ok(Money(rate.0 * units))
    }

    /// Service compute per hour for a size, at the rate of the configured tier and `at`.
    pub fn service_hourly(&self, size: ServiceSize, at: Placement<'_>) -> Result<Money, NoRate> {
        let missing = || NoRate::Service {
            tier: self.organization_tier.clone(),
            provider: at.provider.map(str::to_owned),
            region: at.region.map(str::to_owned),
        };
        let tier = self.organization_tier.as_deref().ok_or_else(missing)?;
        let rate = self
            .service
            .iter()
            .find(|r| r.matches(tier, at.provider, at.region))
            .ok_or_else(missing)?;
        Ok(Money(rate.unit_hour.0 * size.units()))
    }

    /// What a configuration the API reported costs per hour. `Ok(None)`: the API did not report
    /// enough to price it.
    pub fn hourly(&self, current: &Current) -> Result<Option<Money>, NoRate> {
        match current {
            Current::Cdc(c) => self.cdc_hourly(c).map(Some),
            Current::Service(s) => match ServiceSize::of(s) {
                Some(size) => self.service_hourly(size, Placement::of(s)).map(Some),
                None => Ok(None),
            },
        }
    }

    /// What changing `current` to `target` does to the cost per hour.
    pub fn change(&self, current: &Current, target: &Target) -> CostChange {
        let priced = match (current, target) {
            (Current::Cdc(from), Target::Cdc(to)) => self
                .cdc_hourly(from)
                .and_then(|old| Ok((old, self.cdc_hourly(to)?))),
            (Current::Service(s), Target::Service(p)) => {
                let Some(size) = ServiceSize::of(s) else {
                    return CostChange::Unknown;
                };
                // Only replica counts and memory bounds are billed; idling and the mode alone
                // change nothing here.
                if p.num_replicas.is_none()
                    && p.max_replicas.is_none()
                    && p.max_replica_memory_gb.is_none()
                {
                    return CostChange::Unknown;
                }
                let at = Placement::of(s);
                self.service_hourly(size, at)
                    .and_then(|old| Ok((old, self.service_hourly(size.patched(p), at)?)))
            }
            _ => return CostChange::Unknown,
        };
        match priced {
            Ok((old, new)) => CostChange::PerHour {
                before: old,
                after: new,
            },
            Err(missing) => CostChange::NoRate(missing),
        }
    }
}

/// What a change does to the cost per hour.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "cost", rename_all = "snake_case")]
pub enum CostChange {
    /// Nothing billed changes, or the API did not report enough to price it.
    #[default]
    Unknown,
    PerHour {
        before: Money,
        after: Money,
    },
    /// Billed capacity changes but no rate is configured for it.
    NoRate(NoRate),
}

impl CostChange {
    /// After minus before, when both are priced.
    pub fn difference(&self) -> Option<Money> {
        match self {
            Self::PerHour { before, after } => Some(*after - *before),
            _ => None,
        }
    }
}

/// A rate that may be switched off: a number (`0.20`), a decimal text (`"0.20"`), or `"none"`.
pub mod optional_rate {
    use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

    use super::Money;

    pub fn serialize<S: Serializer>(rate: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
        match rate {
            Some(m) => m.serialize(s),
            None => s.serialize_str("none"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Text(t) if t.trim().eq_ignore_ascii_case("none") => Ok(None),
            Raw::Text(t) => Money::parse(&t).map(Some).ok_or_else(|| {
                de::Error::custom(format!(
                    "a rate is a decimal number of USD (\"0.20\") or \"none\", not {t:?}"
                ))
            }),
            // TOML numbers arrive as floats: through their shortest text, so 0.2 is 0.2.
            Raw::Number(n) => Money::parse(&n.to_string())
                .map(Some)
                .ok_or_else(|| de::Error::custom(format!("{n} is not a rate"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{self, Locale};

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn cdc(cores: u32) -> CdcScaling {
        CdcScaling {
            replica_cpu_millicores: cores * 1000,
            replica_memory_gb: cores * 4,
        }
    }

    fn service(replicas: u32, max_gb: f64) -> Service {
        serde_json::from_value(serde_json::json!({
            "id": "s1", "name": "prod", "provider": "aws", "region": "us-east-1",
            "autoscalingMode": "vertical", "numReplicas": replicas,
            "minReplicaMemoryGb": 8, "maxReplicaMemoryGb": max_gb
        }))
        .unwrap()
    }

    fn scale_rates() -> Rates {
        Rates {
            organization_tier: Some("Scale".into()),
            service: vec![ServiceRate {
                tier: "scale".into(),
                provider: "aws".into(),
                region: "us-east-1".into(),
                unit_hour: money("0.30"),
            }],
            ..Rates::list_prices()
        }
    }

    #[test]
    fn cdc_is_billed_per_unit_of_two_cores_at_the_list_price() {
        let r = Rates::list_prices();
        // The docs' example: 1 unit (2 cores) at $0.20 an hour, $146 over 730 hours.
        assert_eq!(r.cdc_hourly(&cdc(2)).unwrap(), money("0.20"));
        assert_eq!(r.cdc_hourly(&cdc(2)).unwrap().per_month(), money("146"));
        assert_eq!(r.cdc_hourly(&cdc(8)).unwrap(), money("0.80"));
        // Basic tier: 0.5 unit, $0.10 an hour.
        let half = CdcScaling {
            replica_cpu_millicores: 1000,
            replica_memory_gb: 4,
        };
        assert_eq!(r.cdc_hourly(&half).unwrap(), money("0.10"));
        let change = r.change(&Current::Cdc(cdc(2)), &Target::Cdc(cdc(8)));
        assert_eq!(change.difference(), Some(money("0.60")));
    }

    #[test]
    fn service_compute_needs_a_tier_and_a_matching_rate() {
        let s = service(3, 16.0);
        let none = Rates::list_prices();
        assert_eq!(
            none.hourly(&Current::Service(Box::new(s.clone()))),
            Err(NoRate::Service {
                tier: None,
                provider: Some("aws".into()),
                region: Some("us-east-1".into())
            })
        );
        let r = scale_rates();
        // 3 replicas x 16 GB = 6 units of 8 GiB, at $0.30.
        assert_eq!(
            r.hourly(&Current::Service(Box::new(s.clone()))),
            Ok(Some(money("1.80")))
        );
        let patch = ReplicaScalingPatch {
            num_replicas: Some(5),
            ..Default::default()
        };
        let change = r.change(
            &Current::Service(Box::new(s.clone())),
            &Target::Service(patch.clone()),
        );
        assert_eq!(change.difference(), Some(money("1.20")));
        let mut elsewhere = s;
        elsewhere.region = Some("eu-west-1".into());
        assert!(matches!(
            r.change(
                &Current::Service(Box::new(elsewhere)),
                &Target::Service(patch)
            ),
            CostChange::NoRate(NoRate::Service { region: Some(reg), .. }) if reg == "eu-west-1"
        ));
        // Idling alone bills nothing new.
        let idle = ReplicaScalingPatch {
            idle_scaling: Some(true),
            ..Default::default()
        };
        assert_eq!(
            r.change(
                &Current::Service(Box::new(service(3, 16.0))),
                &Target::Service(idle)
            ),
            CostChange::Unknown
        );
    }

    #[test]
    fn money_over_time_is_exact() {
        let hourly = money("0.60");
        assert_eq!(hourly.over(Duration::from_secs(90 * 60)), money("0.90"));
        assert_eq!(hourly.per_day(), money("14.40"));
        assert_eq!(hourly.per_month(), money("438"));
        assert_eq!(money("1.40").per_month().to_string(), "$1022.00");
        assert_eq!(money("-0.005").to_string(), "-$0.01");
    }

    #[test]
    fn money_is_formatted_per_locale() {
        assert_eq!(i18n::money(Locale::EnUs, money("1.4")), "$1.40");
        assert_eq!(i18n::money(Locale::EnUs, money("1008.4")), "$1,008.40");
        assert_eq!(i18n::money(Locale::Ru, money("1008.4")), "1\u{a0}008,40 $");
        assert_eq!(i18n::money(Locale::Ru, money("1.4")), "1,40 $");
        assert_eq!(i18n::money(Locale::ZhCn, money("12345.6")), "US$12,345.60");
    }

    #[test]
    fn every_amount_is_to_the_cent_in_every_language() {
        // One rule, whatever the size: a month of $0.10/h and of $0.20/h read alike
        // ($73.00 and $146.00, never $73.00 beside $146).
        let (small, large) = (money("0.10").per_month(), money("0.20").per_month());
        let expected = [
            (Locale::EnUs, "$73.00", "$146.00"),
            (Locale::Ru, "73,00 $", "146,00 $"),
            (Locale::ZhCn, "US$73.00", "US$146.00"),
        ];
        for (loc, s, l) in expected {
            assert_eq!(i18n::money(loc, small), s, "{loc:?}");
            assert_eq!(i18n::money(loc, large), l, "{loc:?}");
        }
        assert_eq!(i18n::money(Locale::EnUs, money("0.004")), "$0.00");
        assert_eq!(i18n::money(Locale::EnUs, money("-2.5")), "$2.50", "no sign");
    }

    #[test]
    fn rates_read_numbers_texts_and_none() {
        #[derive(Deserialize)]
        struct R {
            #[serde(with = "optional_rate")]
            rate: Option<Money>,
        }
        let read = |t: &str| toml::from_str::<R>(t).map(|r| r.rate);
        assert_eq!(read("rate = 0.2").unwrap(), Some(money("0.2")));
        assert_eq!(read("rate = \"0.20\"").unwrap(), Some(money("0.20")));
        assert_eq!(read("rate = \"none\"").unwrap(), None);
        let err = read("rate = \"cheap\"").unwrap_err().to_string();
        assert!(err.contains("\"none\""), "{err}");
    }
}
