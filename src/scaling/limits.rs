//! Deployment limits that tighten the API's own: CDC core ceiling, replica ceiling and the
//! organization's per-replica memory cap.

use serde::{Deserialize, Serialize};

use super::{
    CDC_CORES_DEFAULT_MAX, CDC_CORES_SPEC_MAX, MEMORY_MIN_GB, MEMORY_SPEC_MAX_GB, MEMORY_STEP_GB,
    PRIMARY_REPLICAS_MIN, REPLICAS_DEFAULT_MAX, REPLICAS_SPEC_MAX,
};

/// Limits checked before anything is sent.
///
/// Fields are private so that every `Limits` value is within the API's own limits: the rules
/// can then trust them, and a bad config fails at start-up instead of on a user's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawLimits", into = "RawLimits")]
pub struct Limits {
    cdc_max_cores: u32,
    replicas_max: u32,
    memory_cap_gb: Option<u32>,
}

/// A configuration value outside what the API accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitsError {
    #[error("cdc_max_cores must be from 1 to {CDC_CORES_SPEC_MAX}, the API's limit (got {0})")]
    CdcMaxCores(u32),
    #[error(
        "replicas_max must be from {PRIMARY_REPLICAS_MIN} (what the primary service of a warehouse \
         needs) to {REPLICAS_SPEC_MAX}, the API's limit (got {0})"
    )]
    ReplicasMax(u32),
    #[error(
        "memory_cap_gb must be a multiple of 4 from {MEMORY_MIN_GB} to {MEMORY_SPEC_MAX_GB} \
         (got {0}); organizations on a non-paid plan have 120, paid ones 356"
    )]
    MemoryCap(u32),
}

impl Default for Limits {
    /// 24 CDC cores and 20 replicas (what the docs promise), no known memory cap.
    fn default() -> Self {
        Self {
            cdc_max_cores: CDC_CORES_DEFAULT_MAX,
            replicas_max: REPLICAS_DEFAULT_MAX,
            memory_cap_gb: None,
        }
    }
}

impl Limits {
    /// `cdc_max_cores` in 1..=32; `memory_cap_gb`, when known, a multiple of 4 in 8..=356.
    pub fn new(cdc_max_cores: u32, memory_cap_gb: Option<u32>) -> Result<Self, LimitsError> {
        if !(1..=CDC_CORES_SPEC_MAX).contains(&cdc_max_cores) {
            return Err(LimitsError::CdcMaxCores(cdc_max_cores));
        }
        if let Some(cap) = memory_cap_gb {
            if !(MEMORY_MIN_GB..=MEMORY_SPEC_MAX_GB).contains(&cap) || cap % MEMORY_STEP_GB != 0 {
                return Err(LimitsError::MemoryCap(cap));
            }
        }
        Ok(Self {
            cdc_max_cores,
            memory_cap_gb,
            ..Self::default()
        })
    }

    /// Sets the replica ceiling: 2..=50 (2 so a warehouse's primary service can still scale;
    /// 50 is the spec's maximum, for organizations whose limit support has raised above 20).
    pub fn with_replicas_max(self, replicas_max: u32) -> Result<Self, LimitsError> {
        if !(PRIMARY_REPLICAS_MIN..=REPLICAS_SPEC_MAX).contains(&replicas_max) {
            return Err(LimitsError::ReplicasMax(replicas_max));
        }
        Ok(Self {
            replicas_max,
            ..self
        })
    }

    pub fn cdc_max_cores(&self) -> u32 {
        self.cdc_max_cores
    }

    pub fn replicas_max(&self) -> u32 {
        self.replicas_max
    }

    pub fn memory_cap_gb(&self) -> Option<u32> {
        self.memory_cap_gb
    }

    /// The highest per-replica memory allowed: the organization's cap when known, else the spec's.
    pub fn memory_max_gb(&self) -> u32 {
        self.memory_cap_gb.unwrap_or(MEMORY_SPEC_MAX_GB)
    }

    /// The cap is known and lower than the spec's limit (worth mentioning in messages).
    pub(super) fn memory_cap_applies(&self) -> bool {
        self.memory_max_gb() < MEMORY_SPEC_MAX_GB
    }
}

/// The serialized form; deserializing goes through [`Limits::new`] so invalid values fail.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    #[serde(default = "default_cdc_max_cores")]
    cdc_max_cores: u32,
    #[serde(default = "default_replicas_max")]
    replicas_max: u32,
    #[serde(default)]
    memory_cap_gb: Option<u32>,
}

fn default_cdc_max_cores() -> u32 {
    CDC_CORES_DEFAULT_MAX
}

fn default_replicas_max() -> u32 {
    REPLICAS_DEFAULT_MAX
}

impl TryFrom<RawLimits> for Limits {
    type Error = LimitsError;

    fn try_from(raw: RawLimits) -> Result<Self, LimitsError> {
        Limits::new(raw.cdc_max_cores, raw.memory_cap_gb)?.with_replicas_max(raw.replicas_max)
    }
}

impl From<Limits> for RawLimits {
    fn from(l: Limits) -> Self {
        Self {
            cdc_max_cores: l.cdc_max_cores,
            replicas_max: l.replicas_max,
            memory_cap_gb: l.memory_cap_gb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdc_max_cores_must_be_1_to_32() {
        assert_eq!(Limits::new(0, None), Err(LimitsError::CdcMaxCores(0)));
        assert_eq!(Limits::new(33, None), Err(LimitsError::CdcMaxCores(33)));
        assert_eq!(Limits::new(1, None).unwrap().cdc_max_cores(), 1);
        assert_eq!(Limits::new(32, None).unwrap().cdc_max_cores(), 32);
        assert_eq!(
            LimitsError::CdcMaxCores(33).to_string(),
            "cdc_max_cores must be from 1 to 32, the API's limit (got 33)"
        );
    }

    #[test]
    fn memory_cap_must_be_a_valid_memory_size() {
        for bad in [0, 4, 7, 121, 360] {
            assert_eq!(Limits::new(24, Some(bad)), Err(LimitsError::MemoryCap(bad)));
        }
        for good in [8, 120, 356] {
            let l = Limits::new(24, Some(good)).unwrap();
            assert_eq!(l.memory_max_gb(), good);
        }
        assert_eq!(Limits::default().memory_max_gb(), 356);
        assert!(Limits::new(24, Some(120)).unwrap().memory_cap_applies());
        assert!(!Limits::new(24, Some(356)).unwrap().memory_cap_applies());
    }

    #[test]
    fn replicas_max_is_20_by_default_and_2_to_50_when_configured() {
        let l = Limits::default();
        assert_eq!(l.replicas_max(), 20);
        assert_eq!(l.with_replicas_max(1), Err(LimitsError::ReplicasMax(1)));
        assert_eq!(l.with_replicas_max(51), Err(LimitsError::ReplicasMax(51)));
        assert_eq!(l.with_replicas_max(2).unwrap().replicas_max(), 2);
        assert_eq!(l.with_replicas_max(50).unwrap().replicas_max(), 50);
        assert!(LimitsError::ReplicasMax(51)
            .to_string()
            .contains("from 2 (what the primary service of a warehouse needs) to 50"));
    }

    #[test]
    fn deserializing_validates_and_fills_defaults() {
        let l: Limits = serde_json::from_str(r#"{"memory_cap_gb":120}"#).unwrap();
        assert_eq!(
            (l.cdc_max_cores(), l.replicas_max(), l.memory_cap_gb()),
            (24, 20, Some(120))
        );
        let e = serde_json::from_str::<Limits>(r#"{"cdc_max_cores":40}"#).unwrap_err();
        assert!(
            e.to_string().contains("cdc_max_cores must be from 1 to 32"),
            "{e}"
        );
        let back: Limits = serde_json::from_value(serde_json::to_value(l).unwrap()).unwrap();
        assert_eq!(back, l);
    }
}
