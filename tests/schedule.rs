//! `/scaling-schedule action:set|remove|clear`: changing a service's scaling schedule through
//! `clickscale console` (the real binary) and the real bot on a fake Discord, both against the
//! simulator over 127.0.0.1: checks before any call, plan and risks, confirmation, the thread
//! confirmed from what the API reports, the audit log, in three languages.

mod support;

use clickscale::sim::{self, fixture::ids, Fixture, SimConfig, SimHandle};
use support::{
    bot::World,
    console::{console, database_in, Live},
};

/// The schedule POSTs the simulator received.
fn schedule_posts(sim: &SimHandle) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/scalingSchedule"))
        .count()
}

async fn simulator() -> SimHandle {
    sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            ..SimConfig::default()
        },
        Fixture::default(),
    )
    .await
    .unwrap()
}

/// The entries' names the simulator holds for `service`, in order.
async fn entries(sim: &SimHandle, service: &str) -> Vec<String> {
    sim.world()
        .lock()
        .await
        .get_service(service)
        .unwrap()
        .scaling_schedule
        .map(|s| s.entries.into_iter().map(|e| e.name).collect())
        .unwrap_or_default()
}

#[test]
fn entries_are_added_replaced_removed_and_cleared_and_each_is_confirmed() {
    let script = "\
/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5
/scaling-schedule service:analytics-prod action:set name:night days:fri start-hour:22 end-hour:6 count:1
confirm
/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:7 end-hour:19 count:4 min-memory-gb:32 max-memory-gb:64
confirm
/scaling-schedule service:analytics-prod
/scaling-schedule service:analytics-prod action:remove name:night
/scaling-schedule service:analytics-prod action:clear
confirm
/scaling-schedule service:analytics-prod
";
    let run = console(script, &["--settle-each"]);
    assert_eq!(run.code, 0, "{}\n{}", run.transcript, run.stderr);
    let t = &run.transcript;
    for expected in [
        // Added: the plan names the entry and prices its window against the baseline (3 replicas).
        "no entry `peak` -> `peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: 5 replicas (cost x1.7 during the entry's window)",
        "✅ Confirmed: the API now reports `peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: vertical autoscaling, 5 replicas",
        // Fewer replicas than the baseline in a window: asked first.
        "no entry `night` -> `night` Fri 22:00–06:00 UTC: 1 replica (less capacity during a schedule window)",
        "This change needs a confirmation (less capacity during a schedule window)",
        // The other entry is sent back with the new one.
        "✅ Confirmed: the API now reports `peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: vertical autoscaling, 5 replicas; `night` Fri 22:00–06:00 UTC: vertical autoscaling, 1 replica",
        // Replaced by name; fewer replicas than the entry it replaces: asked first.
        "`peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: vertical autoscaling, 5 replicas -> `peak` Mon, Tue, Wed, Thu, Fri 07:00–19:00 UTC: 4 replicas, 32–64 GB per replica (less capacity during a schedule window, cost x1.3 during the entry's window)",
        "- `peak` Mon, Tue, Wed, Thu, Fri 07:00–19:00 UTC: vertical autoscaling, 4 replicas, 32–64 GB per replica",
        "- `night` Fri 22:00–06:00 UTC: vertical autoscaling, 1 replica",
        // Removing an entry with less capacity than the baseline needs no confirmation.
        "`night` Fri 22:00–06:00 UTC: vertical autoscaling, 1 replica -> no entry `night`",
        "✅ Confirmed: the API now reports `peak` Mon, Tue, Wed, Thu, Fri 07:00–19:00 UTC: vertical autoscaling, 4 replicas, 32–64 GB per replica",
        // Clearing takes away an entry that adds capacity: asked first.
        "-> no entry `peak` (less capacity during a schedule window)",
        "✅ Confirmed: the API now reports no scaling schedule",
        "No scaling schedule is set on this service: the baseline applies at all times.",
        "Summary: 5 confirmed.",
    ] {
        assert!(t.contains(expected), "missing {expected:?}:\n{t}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_schedule_changes_say_what_is_allowed_and_send_nothing() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let mut console = Live::start(&sim.base_url(), &database_in(dir.path()), &[]);
    // One entry to overlap with and to keep.
    console.send("/scaling-schedule service:analytics-prod action:set name:night days:fri start-hour:22 end-hour:6 count:4");
    console.wait_for("✅ Confirmed");
    let posts_before = schedule_posts(&sim);
    assert_eq!(posts_before, 1);
    let lines = [
        ("action:set days:mon start-hour:8 end-hour:9 count:2", "give the entry's `name`"),
        ("action:set name:a`b days:mon start-hour:8 end-hour:9 count:2", "an entry name is 1 to 64 characters"),
        ("action:set name:x start-hour:8 end-hour:9 count:2", "give `days`"),
        ("action:set name:x days:funday start-hour:8 end-hour:9 count:2", "`days`: \"funday\" is not a weekday"),
        ("action:set name:x days:mon count:2", "give `start-hour` (0-23) and `end-hour` (1-24, exclusive)"),
        ("action:set name:x days:mon start-hour:24 end-hour:9 count:2", "`start-hour` must be a UTC hour from 0 to 23 (got 24)"),
        ("action:set name:x days:mon start-hour:8 end-hour:25 count:2", "`end-hour` must be a UTC hour from 1 to 24"),
        ("action:set name:x days:mon start-hour:8 end-hour:8 count:2", "the window would be empty"),
        ("action:set name:x days:mon start-hour:8 end-hour:9", "the entry sets nothing"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 count:21", "from 1 to 20 (got 21)"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 min-replicas:2 max-replicas:4", "are for a horizontal entry"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 mode:horizontal count:3", "not a fixed `count` (got 3)"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 mode:horizontal min-replicas:2 max-replicas:4", "a horizontal entry needs"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 count:2 min-memory-gb:16", "give both `min-memory-gb` and `max-memory-gb`"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 count:2 min-memory-gb:15 max-memory-gb:32", "multiple of 4"),
        ("action:set name:x days:mon start-hour:8 end-hour:9 count:2 min-memory-gb:64 max-memory-gb:32", "min memory"),
        // Saturday 02:00 belongs to Friday's overnight window.
        ("action:set name:early days:sat start-hour:2 end-hour:9 count:2", "this window overlaps the entry `night` (Sat 02:00 UTC is in both)"),
        ("action:remove name:nope", "the schedule has no entry `nope`; its entries are `night`"),
        ("action:remove", "give the entry's `name`"),
        ("action:clear name:night", "`action:clear` takes no `name`"),
        ("name:night days:mon", "`action:show` takes no `name` and `days`; to add or replace an entry use `action:set`. Options of /scaling-schedule"),
        ("action:wipe", "`action` must be one of `show`, `set`, `remove` or `clear`, not `wipe`"),
    ];
    for (options, _) in &lines {
        console.send(&format!(
            "/scaling-schedule service:analytics-prod {options}"
        ));
    }
    console.send("/scaling-schedule service:analytics-staging action:remove name:peak");
    let (code, text) = console.finish();
    assert_eq!(code, 1, "{text}");
    for (options, expected) in lines {
        assert!(
            text.contains(expected),
            "{options}: missing {expected:?}:\n{text}"
        );
    }
    assert!(
        text.contains("the service has no scaling schedule, so there is no entry `peak` to remove"),
        "{text}"
    );
    assert_eq!(
        schedule_posts(&sim),
        posts_before,
        "no refused change reaches the API:\n{text}"
    );
    assert_eq!(entries(&sim, ids::ANALYTICS_PROD).await, ["night"]);
}

#[test]
fn schedule_changes_speak_russian_and_chinese() {
    let script = "\
/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5
/scaling-schedule service:analytics-prod action:set name:late days:mon start-hour:17 end-hour:20 count:5
/scaling-schedule service:analytics-prod action:clear
1
";
    let ru = console(script, &["--locale", "ru"]);
    assert_eq!(ru.code, 1, "{}\n{}", ru.transcript, ru.stderr);
    for expected in [
        "нет записи `peak` -> `peak` Пн",
        "стоимость x1.7 в окне записи",
        "это окно пересекается с записью `peak`",
        "меньше мощности в окне расписания",
    ] {
        assert!(
            ru.transcript.contains(expected),
            "missing {expected:?}:\n{}",
            ru.transcript
        );
    }
    let zh = console(script, &["--locale", "zh-CN"]);
    for expected in [
        "没有条目 `peak` -> `peak`",
        "条目窗口内成本 x1.7",
        "此窗口与条目 `peak` 重叠",
        "计划窗口内容量降低",
    ] {
        assert!(
            zh.transcript.contains(expected),
            "missing {expected:?}:\n{}",
            zh.transcript
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_schedule_change_is_in_the_audit_log() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let mut console = Live::start(&sim.base_url(), &db, &[]);
    console.send("/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5");
    console.wait_for("✅ Confirmed");
    let (code, text) = console.finish();
    assert_eq!(code, 0, "{text}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clickscale"))
        .args(["audit", "--since", "1h", "--json", "--database-url", &db])
        .env_remove("CLICKSCALE_CONFIG")
        .output()
        .unwrap();
    let audit = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = lines
        .iter()
        .filter(|l| l.get("episode").is_none())
        .filter_map(|l| l["action"].as_str())
        .collect();
    assert_eq!(actions, ["requested", "api_call", "outcome"], "{audit}");
    let requested = lines.iter().find(|l| l["action"] == "requested").unwrap();
    assert_eq!(
        requested["after"]["value"]["entries"][0]["name"], "peak",
        "the audit keeps the whole schedule sent: {requested}"
    );
}

/// From now on the simulator's service reads (list and single) carry no `scalingSchedule`.
async fn leave_schedule_out_of_service_reads(sim: &SimHandle) {
    sim.world()
        .lock()
        .await
        .config_mut()
        .faults
        .schedule_left_out_of_service_reads = true;
}

/// The POST replaces the whole schedule, so a change must know the entries it keeps even when
/// the service read does not carry `scalingSchedule`: it asks the schedule's own GET.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_read_without_the_schedule_field_keeps_the_other_entries() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let mut console = Live::start(&sim.base_url(), &db, &[]);
    console.send("/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5");
    console.wait_for("✅ Confirmed");
    leave_schedule_out_of_service_reads(&sim).await;
    console.send("/scaling-schedule service:analytics-prod action:set name:weekend days:sat,sun start-hour:0 end-hour:24 count:4");
    console.wait_for("analytics-prod #2: The API accepted the change");
    console.kill();
    assert_eq!(
        entries(&sim, ids::ANALYTICS_PROD).await,
        ["peak", "weekend"],
        "the entry the service read left out was sent back"
    );
}

/// The watch is confirmed from what the API reports, and when the service list leaves
/// `scalingSchedule` out it asks the schedule's own GET: before, the missing field read as "no
/// entries", so a set was never confirmed (the console waited out the watch) and a clear was
/// "confirmed" from a field the API never sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_is_confirmed_from_the_schedules_own_read_when_the_list_leaves_it_out() {
    let sim = simulator().await;
    leave_schedule_out_of_service_reads(&sim).await;
    let dir = tempfile::tempdir().unwrap();
    let db = database_in(dir.path());
    let mut console = Live::start(&sim.base_url(), &db, &[]);
    console.send("/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5");
    console.wait_for("analytics-prod #1: ✅ Confirmed");
    assert_eq!(entries(&sim, ids::ANALYTICS_PROD).await, ["peak"]);
    let schedule_reads = |sim: &SimHandle| {
        sim.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/scalingSchedule"))
            .count()
    };
    let before_clear = schedule_reads(&sim);
    assert!(before_clear >= 2, "the plan's read and the watch's read");
    console.send("/scaling-schedule service:analytics-prod action:clear");
    // Less capacity during a window: it asks first.
    console.wait_for("[1] Confirm  [2] Cancel");
    console.send("Confirm");
    console.wait_for("analytics-prod #2: ✅ Confirmed");
    assert!(entries(&sim, ids::ANALYTICS_PROD).await.is_empty());
    assert!(
        schedule_reads(&sim) >= before_clear + 2,
        "the clear was confirmed from the schedule's own read, not from the missing field"
    );
    console.kill();
}

#[tokio::test]
async fn the_bot_adds_and_clears_an_entry_with_a_confirmation_in_the_thread() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("scaling-schedule")
        .option_str("service", "analytics-prod")
        .option_str("action", "set")
        .option_str("name", "peak")
        .option_str("days", "mon-fri")
        .option_int("start-hour", 8)
        .option_int("end-hour", 18)
        .option_int("count", 5)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("/scaling-schedule"), "{private}");
    let status = w.status_message("/scaling-schedule").await;
    assert!(
        status.content.contains(
            "no entry `peak` -> `peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: 5 replicas"
        ),
        "{}",
        status.content
    );
    let confirmed = w.thread_line(&status.id, "✅ Confirmed").await;
    assert!(
        confirmed.content.contains(
            "`peak` Mon, Tue, Wed, Thu, Fri 08:00–18:00 UTC: vertical autoscaling, 5 replicas"
        ),
        "{}",
        confirmed.content
    );
    assert_eq!(entries(&w.sim, ids::ANALYTICS_PROD).await, ["peak"]);

    // Refused before any call, privately, in the user's language.
    let ix = w
        .fake
        .slash("scaling-schedule")
        .option_str("service", "analytics-prod")
        .option_str("action", "set")
        .option_str("name", "late")
        .option_str("days", "mon")
        .option_int("start-hour", 17)
        .option_int("end-hour", 20)
        .option_int("count", 5)
        .locale("ru")
        .send()
        .await;
    let refused = w.private_answer(&ix).await;
    assert!(
        refused.contains("это окно пересекается с записью `peak`"),
        "{refused}"
    );
    assert_eq!(schedule_posts(&w.sim), 1);

    // Clearing takes away capacity: the buttons wait for a click.
    w.fake
        .slash("scaling-schedule")
        .option_str("service", "analytics-prod")
        .option_str("action", "clear")
        .send()
        .await;
    let status = w.status_with_buttons().await;
    assert!(
        status
            .content
            .contains("less capacity during a schedule window"),
        "{}",
        status.content
    );
    assert_eq!(
        schedule_posts(&w.sim),
        1,
        "nothing is sent before the click"
    );
    w.fake
        .click(&status.id, &format!("clickscale:confirm:{}", status.id))
        .send()
        .await;
    let cleared = w.thread_line(&status.id, "✅ Confirmed").await;
    assert!(
        cleared.content.contains("no scaling schedule"),
        "{}",
        cleared.content
    );
    assert_eq!(schedule_posts(&w.sim), 2);
    assert!(entries(&w.sim, ids::ANALYTICS_PROD).await.is_empty());
    w.stop().await;
}

/// An organization without the scheduled-scaling feature: the API's refusal reaches the user
/// before any POST (the schedule read answers it), and nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn an_organization_without_schedules_is_told_before_anything_is_sent() {
    let mut fixture = Fixture::default();
    fixture.organization.scheduled_scaling = false;
    let sim = sim::spawn(
        SimConfig {
            rate_limit: 10_000,
            ..SimConfig::default()
        },
        fixture,
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut console = Live::start(&sim.base_url(), &database_in(dir.path()), &[]);
    console.send("/scaling-schedule service:analytics-prod action:set name:peak days:mon-fri start-hour:8 end-hour:18 count:5");
    // The change reads the schedule it would replace first; that read answers the API's 400.
    console.wait_for("Nothing was sent.");
    let (code, text) = console.finish();
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("Scheduled autoscaling is not enabled for this organization"),
        "{text}"
    );
    assert_eq!(schedule_posts(&sim), 0);
}
