//! Unit tests: every message verbatim, the service-dependent rules, plans and the watcher's
//! stop condition. Property tests over the whole input space live in `tests/scaling_props.rs`.

use std::time::Duration;

use super::*;
use crate::cloud::model::{CdcScaling, ReplicaScalingPatch, Service, ServiceState};
use crate::i18n::Locale;

/// The example service of the Cloud API notes: vertical, 3 replicas, 16–120 GB, idling 15 min.
fn service() -> Service {
    serde_json::from_str(
        r#"{"id":"9d1c","name":"prod-analytics","state":"running","tier":"production",
        "autoscalingMode":"vertical","numReplicas":3,"minReplicaMemoryGb":16,"maxReplicaMemoryGb":120,
        "idleScaling":true,"idleTimeoutMinutes":15,"profile":"v1-default",
        "currentScaling":{"effectiveAutoscalingMode":"vertical","effectiveMinReplicaMemoryGb":16,
          "effectiveMaxReplicaMemoryGb":120,"effectiveMinReplicas":3,"effectiveMaxReplicas":3,
          "effectiveIdleScaling":true,"effectiveIdleTimeoutMinutes":15}}"#,
    )
    .unwrap()
}

fn horizontal() -> Service {
    let mut s = service();
    s.autoscaling_mode = crate::cloud::model::AutoscalingMode::Horizontal;
    s.num_replicas = None;
    s.min_replicas = Some(2);
    s.max_replicas = Some(6);
    s.min_replica_memory_gb = Some(32.0);
    s.max_replica_memory_gb = Some(32.0);
    s
}

fn replicas(count: Option<i64>, min: Option<i64>, max: Option<i64>) -> ReplicaInput {
    ReplicaInput {
        count,
        min_memory_gb: min,
        max_memory_gb: max,
        ..ReplicaInput::default()
    }
}

fn err(input: ReplicaInput, s: &Service, l: &Limits) -> String {
    replica_patch(&input, s, l).unwrap_err().to_string()
}

fn limits_32() -> Limits {
    Limits::new(32, None).unwrap()
}

fn capped() -> Limits {
    Limits::new(24, Some(120)).unwrap()
}

// ---- messages, verbatim ----

#[test]
fn cores_message_names_range_value_and_configurable_limit() {
    let l = Limits::default();
    assert_eq!(
        cdc_target(30, &l).unwrap_err().to_string(),
        "cores must be a whole number from 1 to 24 (got 30); the limit is configurable up to 32"
    );
    // The hint only where raising the limit would help.
    assert_eq!(
        cdc_target(0, &l).unwrap_err().to_string(),
        "cores must be a whole number from 1 to 24 (got 0)"
    );
    assert_eq!(
        cdc_target(33, &l).unwrap_err().to_string(),
        "cores must be a whole number from 1 to 24 (got 33)"
    );
    assert_eq!(
        cdc_target(33, &limits_32()).unwrap_err().to_string(),
        "cores must be a whole number from 1 to 32 (got 33)"
    );
    assert_eq!(
        cdc_target(i64::MIN, &l).unwrap_err(),
        RuleError::Cores {
            got: i64::MIN,
            max: 24
        }
    );
}

#[test]
fn cdc_target_sets_4_gb_per_core() {
    assert_eq!(
        cdc_target(8, &Limits::default()).unwrap(),
        CdcScaling {
            replica_cpu_millicores: 8000,
            replica_memory_gb: 32
        }
    );
    assert_eq!(cdc_target(32, &limits_32()).unwrap().replica_memory_gb, 128);
}

#[test]
fn replica_count_messages() {
    let (s, l) = (service(), Limits::default());
    assert_eq!(
        err(replicas(Some(21), None, None), &s, &l),
        "replicas must be a whole number from 1 to 20 (got 21)"
    );
    assert_eq!(
        err(replicas(Some(-1), None, None), &s, &l),
        "replicas must be a whole number from 1 to 20 (got -1)"
    );
    let mut primary = service();
    primary.is_primary = Some(true);
    primary.data_warehouse_id = Some("wh-1".into());
    assert_eq!(
        err(replicas(Some(1), None, None), &primary, &l),
        "replicas must be a whole number from 2 to 20 for the primary service of a warehouse (got 1)"
    );
    assert_eq!(
        err(
            replicas(Some(5), None, None),
            &s,
            &l.with_replicas_max(4).unwrap()
        ),
        "replicas must be a whole number from 1 to 4 (got 5)"
    );
}

#[test]
fn memory_range_messages() {
    let (s, l) = (service(), Limits::default());
    assert_eq!(
        err(replicas(None, Some(30), Some(64)), &s, &l),
        "min memory must be a multiple of 4 from 8 to 356 GB per replica (got 30)"
    );
    assert_eq!(
        err(replicas(None, Some(16), Some(360)), &s, &l),
        "max memory must be a multiple of 4 from 8 to 356 GB per replica (got 360)"
    );
    assert_eq!(
        err(replicas(None, Some(16), Some(200)), &s, &capped()),
        "max memory must be a multiple of 4 from 8 to 120 GB per replica (got 200); \
         120 GB is this organization's per-replica cap"
    );
}

#[test]
fn memory_pair_messages() {
    let (s, l) = (service(), Limits::default());
    assert_eq!(
        err(replicas(None, Some(64), Some(32)), &s, &l),
        "min memory must not be above max memory: both must be multiples of 4 from 8 to 356 GB \
         per replica with min ≤ max (got min 64, max 32)"
    );
    // The service has 16–120 GB.
    assert_eq!(
        err(replicas(None, Some(128), None), &s, &l),
        "min memory must be from 8 to 120 GB per replica, the service's current max memory \
         (got 128); give max memory as well to go higher"
    );
    assert_eq!(
        err(replicas(None, None, Some(12)), &s, &l),
        "max memory must be from 16 GB, the service's current min memory, to 356 GB per replica \
         (got 12); give min memory as well to go lower"
    );
    let mut unknown = service();
    unknown.max_replica_memory_gb = None;
    unknown.current_scaling.effective_max_replica_memory_gb = None;
    assert_eq!(
        err(replicas(None, Some(16), None), &unknown, &l),
        "min memory was given alone, but the service reports no current max memory; give max \
         memory as well (multiples of 4 from 8 to 356 GB per replica, min ≤ max)"
    );
    // The filled-in value is checked like a given one (here against the org cap).
    let mut big = service();
    big.max_replica_memory_gb = Some(236.0);
    assert_eq!(
        err(replicas(None, Some(16), None), &big, &capped()),
        "the service's current max memory is 236 GB, outside what is allowed (a multiple of 4 \
         from 8 to 120 GB per replica); 120 GB is this organization's per-replica cap; give max \
         memory as well"
    );
}

#[test]
fn horizontal_and_profile_messages() {
    let l = Limits::default();
    assert_eq!(
        err(replicas(Some(5), None, None), &horizontal(), &l),
        "replicas: a horizontal-mode service takes a min–max replica range, not a fixed count \
         (got 5); give min-replicas and max-replicas (from 1 to 20), or mode:vertical to switch \
         to a fixed count"
    );
    assert_eq!(
        err(replicas(None, Some(16), Some(64)), &horizontal(), &l),
        "memory: this service uses horizontal autoscaling, where every replica has one fixed \
         size, so min memory must equal max memory (got 16–64 GB); give one size, a multiple of \
         4 from 8 to 356 GB"
    );
    let mut highmem = service();
    highmem.profile = Some("v1-highmem-m".into());
    assert_eq!(
        err(replicas(None, Some(16), Some(64)), &highmem, &l),
        "memory: profile v1-highmem-m has no vertical autoscaling, so min memory must equal max \
         memory (got 16–64 GB); give one size, a multiple of 4 from 8 to 356 GB"
    );
}

#[test]
fn basic_tier_and_empty_request_messages() {
    let l = Limits::default();
    for tier in ["development", "Basic"] {
        let mut s = service();
        s.tier = Some(tier.into());
        assert_eq!(
            err(replicas(Some(2), None, None), &s, &l),
            format!(
                "Basic-tier services run a single replica and cannot scale; upgrade to Scale or \
                 Enterprise (this service's tier is {tier:?}; idling can still be changed)"
            )
        );
        assert!(idle_patch(&IdleInput {
            enabled: true,
            timeout_minutes: Some(5)
        })
        .is_ok());
    }
    assert_eq!(
        err(ReplicaInput::default(), &service(), &capped()),
        "give at least one of count (from 1 to 20), min-replicas/max-replicas (horizontal mode), \
         mode (vertical or horizontal) or min/max memory (multiples of 4 from 8 to 120 GB per \
         replica)"
    );
}

#[test]
fn idle_messages() {
    let on = |t| IdleInput {
        enabled: true,
        timeout_minutes: Some(t),
    };
    assert_eq!(
        idle_patch(&on(4)).unwrap_err().to_string(),
        "idle timeout must be a whole number of minutes from 5 to 10080, i.e. up to one week (got 4)"
    );
    assert_eq!(
        idle_patch(&on(10_081)).unwrap_err(),
        RuleError::IdleTimeout { got: 10_081 }
    );
    assert_eq!(
        idle_patch(&IdleInput {
            enabled: false,
            timeout_minutes: Some(15)
        })
        .unwrap_err()
        .to_string(),
        "idle timeout only applies when idling is on (got 15 with idling off); turn idling off \
         without a timeout, or turn it on with a timeout from 5 to 10080 minutes"
    );
}

#[test]
fn duration_messages() {
    assert_eq!(
        parse_duration("soon").unwrap_err().to_string(),
        "duration must be a length like 30m, 4h, 1h30m or 2d, from 1 minute to 30 days (got \"soon\")"
    );
    assert_eq!(
        parse_duration("31d").unwrap_err().to_string(),
        "duration must be from 1 minute to 30 days (got \"31d\")"
    );
    let long = "x".repeat(100);
    match parse_duration(&long).unwrap_err() {
        RuleError::Duration { input, problem } => {
            assert_eq!(problem, DurationProblem::Unreadable);
            assert_eq!(input, format!("{}…", "x".repeat(40)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// All user-facing rule messages in one reviewed file.
#[test]
fn rule_messages_snapshot() {
    let (s, l, l32, cap) = (service(), Limits::default(), limits_32(), capped());
    let mut primary = service();
    primary.is_primary = Some(true);
    primary.data_warehouse_id = Some("wh-1".into());
    let mut highcpu = service();
    highcpu.profile = Some("v1-highcpu-s".into());
    let mut dev = service();
    dev.tier = Some("development".into());
    let hz = horizontal();
    let mut lines = Vec::new();
    let mut show = |label: String, r: Result<String, RuleError>| {
        lines.push(match r {
            Ok(v) => format!("{label} => ok {v}"),
            Err(e) => format!("{label} => {e}"),
        });
    };
    for cores in [i64::MIN, -1, 0, 1, 24, 25, 32, 33, i64::MAX] {
        show(
            format!("cdc {cores} (max 24)"),
            cdc_target(cores, &l).map(|c| format!("{c:?}")),
        );
        show(
            format!("cdc {cores} (max 32)"),
            cdc_target(cores, &l32).map(|c| format!("{c:?}")),
        );
    }
    let cases: Vec<(&str, &Service, &Limits, ReplicaInput)> = vec![
        ("nothing", &s, &l, replicas(None, None, None)),
        ("count 0", &s, &l, replicas(Some(0), None, None)),
        ("count 1", &s, &l, replicas(Some(1), None, None)),
        ("count 20", &s, &l, replicas(Some(20), None, None)),
        ("count 21", &s, &l, replicas(Some(21), None, None)),
        (
            "primary count 1",
            &primary,
            &l,
            replicas(Some(1), None, None),
        ),
        (
            "primary count 2",
            &primary,
            &l,
            replicas(Some(2), None, None),
        ),
        ("horizontal count 4", &hz, &l, replicas(Some(4), None, None)),
        ("basic count 2", &dev, &l, replicas(Some(2), None, None)),
        ("mem 4-64", &s, &l, replicas(None, Some(4), Some(64))),
        ("mem 8-64", &s, &l, replicas(None, Some(8), Some(64))),
        ("mem 8-356", &s, &l, replicas(None, Some(8), Some(356))),
        ("mem 8-360", &s, &l, replicas(None, Some(8), Some(360))),
        ("mem 10-64", &s, &l, replicas(None, Some(10), Some(64))),
        ("mem 64-32", &s, &l, replicas(None, Some(64), Some(32))),
        (
            "mem min 200 (cur max 120)",
            &s,
            &l,
            replicas(None, Some(200), None),
        ),
        (
            "mem max 8 (cur min 16)",
            &s,
            &l,
            replicas(None, None, Some(8)),
        ),
        (
            "capped mem 8-124",
            &s,
            &cap,
            replicas(None, Some(8), Some(124)),
        ),
        (
            "horizontal mem 16-64",
            &hz,
            &l,
            replicas(None, Some(16), Some(64)),
        ),
        (
            "horizontal mem max 64",
            &hz,
            &l,
            replicas(None, None, Some(64)),
        ),
        (
            "highcpu mem 16-64",
            &highcpu,
            &l,
            replicas(None, Some(16), Some(64)),
        ),
        (
            "highcpu count 5",
            &highcpu,
            &l,
            replicas(Some(5), None, None),
        ),
        (
            "count 5 mem 32-64",
            &s,
            &l,
            replicas(Some(5), Some(32), Some(64)),
        ),
    ];
    for (label, svc, lim, input) in cases {
        show(
            label.to_owned(),
            replica_patch(&input, svc, lim).map(|p| serde_json::to_string(&p).unwrap()),
        );
    }
    for (enabled, t) in [
        (true, None),
        (true, Some(4)),
        (true, Some(5)),
        (true, Some(10_080)),
        (true, Some(10_081)),
        (false, None),
        (false, Some(15)),
    ] {
        show(
            format!("idle {enabled} {t:?}"),
            idle_patch(&IdleInput {
                enabled,
                timeout_minutes: t,
            })
            .map(|p| serde_json::to_string(&p).unwrap()),
        );
    }
    for d in [
        "30m", "4h", "1h30m", "2d", "59s", "1m", "30d", "31d", "30", "", "later",
    ] {
        show(
            format!("duration {d:?}"),
            parse_duration(d).map(|d| format!("{d:?}")),
        );
    }
    insta::assert_snapshot!(lines.join("\n"));
}

// ---- rules that depend on the service ----

#[test]
fn one_bound_takes_the_other_from_the_service() {
    let p = replica_patch(
        &replicas(None, None, Some(64)),
        &service(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        (p.min_replica_memory_gb, p.max_replica_memory_gb),
        (Some(16), Some(64))
    );
    assert_eq!(p.num_replicas, None);
    // Falls back to the value in force when the configured one is absent.
    let mut s = service();
    s.min_replica_memory_gb = None;
    s.current_scaling.effective_min_replica_memory_gb = Some(24.0);
    let p = replica_patch(&replicas(None, None, Some(64)), &s, &Limits::default()).unwrap();
    assert_eq!(p.min_replica_memory_gb, Some(24));
}

#[test]
fn one_size_services_take_one_bound_for_both() {
    let p = replica_patch(
        &replicas(None, None, Some(64)),
        &horizontal(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        (p.min_replica_memory_gb, p.max_replica_memory_gb),
        (Some(64), Some(64))
    );
    let mut highmem = service();
    highmem.profile = Some("v1-highmem-xs".into());
    let p = replica_patch(
        &replicas(Some(5), Some(48), None),
        &highmem,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        p,
        ReplicaScalingPatch {
            num_replicas: Some(5),
            min_replica_memory_gb: Some(48),
            max_replica_memory_gb: Some(48),
            ..Default::default()
        }
    );
}

#[test]
fn primary_rule_needs_a_warehouse() {
    let mut s = service();
    s.is_primary = Some(true);
    // No warehouse id: not the first service of a warehouse, 1 replica is fine.
    assert!(replica_patch(&replicas(Some(1), None, None), &s, &Limits::default()).is_ok());
    s.data_warehouse_id = Some("wh".into());
    assert!(replica_patch(&replicas(Some(1), None, None), &s, &Limits::default()).is_err());
    assert_eq!(
        replica_patch(&replicas(Some(2), None, None), &s, &Limits::default())
            .unwrap()
            .num_replicas,
        Some(2)
    );
}

#[test]
fn service_kind_classifies_tier_and_profile() {
    let mut s = service();
    let k = ServiceKind::of(&s);
    assert_eq!(
        (k.basic_tier, k.custom_profile, k.horizontal, k.primary),
        (None, None, false, false)
    );
    s.tier = None;
    s.profile = None;
    assert_eq!(ServiceKind::of(&s).fixed_memory(), None);
    s.profile = Some("v1-highmem-l".into());
    assert_eq!(
        ServiceKind::of(&s).fixed_memory(),
        Some(FixedMemory::Profile("v1-highmem-l".into()))
    );
    assert_eq!(
        ServiceKind::of(&horizontal()).fixed_memory(),
        Some(FixedMemory::Horizontal)
    );
}

#[test]
fn idle_patch_sends_only_what_changes() {
    let p = idle_patch(&IdleInput {
        enabled: true,
        timeout_minutes: None,
    })
    .unwrap();
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"idleScaling":true}"#
    );
    let p = idle_patch(&IdleInput {
        enabled: true,
        timeout_minutes: Some(15),
    })
    .unwrap();
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"idleScaling":true,"idleTimeoutMinutes":15}"#
    );
    let p = idle_patch(&IdleInput::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"idleScaling":false}"#
    );
}

#[test]
fn durations() {
    let ok = |s: &str| parse_duration(s).unwrap();
    assert_eq!(ok("30m"), Duration::from_secs(1800));
    assert_eq!(ok("4h"), Duration::from_secs(4 * 3600));
    assert_eq!(ok("1h30m"), Duration::from_secs(5400));
    assert_eq!(ok(" 2d "), Duration::from_secs(2 * 86_400));
    assert_eq!(ok("1m"), DURATION_MIN);
    assert_eq!(ok("30d"), DURATION_MAX);
    for bad in [
        "59s",
        "30d 1s",
        "",
        "30",
        "4 parsecs",
        "-1h",
        "99999999999999999999d",
    ] {
        assert!(parse_duration(bad).is_err(), "{bad:?} was accepted");
    }
}

// ---- plans ----

fn cdc(cores: u32) -> Current {
    Current::Cdc(CdcScaling::from_cores(cores))
}

fn cdc_plan(from: u32, to: u32, policy: &RiskPolicy) -> Plan {
    plan(&cdc(from), &Target::Cdc(CdcScaling::from_cores(to)), policy)
}

#[test]
fn cdc_plan_summary_and_cost() {
    let p = cdc_plan(2, 8, &RiskPolicy::default());
    assert_eq!(
        p.summary(Locale::EnUs),
        "CDC compute: 2 cores / 8 GB -> 8 cores / 32 GB (cost x4.0)"
    );
    assert_eq!(p.risks, vec![Risk::CostUp { factor: 4.0 }]);
    assert!(p.needs_confirmation());
    // Doubling is not "more than" the default factor 2.
    let p = cdc_plan(2, 4, &RiskPolicy::default());
    assert!(!p.needs_confirmation());
    assert!(p.confirmation_reasons().is_empty());
    // Down: capacity risk, always confirmed.
    let p = cdc_plan(8, 1, &RiskPolicy::default());
    assert_eq!(
        p.summary(Locale::EnUs),
        "CDC compute: 8 cores / 32 GB -> 1 core / 4 GB (capacity goes down)"
    );
    assert_eq!(p.confirmation_reasons(), vec![&Risk::CapacityDown]);
    // Same: no-op, no risks.
    let p = cdc_plan(8, 8, &RiskPolicy::default());
    assert!(p.is_noop() && p.risks.is_empty() && !p.needs_confirmation());
    assert_eq!(
        p.summary(Locale::EnUs),
        "CDC compute: no change, already 8 cores / 32 GB"
    );
}

/// Issue 11: a plan shows the hourly difference in money and what it comes to if left on,
/// and the cost-up confirmation can be set in money per hour as well as a factor.
#[test]
fn priced_plans_show_money_and_confirm_by_money_per_hour() {
    let rates = Rates::list_prices();
    let priced = |from, to, policy: &RiskPolicy| {
        plan_priced(
            &cdc(from),
            &Target::Cdc(CdcScaling::from_cores(to)),
            policy,
            &rates,
        )
    };
    let p = priced(2, 8, &RiskPolicy::default());
    assert_eq!(
        p.summary(Locale::EnUs),
        "CDC compute: 2 cores / 8 GB -> 8 cores / 32 GB (cost x4.0: +$0.60/h, ≈ $14.40 a day, \
         ≈ $438.00 a month if left on)"
    );
    let ru = p.summary(Locale::Ru);
    assert!(
        ru.contains("+0,60 $ в час") && ru.contains("438,00 $"),
        "{ru}"
    );
    assert!(p.summary(Locale::ZhCn).contains("US$438.00"));
    // A saving is shown too, beside the capacity risk.
    let down = priced(8, 2, &RiskPolicy::default());
    assert!(
        down.summary(Locale::EnUs)
            .ends_with("(capacity goes down, −$0.60/h, ≈ $14.40 a day, ≈ $438.00 a month saved)"),
        "{}",
        down.summary(Locale::EnUs)
    );
    // Doubling passes no factor, but it passes $0.10 an hour.
    let by_money = RiskPolicy {
        cost_up_confirm_per_hour: Some(Money::parse("0.10").unwrap()),
        ..RiskPolicy::default()
    };
    assert!(!priced(2, 4, &RiskPolicy::default()).needs_confirmation());
    let p = priced(2, 4, &by_money);
    assert!(p.needs_confirmation());
    assert_eq!(
        p.confirmation_reasons(),
        vec![&Risk::CostUp { factor: 2.0 }]
    );
    // +$0.10 is not more than $0.10.
    assert!(!priced(2, 3, &by_money).needs_confirmation());
    // No rate: said instead of a number.
    let none = plan_priced(
        &cdc(2),
        &Target::Cdc(CdcScaling::from_cores(8)),
        &RiskPolicy::default(),
        &Rates::default(),
    );
    assert!(none.summary(Locale::EnUs).contains("no money estimate"));
}

fn svc_plan(s: &Service, patch: ReplicaScalingPatch, policy: &RiskPolicy) -> Plan {
    plan(
        &Current::Service(Box::new(s.clone())),
        &Target::Service(patch),
        policy,
    )
}

#[test]
fn service_plan_changes_with_units() {
    let s = service();
    let patch = replica_patch(
        &replicas(Some(5), Some(32), Some(120)),
        &s,
        &Limits::default(),
    )
    .unwrap();
    let p = svc_plan(&s, patch, &RiskPolicy::default());
    assert_eq!(
        p.changes,
        vec![
            Change {
                field: Field::Replicas,
                from: Some(Value::Replicas { count: 3 }),
                to: Value::Replicas { count: 5 }
            },
            Change {
                field: Field::Memory,
                from: Some(Value::Memory {
                    min_gb: Some(16.0),
                    max_gb: Some(120.0)
                }),
                to: Value::Memory {
                    min_gb: Some(32.0),
                    max_gb: Some(120.0)
                }
            },
        ]
    );
    assert_eq!(
        p.summary(Locale::EnUs),
        "3 replicas -> 5 replicas, 16–120 GB per replica -> 32–120 GB per replica (cost x1.7)"
    );
    assert!(!p.needs_confirmation());

    // Fewer replicas but more memory each: capacity down and cost up at once.
    let patch = replica_patch(&replicas(Some(2), None, Some(240)), &s, &Limits::default()).unwrap();
    let p = svc_plan(&s, patch, &RiskPolicy::default());
    assert_eq!(
        p.risks,
        vec![
            Risk::CapacityDown,
            Risk::CostUp {
                factor: 480.0 / 360.0
            }
        ]
    );
    assert!(p.needs_confirmation());
}

#[test]
fn idling_plans() {
    let mut off = service();
    off.idle_scaling = Some(false);
    off.current_scaling.effective_idle_scaling = Some(false);
    let enable = idle_patch(&IdleInput {
        enabled: true,
        timeout_minutes: None,
    })
    .unwrap();
    let facing = RiskPolicy {
        customer_facing: true,
        ..RiskPolicy::default()
    };
    let p = svc_plan(&off, enable.clone(), &facing);
    // The timeout that stays is shown.
    assert_eq!(
        p.summary(Locale::EnUs),
        "idling off -> idling on, 15 min timeout (turns on idling for a customer-facing service)"
    );
    assert!(p.needs_confirmation());
    let p = svc_plan(&off, enable.clone(), &RiskPolicy::default());
    assert_eq!(
        p.risks,
        vec![Risk::Idling {
            customer_facing: false
        }]
    );
    assert!(!p.needs_confirmation());
    // Already idling: nothing to do.
    let p = svc_plan(&service(), enable, &facing);
    assert!(p.is_noop() && p.risks.is_empty());
    assert_eq!(
        p.summary(Locale::EnUs),
        "no change, already idling on, 15 min timeout"
    );
    // A new timeout while idling stays off is still shown as a change.
    let p = svc_plan(
        &off,
        ReplicaScalingPatch {
            idle_timeout_minutes: Some(30),
            ..Default::default()
        },
        &facing,
    );
    assert_eq!(
        p.summary(Locale::EnUs),
        "idling off, 15 min timeout when on -> idling off, 30 min timeout when on"
    );
    // Turning idling off is neither a capacity nor an idling risk.
    let p = svc_plan(
        &service(),
        idle_patch(&IdleInput::default()).unwrap(),
        &facing,
    );
    assert_eq!(
        p.summary(Locale::EnUs),
        "idling on, 15 min timeout -> idling off"
    );
    assert!(p.risks.is_empty());
}

#[test]
fn unknown_current_values_are_changes_from_unknown() {
    let mut s = service();
    s.num_replicas = None;
    s.current_scaling = Default::default();
    let patch = replica_patch(&replicas(Some(4), None, None), &s, &Limits::default()).unwrap();
    let p = svc_plan(&s, patch, &RiskPolicy::default());
    assert_eq!(p.summary(Locale::EnUs), "4 replicas (currently unknown)");
    assert!(p.risks.is_empty());
}

// ---- matches_target ----

fn applied(s: &Service, p: &ReplicaScalingPatch) -> Service {
    let mut s = s.clone();
    let cs = &mut s.current_scaling;
    if let Some(n) = p.num_replicas {
        s.num_replicas = Some(n);
        cs.effective_min_replicas = Some(n);
        cs.effective_max_replicas = Some(n);
    }
    if let Some(v) = p.min_replica_memory_gb {
        s.min_replica_memory_gb = Some(v.into());
        cs.effective_min_replica_memory_gb = Some(v.into());
    }
    if let Some(v) = p.max_replica_memory_gb {
        s.max_replica_memory_gb = Some(v.into());
        cs.effective_max_replica_memory_gb = Some(v.into());
    }
    if let Some(v) = p.idle_scaling {
        s.idle_scaling = Some(v);
        cs.effective_idle_scaling = Some(v);
    }
    if let Some(v) = p.idle_timeout_minutes {
        s.idle_timeout_minutes = Some(v.into());
        cs.effective_idle_timeout_minutes = Some(v);
    }
    s
}

fn seen(s: Service) -> Current {
    Current::Service(Box::new(s))
}

#[test]
fn cdc_matches_when_both_values_equal() {
    let t = Target::Cdc(CdcScaling::from_cores(8));
    assert!(matches_target(&t, &cdc(8)));
    assert!(!matches_target(&t, &cdc(2)));
    let half = Current::Cdc(CdcScaling {
        replica_cpu_millicores: 8000,
        replica_memory_gb: 8,
    });
    assert!(!matches_target(&t, &half));
    assert!(!matches_target(&t, &seen(service())));
}

#[test]
fn service_matches_when_configured_and_in_force_values_agree() {
    let s = service();
    let patch = replica_patch(
        &replicas(Some(5), Some(32), Some(64)),
        &s,
        &Limits::default(),
    )
    .unwrap();
    let t = Target::Service(patch.clone());
    assert!(!matches_target(&t, &seen(s.clone())));
    let done = applied(&s, &patch);
    assert!(matches_target(&t, &seen(done.clone())));

    // Configured but not yet in force.
    let mut lagging = done.clone();
    lagging.current_scaling.effective_max_replicas = Some(3);
    assert!(!matches_target(&t, &seen(lagging.clone())));
    // ... unless a schedule entry decides what is in force.
    lagging.current_scaling.active_entry_id = Some("entry".into());
    assert!(matches_target(&t, &seen(lagging)));

    // Not running yet.
    for state in [ServiceState::Provisioning, ServiceState::Stopped] {
        let mut s = done.clone();
        s.state = Some(state);
        assert!(!matches_target(&t, &seen(s)));
    }
    // Idle reports its configuration: the change is in place.
    let mut idle = done.clone();
    idle.state = Some(ServiceState::Idle);
    assert!(matches_target(&t, &seen(idle)));
    // A field the API does not report cannot confirm.
    let mut missing = done;
    missing.num_replicas = None;
    missing.current_scaling.effective_min_replicas = None;
    missing.current_scaling.effective_max_replicas = None;
    assert!(!matches_target(&t, &seen(missing)));
}

#[test]
fn idle_target_accepts_an_idle_service() {
    let mut off = service();
    off.idle_scaling = Some(false);
    let patch = idle_patch(&IdleInput {
        enabled: true,
        timeout_minutes: Some(30),
    })
    .unwrap();
    let t = Target::Service(patch.clone());
    let mut done = applied(&off, &patch);
    assert!(matches_target(&t, &seen(done.clone())));
    done.state = Some(ServiceState::Idle);
    assert!(matches_target(&t, &seen(done.clone())));
    done.idle_timeout_minutes = Some(15.0);
    assert!(!matches_target(&t, &seen(done)));
    // Turning idling off on an idle service: wait until it runs.
    let patch = idle_patch(&IdleInput::default()).unwrap();
    let mut done = applied(&service(), &patch);
    done.state = Some(ServiceState::Idle);
    assert!(!matches_target(&Target::Service(patch), &seen(done)));
}

#[test]
fn current_and_target_round_trip_as_json() {
    for c in [cdc(4), seen(service())] {
        let back: Current = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
    let t = Target::Service(
        idle_patch(&IdleInput {
            enabled: true,
            timeout_minutes: Some(15),
        })
        .unwrap(),
    );
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind":"service","value":{"idleScaling":true,"idleTimeoutMinutes":15}})
    );
    assert_eq!(serde_json::from_value::<Target>(json).unwrap(), t);
}

#[test]
fn saturated_numbers_get_the_range_and_say_they_were_larger() {
    // Issue 9 defect 11: a number too large for i64 reaches the rules saturated.
    let e = cdc_target(i64::MAX, &Limits::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cores must be a whole number from 1 to 24 (got 9223372036854775807 or more)"
    );
    assert_eq!(
        e.user_message(Locale::Ru),
        "cores должно быть целым числом от 1 до 24 (получено 9223372036854775807 или больше)"
    );
    let e = cdc_target(i64::MIN, &Limits::default()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("(got -9223372036854775808 or less)"),
        "{e}"
    );
    let e = idle_patch(&IdleInput {
        enabled: true,
        timeout_minutes: Some(i64::MAX),
    })
    .unwrap_err();
    assert!(
        e.user_message(Locale::ZhCn)
            .contains("9223372036854775807 或更大"),
        "{e}"
    );
}

#[test]
fn durations_too_large_to_hold_get_the_range() {
    for input in ["99999999999999999999m", "99999999999999999999d"] {
        assert_eq!(
            parse_duration(input),
            Err(RuleError::Duration {
                input: input.into(),
                problem: DurationProblem::OutOfRange
            }),
            "{input}"
        );
    }
}

#[test]
fn values_render_with_plural_units_in_every_language() {
    let cdc = |millicores, memory_gb| Value::Cdc {
        millicores,
        memory_gb,
    };
    assert_eq!(cdc(1000, 4).render(Locale::EnUs), "1 core / 4 GB");
    assert_eq!(cdc(1500, 6).render(Locale::EnUs), "1.5 cores / 6 GB");
    assert_eq!(cdc(1000, 4).render(Locale::Ru), "1 ядро / 4 ГБ");
    assert_eq!(cdc(5000, 20).render(Locale::Ru), "5 ядер / 20 ГБ");
    assert_eq!(cdc(2000, 8).render(Locale::ZhCn), "2 核 / 8 GB");
    let range = Value::ReplicaRange {
        min: Some(2),
        max: Some(4),
    };
    assert_eq!(range.render(Locale::Ru), "2–4 реплики");
    assert_eq!(range.render(Locale::ZhCn), "2–4 个副本");
    let idle = Value::Idling {
        enabled: Some(false),
        timeout_minutes: Some(30.0),
        timeout_when_off: true,
    };
    assert_eq!(
        idle.render(Locale::EnUs),
        "idling off, 30 min timeout when on"
    );
    assert!(!idle.render(Locale::Ru).contains("idling"));
}
