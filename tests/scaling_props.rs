//! Property tests for the scaling rules over their whole input space (every `i64`, every kind
//! of service), with the spec's constraints re-checked here independently of the rules.

use std::time::Duration;

use clickscale::cloud::model::{
    AutoscalingMode, CdcScaling, CurrentScaling, ReplicaScalingPatch, Service, ServiceState,
};
use clickscale::i18n::Locale;
use clickscale::scaling::{
    cdc_target, idle_patch, matches_target, parse_duration, plan, replica_patch, Current,
    IdleInput, Limits, Origin, ReplicaInput, Risk, RiskPolicy, RuleError, Target,
};
use proptest::prelude::*;

// ---- the spec, written out independently of src/scaling ----

const SPEC_CDC_MILLICORES: std::ops::RangeInclusive<u32> = 1000..=32000;
const SPEC_CDC_MEMORY: std::ops::RangeInclusive<u32> = 4..=128;
const SPEC_REPLICAS: std::ops::RangeInclusive<u32> = 1..=20;
const SPEC_MEMORY: std::ops::RangeInclusive<u32> = 8..=356;

fn is_basic(s: &Service) -> bool {
    matches!(
        s.tier.as_deref().map(str::to_ascii_lowercase).as_deref(),
        Some("development" | "basic")
    )
}

fn is_custom_profile(s: &Service) -> bool {
    s.profile
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty() && !p.trim().eq_ignore_ascii_case("v1-default"))
}

fn one_memory_size(s: &Service) -> bool {
    s.autoscaling_mode == AutoscalingMode::Horizontal || is_custom_profile(s)
}

fn is_primary(s: &Service) -> bool {
    s.is_primary == Some(true) && s.data_warehouse_id.is_some()
}

fn memory_ok(v: i64, l: &Limits) -> bool {
    let cap = i64::from(l.memory_cap_gb().unwrap_or(356));
    (8..=cap).contains(&v) && v % 4 == 0
}

/// The service's current value of a bound: configured, else fixed size, else in force.
fn current_gb(s: &Service, min: bool) -> Option<i64> {
    let cs = &s.current_scaling;
    let v = if min {
        s.min_replica_memory_gb
            .or(s.replica_memory_gb)
            .or(cs.effective_min_replica_memory_gb)
    } else {
        s.max_replica_memory_gb
            .or(s.replica_memory_gb)
            .or(cs.effective_max_replica_memory_gb)
    }?;
    (v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// What `replica_patch` must return: `None` = must be rejected.
fn expected_replica_patch(
    i: &ReplicaInput,
    s: &Service,
    l: &Limits,
) -> Option<ReplicaScalingPatch> {
    if i.count.is_none() && i.min_memory_gb.is_none() && i.max_memory_gb.is_none() {
        return None;
    }
    if is_basic(s) {
        return None;
    }
    let mut p = ReplicaScalingPatch::default();
    if let Some(c) = i.count {
        if s.autoscaling_mode == AutoscalingMode::Horizontal {
            return None;
        }
        let lo = if is_primary(s) { 2 } else { 1 };
        if c < lo || c > i64::from(l.replicas_max()) {
            return None;
        }
        p.num_replicas = Some(c as u32);
    }
    if i.min_memory_gb.is_some_and(|v| !memory_ok(v, l))
        || i.max_memory_gb.is_some_and(|v| !memory_ok(v, l))
    {
        return None;
    }
    let pair = match (i.min_memory_gb, i.max_memory_gb) {
        (None, None) => None,
        (Some(a), Some(b)) => Some((a, b)),
        (Some(a), None) | (None, Some(a)) if one_memory_size(s) => Some((a, a)),
        (Some(a), None) => Some((a, current_gb(s, false).filter(|v| memory_ok(*v, l))?)),
        (None, Some(b)) => Some((current_gb(s, true).filter(|v| memory_ok(*v, l))?, b)),
    };
    if let Some((a, b)) = pair {
        if a > b || (one_memory_size(s) && a != b) {
            return None;
        }
        p.min_replica_memory_gb = Some(a as u32);
        p.max_replica_memory_gb = Some(b as u32);
    }
    Some(p)
}

/// Every rejection names what is allowed as "from X to Y" (or, for Basic tier, the way out)
/// and echoes the value received.
fn assert_helpful(e: &RuleError) {
    let msg = e.to_string();
    assert!(!msg.trim().is_empty());
    if let RuleError::BasicTier { .. } = e {
        assert!(msg.contains("upgrade to Scale or Enterprise"), "{msg}");
        return;
    }
    assert!(mentions_range(&msg), "no allowed range in {msg:?}");
    let got = match e {
        RuleError::Memory {
            got,
            origin: Origin::Current,
            ..
        } => {
            // A filled-in current value: named as the service's, not as received.
            assert!(msg.contains(&format!("is {got} GB")), "{msg}");
            None
        }
        RuleError::Cores { got, .. }
        | RuleError::Replicas { got, .. }
        | RuleError::Memory { got, .. }
        | RuleError::HorizontalCount { got, .. }
        | RuleError::IdleTimeout { got }
        | RuleError::TimeoutWithIdlingOff { got } => Some(got.to_string()),
        RuleError::MemoryOrder { min, max, .. } | RuleError::MemoryNotFixed { min, max, .. } => {
            assert!(
                msg.contains(&min.to_string()) && msg.contains(&max.to_string()),
                "{msg}"
            );
            None
        }
        _ => None,
    };
    if let Some(got) = got {
        assert!(
            msg.contains(&format!("got {got}")),
            "{msg:?} does not echo {got}"
        );
    }
}

/// "from <n>[ GB...] to <m>" somewhere in the message.
fn mentions_range(msg: &str) -> bool {
    msg.match_indices("from ").any(|(i, _)| {
        let rest = &msg[i + 5..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && {
            let after = &rest[digits..];
            let to = after.find(" to ");
            to.is_some_and(|t| t <= 40 && after[t + 4..].starts_with(|c: char| c.is_ascii_digit()))
        }
    })
}

// ---- strategies ----

/// Every i64, with the interesting region and the boundaries much more likely.
fn any_int() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -10i64..400,
        2 => prop::sample::select(vec![
            i64::MIN, -1, 0, 1, 2, 4, 5, 8, 19, 20, 21, 24, 25, 32, 33, 116, 120, 124, 352, 356,
            360, 10_080, 10_081, i64::MAX, u32::MAX as i64, u32::MAX as i64 + 8,
        ]),
        1 => any::<i64>(),
    ]
}

fn limits() -> impl Strategy<Value = Limits> {
    (
        1u32..=32,
        2u32..=20,
        prop_oneof![
            Just(None),
            Just(Some(120)),
            Just(Some(356)),
            (2u32..=89).prop_map(|n| Some(n * 4))
        ],
    )
        .prop_map(|(c, r, cap)| Limits::new(c, cap).unwrap().with_replicas_max(r).unwrap())
}

fn memory_value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        2 => Just(None),
        6 => (2u32..=89).prop_map(|n| Some(f64::from(n * 4))),
        1 => prop::sample::select(vec![4.0, 10.0, 15.5, 360.0, 1e300, f64::NAN, -8.0]).prop_map(Some),
    ]
}

fn service() -> impl Strategy<Value = Service> {
    let kind = (
        prop_oneof![
            Just(AutoscalingMode::Vertical),
            Just(AutoscalingMode::Horizontal)
        ],
        prop::sample::select(vec![
            None,
            Some("production"),
            Some("development"),
            Some("Basic"),
            Some("scale"),
        ]),
        prop::sample::select(vec![
            None,
            Some("v1-default"),
            Some("v1-highmem-xs"),
            Some("v1-highcpu-s"),
            Some(""),
        ]),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
    );
    let values = (
        proptest::option::of(1u32..=20),
        memory_value(),
        memory_value(),
        memory_value(),
        memory_value(),
        proptest::option::of(any::<bool>()),
        proptest::option::of(prop::sample::select(vec![5.0, 15.0, 30.0, 60.0])),
    );
    (kind, values).prop_map(
        |(
            (mode, tier, profile, primary, warehouse),
            (n, min, max, eff_min, eff_max, idle, timeout),
        )| {
            let mut s = base_service();
            s.autoscaling_mode = mode;
            s.tier = tier.map(str::to_owned);
            s.profile = profile.map(str::to_owned);
            s.is_primary = primary;
            s.data_warehouse_id = warehouse.then(|| "wh-1".to_owned());
            s.num_replicas = n;
            s.min_replica_memory_gb = min;
            s.max_replica_memory_gb = max;
            s.current_scaling.effective_min_replica_memory_gb = eff_min;
            s.current_scaling.effective_max_replica_memory_gb = eff_max;
            s.idle_scaling = idle;
            s.idle_timeout_minutes = timeout;
            s
        },
    )
}

fn base_service() -> Service {
    serde_json::from_value(serde_json::json!({
        "id": "svc", "name": "prod", "state": "running",
        "autoscalingMode": "vertical", "currentScaling": {}
    }))
    .unwrap()
}

/// A running vertical service whose values in force equal the configured ones (or are absent):
/// the state of a service no change is pending on.
fn settled_service() -> impl Strategy<Value = Service> {
    (
        proptest::option::of(1u32..=20),
        proptest::option::of((2u32..=30, 0u32..=30)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(5u32..=60),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(n, mem, idle, timeout, (show_effective, show_configured))| {
                let mut s = base_service();
                let mem = mem.map(|(a, d)| (f64::from(a * 4), f64::from((a + d) * 4)));
                let conf = |s: &mut Service| {
                    s.num_replicas = n;
                    s.min_replica_memory_gb = mem.map(|m| m.0);
                    s.max_replica_memory_gb = mem.map(|m| m.1);
                    s.idle_scaling = idle;
                    s.idle_timeout_minutes = timeout.map(f64::from);
                };
                if show_configured || !show_effective {
                    conf(&mut s);
                }
                if show_effective {
                    s.current_scaling = CurrentScaling {
                        effective_autoscaling_mode: Some(AutoscalingMode::Vertical),
                        effective_min_replica_memory_gb: mem.map(|m| m.0),
                        effective_max_replica_memory_gb: mem.map(|m| m.1),
                        effective_min_replicas: n,
                        effective_max_replicas: n,
                        effective_idle_scaling: idle,
                        effective_idle_timeout_minutes: timeout,
                        active_entry_id: None,
                    };
                }
                s
            },
        )
}

/// A patch with any subset of the fields our rules produce, values near the settled ones.
fn patch() -> impl Strategy<Value = ReplicaScalingPatch> {
    (
        proptest::option::of(1u32..=20),
        proptest::option::of((2u32..=30, 0u32..=30)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(5u32..=60),
    )
        .prop_map(|(n, mem, idle, timeout)| ReplicaScalingPatch {
            num_replicas: n,
            min_replica_memory_gb: mem.map(|(a, _)| a * 4),
            max_replica_memory_gb: mem.map(|(a, d)| (a + d) * 4),
            idle_scaling: idle,
            idle_timeout_minutes: timeout,
            ..Default::default()
        })
}

fn policy() -> impl Strategy<Value = RiskPolicy> {
    (1.0f64..5.0, any::<bool>()).prop_map(|(f, c)| RiskPolicy {
        cost_up_confirm_per_hour: None,
        cost_up_confirm_factor: f,
        customer_facing: c,
    })
}

fn svc(s: &Service) -> Current {
    Current::Service(Box::new(s.clone()))
}

/// The target equals the current configuration: every field it sets has that value now.
fn target_equals_current(p: &ReplicaScalingPatch, s: &Service) -> bool {
    let cs = &s.current_scaling;
    let eq = |want: Option<f64>, have: Option<f64>| want.is_none_or(|w| have == Some(w));
    eq(
        p.num_replicas.map(f64::from),
        s.num_replicas.or(cs.effective_min_replicas).map(f64::from),
    ) && eq(
        p.min_replica_memory_gb.map(f64::from),
        s.min_replica_memory_gb
            .or(cs.effective_min_replica_memory_gb),
    ) && eq(
        p.max_replica_memory_gb.map(f64::from),
        s.max_replica_memory_gb
            .or(cs.effective_max_replica_memory_gb),
    ) && eq(
        p.idle_scaling.map(|b| f64::from(u8::from(b))),
        s.idle_scaling
            .or(cs.effective_idle_scaling)
            .map(|b| f64::from(u8::from(b))),
    ) && eq(
        p.idle_timeout_minutes.map(f64::from),
        s.idle_timeout_minutes
            .or(cs.effective_idle_timeout_minutes.map(f64::from)),
    )
}

// ---- properties ----

proptest! {
    // The input space is large and cheap to test: more cases than the default 256.
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn cdc_accepts_exactly_whole_cores_within_the_limit(cores in any_int(), l in limits()) {
        match cdc_target(cores, &l) {
            Ok(c) => {
                prop_assert!((1..=i64::from(l.cdc_max_cores())).contains(&cores));
                prop_assert!(SPEC_CDC_MILLICORES.contains(&c.replica_cpu_millicores));
                prop_assert_eq!(c.replica_cpu_millicores % 1000, 0);
                prop_assert!(SPEC_CDC_MEMORY.contains(&c.replica_memory_gb));
                prop_assert_eq!(c.replica_memory_gb % 4, 0);
                prop_assert_eq!(i64::from(c.replica_cpu_millicores), cores * 1000);
                prop_assert_eq!(c.replica_memory_gb * 1000, 4 * c.replica_cpu_millicores);
            }
            Err(e) => {
                prop_assert!(!(1..=i64::from(l.cdc_max_cores())).contains(&cores));
                assert_helpful(&e);
                let range = format!("from 1 to {}", l.cdc_max_cores());
                prop_assert!(e.to_string().contains(&range));
            }
        }
    }

    #[test]
    fn replica_patch_accepts_exactly_the_valid_requests(
        count in proptest::option::of(any_int()),
        min in proptest::option::of(any_int()),
        max in proptest::option::of(any_int()),
        s in service(),
        l in limits(),
    ) {
        let input = ReplicaInput { count, min_memory_gb: min, max_memory_gb: max, ..ReplicaInput::default() };
        let got = replica_patch(&input, &s, &l);
        let expected = expected_replica_patch(&input, &s, &l);
        prop_assert_eq!(got.as_ref().ok(), expected.as_ref());
        match got {
            Ok(p) => {
                // The API's constraints, checked on what would be sent.
                prop_assert!(!p.is_empty());
                prop_assert!(!is_basic(&s));
                prop_assert_eq!(p.num_replicas.is_some(), count.is_some());
                if let Some(n) = p.num_replicas {
                    prop_assert!(SPEC_REPLICAS.contains(&n) && n <= l.replicas_max());
                    prop_assert!(!is_primary(&s) || n >= 2);
                    prop_assert_eq!(&s.autoscaling_mode, &AutoscalingMode::Vertical);
                    prop_assert_eq!(Some(i64::from(n)), count);
                }
                prop_assert_eq!(p.min_replica_memory_gb.is_some(), min.is_some() || max.is_some());
                prop_assert_eq!(p.min_replica_memory_gb.is_some(), p.max_replica_memory_gb.is_some());
                if let (Some(a), Some(b)) = (p.min_replica_memory_gb, p.max_replica_memory_gb) {
                    let cap = l.memory_cap_gb().unwrap_or(356);
                    for v in [a, b] {
                        prop_assert!(SPEC_MEMORY.contains(&v) && v % 4 == 0 && v <= cap);
                    }
                    prop_assert!(a <= b);
                    prop_assert!(!one_memory_size(&s) || a == b);
                    // What was typed is what is sent.
                    prop_assert!(min.is_none_or(|m| m == i64::from(a)));
                    prop_assert!(max.is_none_or(|m| m == i64::from(b)));
                }
                prop_assert_eq!(
                    (p.autoscaling_mode, p.min_replicas, p.max_replicas, p.idle_scaling, p.idle_timeout_minutes),
                    (None, None, None, None, None)
                );
            }
            Err(e) => assert_helpful(&e),
        }
    }

    #[test]
    fn idle_patch_accepts_exactly_the_valid_requests(enabled in any::<bool>(), timeout in proptest::option::of(any_int())) {
        let r = idle_patch(&IdleInput { enabled, timeout_minutes: timeout });
        let valid = match timeout {
            None => true,
            Some(t) => enabled && (5..=10_080).contains(&t),
        };
        prop_assert_eq!(r.is_ok(), valid);
        match r {
            Ok(p) => {
                prop_assert_eq!(p.idle_scaling, Some(enabled));
                prop_assert_eq!(p.idle_timeout_minutes.map(i64::from), timeout);
                prop_assert!(p.idle_timeout_minutes.is_none_or(|t| t >= 5));
                prop_assert_eq!(
                    ReplicaScalingPatch { idle_scaling: None, idle_timeout_minutes: None, ..p },
                    ReplicaScalingPatch::default()
                );
            }
            Err(e) => {
                assert_helpful(&e);
                prop_assert!(e.to_string().contains("from 5 to 10080"));
            }
        }
    }

    #[test]
    fn cdc_plan_is_noop_iff_equal_and_classifies_risk(from in 1u32..=32, to in 1u32..=32, pol in policy()) {
        let p = plan(
            &Current::Cdc(CdcScaling::from_cores(from)),
            &Target::Cdc(CdcScaling::from_cores(to)),
            &pol,
        );
        prop_assert_eq!(p.is_noop(), from == to);
        prop_assert_eq!(p.changes.len() + p.unchanged.len(), 1);
        if to < from {
            prop_assert_eq!(&p.risks, &vec![Risk::CapacityDown]);
            prop_assert!(p.needs_confirmation());
        } else if to > from {
            let factor = f64::from(to) / f64::from(from);
            prop_assert_eq!(&p.risks, &vec![Risk::CostUp { factor }]);
            prop_assert_eq!(p.needs_confirmation(), factor > pol.cost_up_confirm_factor);
            let cost = format!("(cost x{factor:.1})");
            prop_assert!(p.summary(Locale::EnUs).ends_with(&cost));
        } else {
            prop_assert!(p.risks.is_empty());
            prop_assert!(!p.needs_confirmation());
        }
        prop_assert!(p.summary(Locale::EnUs).starts_with("CDC compute: "));
    }

    #[test]
    fn service_plan_is_noop_iff_target_equals_current(s in settled_service(), t in patch(), pol in policy()) {
        let p = plan(&svc(&s), &Target::Service(t.clone()), &pol);
        prop_assert_eq!(p.is_noop(), target_equals_current(&t, &s));
        if p.is_noop() {
            prop_assert!(p.risks.is_empty());
            prop_assert!(!p.needs_confirmation());
        }
        // A settled, running service reports the target exactly when there is nothing to do.
        prop_assert_eq!(matches_target(&Target::Service(t), &svc(&s)), p.is_noop());
    }

    #[test]
    fn applied_targets_are_confirmed(s in settled_service(), t in patch()) {
        let target = Target::Service(t.clone());
        let mut done = s.clone();
        let cs = &mut done.current_scaling;
        if let Some(n) = t.num_replicas {
            done.num_replicas = Some(n);
            if cs.effective_min_replicas.is_some() {
                cs.effective_min_replicas = Some(n);
                cs.effective_max_replicas = Some(n);
            }
        }
        if let (Some(a), Some(b)) = (t.min_replica_memory_gb, t.max_replica_memory_gb) {
            done.min_replica_memory_gb = Some(a.into());
            done.max_replica_memory_gb = Some(b.into());
            if cs.effective_min_replica_memory_gb.is_some() {
                cs.effective_min_replica_memory_gb = Some(a.into());
                cs.effective_max_replica_memory_gb = Some(b.into());
            }
        }
        if let Some(v) = t.idle_scaling {
            done.idle_scaling = Some(v);
            cs.effective_idle_scaling = cs.effective_idle_scaling.map(|_| v);
        }
        if let Some(v) = t.idle_timeout_minutes {
            done.idle_timeout_minutes = Some(v.into());
            cs.effective_idle_timeout_minutes = cs.effective_idle_timeout_minutes.map(|_| v);
        }
        prop_assert!(matches_target(&target, &svc(&done)));
        prop_assert!(plan(&svc(&done), &target, &RiskPolicy::default()).is_noop());
        done.state = Some(ServiceState::Starting);
        prop_assert!(!matches_target(&target, &svc(&done)));
    }

    #[test]
    fn service_capacity_and_cost_follow_replicas_times_max_memory(
        r0 in 1u32..=20, m0 in 2u32..=89, r1 in proptest::option::of(1u32..=20), m1 in proptest::option::of(2u32..=89),
        pol in policy(),
    ) {
        let mut s = base_service();
        s.num_replicas = Some(r0);
        s.min_replica_memory_gb = Some(8.0);
        s.max_replica_memory_gb = Some(f64::from(m0 * 4));
        let t = ReplicaScalingPatch {
            num_replicas: r1,
            min_replica_memory_gb: m1.map(|_| 8),
            max_replica_memory_gb: m1.map(|m| m * 4),
            ..Default::default()
        };
        let p = plan(&svc(&s), &Target::Service(t), &pol);
        let (nr, nm) = (r1.unwrap_or(r0), m1.unwrap_or(m0));
        let down = nr < r0 || nm < m0;
        prop_assert_eq!(p.risks.contains(&Risk::CapacityDown), down);
        let factor = f64::from(nr * nm) / f64::from(r0 * m0);
        let cost = p.risks.iter().find_map(|r| match r { Risk::CostUp { factor } => Some(*factor), _ => None });
        if factor > 1.0 {
            let f = cost.expect("cost risk");
            prop_assert!((f - factor).abs() < 1e-9);
        } else {
            prop_assert_eq!(cost, None);
        }
        prop_assert_eq!(p.needs_confirmation(), down || factor > pol.cost_up_confirm_factor);
        prop_assert_eq!(p.is_noop(), nr == r0 && nm == m0);
        let idling = p.risks.iter().any(|r| matches!(r, Risk::Idling { .. }));
        prop_assert!(!idling);
    }

    #[test]
    fn enabling_idling_is_an_idling_risk(was in proptest::option::of(any::<bool>()), timeout in proptest::option::of(5i64..=120), pol in policy()) {
        let mut s = base_service();
        s.idle_scaling = was;
        s.idle_timeout_minutes = Some(15.0);
        let t = idle_patch(&IdleInput { enabled: true, timeout_minutes: timeout }).unwrap();
        let p = plan(&svc(&s), &Target::Service(t), &pol);
        let enabling = was != Some(true);
        prop_assert_eq!(
            p.risks.clone(),
            if enabling { vec![Risk::Idling { customer_facing: pol.customer_facing }] } else { vec![] }
        );
        prop_assert_eq!(p.needs_confirmation(), enabling && pol.customer_facing);
        prop_assert_eq!(p.is_noop(), !enabling && timeout.is_none_or(|t| t == 15));
    }

    #[test]
    fn durations_are_bounded_and_never_panic(s in "\\PC{0,24}") {
        if let Ok(d) = parse_duration(&s) {
            prop_assert!(d >= Duration::from_secs(60) && d <= Duration::from_secs(30 * 86_400));
        }
    }

    #[test]
    fn durations_in_units(m in 0u64..=50_000, h in 0u64..=800, d in 0u64..=40) {
        let check = |text: String, secs: u64| {
            let ok = (60..=30 * 86_400).contains(&secs);
            match parse_duration(&text) {
                Ok(got) => assert!(ok && got == Duration::from_secs(secs), "{text} -> {got:?}"),
                Err(e) => {
                    assert!(!ok, "{text} rejected: {e}");
                    assert!(e.to_string().contains("from 1 minute to 30 days"), "{e}");
                }
            }
        };
        check(format!("{m}m"), m * 60);
        check(format!("{h}h"), h * 3600);
        check(format!("{d}d"), d * 86_400);
        check(format!("{h}h{m}m"), h * 3600 + m * 60);
        check(format!("{d}d {h}h"), d * 86_400 + h * 3600);
    }

    #[test]
    fn limits_accept_exactly_the_api_range(c in any::<u32>(), cap in proptest::option::of(any::<u32>())) {
        let small_c = c % 40;
        let small_cap = cap.map(|v| v % 400);
        let ok = (1..=32).contains(&small_c)
            && small_cap.is_none_or(|v| (8..=356).contains(&v) && v % 4 == 0);
        prop_assert_eq!(Limits::new(small_c, small_cap).is_ok(), ok);
        prop_assert!(Limits::new(c.max(33), None).is_err());
    }
}

// ---- boundaries, spelled out ----

#[test]
fn cores_boundaries() {
    let l24 = Limits::default();
    let l32 = Limits::new(32, None).unwrap();
    for (cores, ok24, ok32) in [
        (0, false, false),
        (1, true, true),
        (24, true, true),
        (25, false, true),
        (32, false, true),
        (33, false, false),
    ] {
        assert_eq!(cdc_target(cores, &l24).is_ok(), ok24, "{cores} with max 24");
        assert_eq!(cdc_target(cores, &l32).is_ok(), ok32, "{cores} with max 32");
    }
    assert!(cdc_target(25, &l24)
        .unwrap_err()
        .to_string()
        .contains("configurable up to 32"));
    assert!(Limits::new(0, None).is_err() && Limits::new(33, None).is_err());
}

#[test]
fn memory_boundaries() {
    let s = {
        let mut s = base_service();
        s.min_replica_memory_gb = Some(8.0);
        s.max_replica_memory_gb = Some(356.0);
        s
    };
    let paid = Limits::default();
    let non_paid = Limits::new(24, Some(120)).unwrap();
    let at = |min: i64, max: i64, l: &Limits| {
        replica_patch(
            &ReplicaInput {
                count: None,
                min_memory_gb: Some(min),
                max_memory_gb: Some(max),
                ..ReplicaInput::default()
            },
            &s,
            l,
        )
    };
    assert!(at(4, 64, &paid).is_err());
    assert!(at(8, 64, &paid).is_ok());
    assert!(at(8, 356, &paid).is_ok());
    assert!(at(8, 360, &paid).is_err());
    assert!(at(8, 120, &non_paid).is_ok());
    assert!(at(8, 124, &non_paid).is_err());
    assert!(at(64, 64, &paid).is_ok());
    assert!(at(68, 64, &paid).is_err());
    assert!(at(9, 64, &paid).is_err());
}

#[test]
fn replica_boundaries() {
    let mut s = base_service();
    let l = Limits::default();
    let at = |n: i64, s: &Service| {
        replica_patch(
            &ReplicaInput {
                count: Some(n),
                ..Default::default()
            },
            s,
            &l,
        )
        .is_ok()
    };
    assert!(!at(0, &s) && at(1, &s) && at(20, &s) && !at(21, &s));
    s.is_primary = Some(true);
    s.data_warehouse_id = Some("wh".into());
    assert!(!at(1, &s) && at(2, &s) && at(20, &s));
}

#[test]
fn idle_timeout_boundaries() {
    let at = |t: i64| {
        idle_patch(&IdleInput {
            enabled: true,
            timeout_minutes: Some(t),
        })
        .is_ok()
    };
    assert!(!at(4) && at(5) && at(10_080) && !at(10_081));
}
