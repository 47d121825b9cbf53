//! Languages on Discord: the real bot against a fake Discord and the Cloud API simulator.
//! Registered commands carry zh-CN and ru localizations, and every answer follows the locale
//! of the interaction that caused it (private answers, status message, thread, buttons).

mod support;

use std::time::Duration;

use serde_json::Value;
use support::bot::{allow_all, is_status, World, WAIT};

fn localization<'a>(v: &'a Value, field: &str, locale: &str) -> &'a str {
    v[field][locale]
        .as_str()
        .unwrap_or_else(|| panic!("no {field}.{locale} in {v}"))
}

#[tokio::test]
async fn registered_commands_and_options_carry_chinese_and_russian_localizations() {
    let w = World::start(|_| {}).await;
    let commands = w.fake.registered_commands();
    assert_eq!(commands.len(), 7);
    for c in &commands {
        for locale in ["zh-CN", "ru"] {
            let name = localization(c, "name_localizations", locale);
            assert_ne!(name, c["name"].as_str().unwrap());
            assert!(!localization(c, "description_localizations", locale).is_empty());
            for o in c["options"].as_array().unwrap() {
                let name = localization(o, "name_localizations", locale);
                assert_eq!(name.to_lowercase(), name, "{o}");
                assert!(!localization(o, "description_localizations", locale).is_empty());
            }
        }
        assert!(c["name_localizations"].get("en-US").is_none(), "{c}");
    }
    let replicas = w.fake.registered_command("replicas").unwrap();
    assert_eq!(
        localization(&replicas, "name_localizations", "ru"),
        "реплики"
    );
    assert_eq!(
        localization(&replicas, "name_localizations", "zh-CN"),
        "副本"
    );
    let count = &replicas["options"][1];
    assert_eq!(count["name"], "count");
    assert_eq!(
        localization(count, "description_localizations", "ru"),
        "Число реплик"
    );
    // The bounds from the configuration are still there.
    assert_eq!(count["max_value"].as_f64(), Some(20.0));
    w.stop().await;
}

#[tokio::test]
async fn a_russian_interaction_is_answered_in_russian_everywhere() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .locale("ru")
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(
        private.starts_with("Запущено #1: `/cdc-scale` для `ingest-cdc`"),
        "{private}"
    );
    assert!(
        private.contains("Дальнейшие сообщения будут в ветке"),
        "{private}"
    );
    let status = w.status_message("/cdc-scale").await;
    assert!(
        status.content.contains("Запросил(а) tester."),
        "{}",
        status.content
    );
    let accepted = w.thread_line(&status.id, "API приняло изменение").await;
    assert!(
        accepted.content.contains("(request id `"),
        "{}",
        accepted.content
    );
    let confirmed = w.thread_line(&status.id, "✅ Подтверждено").await;
    assert!(
        confirmed.content.contains("4 ядра / 16 ГБ"),
        "{}",
        confirmed.content
    );
    w.fake
        .wait_for_message_in(
            w.fake.channel_id(),
            |m| is_status(m) && m.content.contains("✅ Подтверждено через"),
            WAIT,
        )
        .await;

    // A refusal, in Russian too.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 30)
        .unchecked()
        .locale("ru")
        .send()
        .await;
    let refusal = w.private_answer(&ix).await;
    assert_eq!(
        refusal,
        "cores должно быть целым числом от 1 до 24 (получено 30); предел настраивается до 32"
    );
    // The same refusal for an English client stays the historical text.
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 30)
        .unchecked()
        .locale("en-GB")
        .send()
        .await;
    assert_eq!(
        w.private_answer(&ix).await,
        "cores must be a whole number from 1 to 24 (got 30); the limit is configurable up to 32"
    );
    w.stop().await;
}

#[tokio::test]
async fn buttons_speak_the_requesters_language_and_clicks_are_answered_in_the_clickers() {
    let w = World::start(|c| {
        c.timings.confirm_timeout = Duration::from_millis(1500);
        // Anyone with a role may run commands; only the requester may decide.
        c.policy.rules.push(allow_all("*"));
    })
    .await;
    let ix = w
        .fake
        .slash("replicas")
        .option_str("service", "prod")
        .option_int("count", 2)
        .roles(&["900"])
        .locale("zh-CN")
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.contains("需要确认"), "{private}");
    let status = w.status_with_buttons().await;
    let confirm_id = format!("clickscale:confirm:{}", status.id);
    let cancel_id = format!("clickscale:cancel:{}", status.id);
    assert_eq!(status.component(&confirm_id).unwrap()["label"], "确认");
    assert_eq!(status.component(&cancel_id).unwrap()["label"], "取消");
    let prompt = w.thread_line(&status.id, "此变更需要确认").await;
    assert!(prompt.content.contains("**确认**"), "{}", prompt.content);
    // A Russian stranger is refused in Russian; the buttons stay.
    let stranger = w
        .fake
        .click(&status.id, &confirm_id)
        .user("666", "mallory")
        .roles(&["777"])
        .locale("ru")
        .send()
        .await;
    let refused = w.private_answer(&stranger).await;
    assert_eq!(
        refused,
        "Решать по этому изменению может только автор запроса или участник роли подтверждающих."
    );
    // Nobody decides: the Chinese thread says it expired, nothing was sent.
    w.thread_line(&status.id, "已过期").await;
    assert_eq!(w.patches(), 0);
    // A late Russian click on the dead buttons is told so in Russian.
    let late = w
        .fake
        .click(&status.id, &confirm_id)
        .locale("ru")
        .unchecked()
        .send()
        .await;
    let cb = w.fake.wait_for_callback(&late, WAIT).await;
    assert_eq!(
        cb.data["content"],
        "Срок действия этих кнопок истёк: изменение больше не ждёт решения."
    );
    w.stop().await;
}

#[tokio::test]
async fn scaling_status_follows_the_locale() {
    let w = World::start(|_| {}).await;
    let ix = w
        .fake
        .slash("scaling-status")
        .option_str("service", "ingest-cdc")
        .locale("ru")
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(answer.contains("Реплики: "), "{answer}");
    assert!(answer.contains("CDC-вычисления: 2 ядра / 8 ГБ"), "{answer}");
    assert!(answer.ends_with("В работе: ничего."), "{answer}");
    let ix = w
        .fake
        .slash("scaling-status")
        .option_str("service", "no-such-service")
        .locale("zh-CN")
        .send()
        .await;
    let answer = w.private_answer(&ix).await;
    assert!(
        answer.starts_with("没有名为 `no-such-service` 的服务。"),
        "{answer}"
    );
    w.stop().await;
}

/// Words and shapes that only English text has: plan values, outcomes, errors, durations.
/// Checked outside `code spans` and /command names (neither is translated).
const ENGLISH: &[&str] = &[
    "core",
    "replica",
    "GB per",
    "idling",
    "timeout",
    "already",
    "no change",
    "currently",
    "capacity",
    "cost",
    "Failed",
    "Cannot",
    "Unknown service",
    "Confirmed",
    "Superseded",
    "Sending",
    "Waiting",
    "Accepted",
    "Still waiting",
    "Requested by",
    "vertical",
    "horizontal",
];

/// The text without `code spans` and /command names, which stay English by design.
fn without_code(text: &str) -> String {
    let prose = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    prose
        .split(' ')
        .filter(|w| !w.trim_start_matches(['*', '(']).starts_with('/'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `42s`, `4m 05s`, `1h 03m`: text::duration's English shapes.
fn english_duration(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .find(|w| {
            let digits = w.trim_end_matches(['s', 'm', 'h']);
            digits.len() < w.len()
                && w.len() - digits.len() == 1
                && !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
        })
        .map(|w| w.to_string())
}

/// Everything the bot said: channel messages (status messages as last edited), every thread,
/// and the private answers to `interactions`.
fn everything_said(w: &World, interactions: &[support::discord::InteractionRef]) -> Vec<String> {
    let mut out: Vec<String> = w
        .fake
        .messages_in(w.fake.channel_id())
        .into_iter()
        .map(|m| m.content)
        .collect();
    for t in w.fake.threads() {
        out.extend(w.fake.thread_messages(&t.id).into_iter().map(|m| m.content));
    }
    for ix in interactions {
        out.extend(w.fake.original_message(ix).map(|m| m.content));
        out.extend(w.fake.followups_for(ix).into_iter().map(|m| m.content));
    }
    out.retain(|m| !m.is_empty());
    out
}

/// A Russian or Chinese user runs CDC, replica and idle changes, reads the status while one is
/// in flight, sees a poll fail and recover and a poll fail for good, reads the history, and is
/// refused once: not one English fragment in anything the bot posts.
async fn no_english_anywhere(locale: &str) -> Vec<String> {
    let sim = clickscale::sim::SimConfig {
        cdc_converge_after: Duration::from_millis(600),
        // Long enough to read the status and inject faults while a change is in flight.
        service_converge_after: Duration::from_secs(3),
        rate_limit: 1000,
        ..Default::default()
    };
    let w = World::start_with(sim, |c| {
        c.timings.watch_deadline = Duration::from_secs(30);
        // No reminder check competes with the polls for the injected faults.
        c.oncall.snapshot_check_interval = Duration::from_secs(3600);
    })
    .await;
    let mut asked = Vec::new();
    let slash = |name: &'static str| w.fake.slash(name).locale(locale);

    // CDC up: plan, acceptance, confirmation, the after-snapshot reminder.
    let ix = slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    w.private_answer(&ix).await;
    asked.push(ix);
    let cdc = w.status_message("/cdc-scale").await;
    w.thread_line(&cdc.id, "✅").await;

    // Replicas up; the status lists it in flight; one poll fails (transient) and recovers.
    let ix = slash("replicas")
        .option_str("service", "analytics-staging")
        .option_int("count", 3)
        .send()
        .await;
    w.private_answer(&ix).await;
    asked.push(ix);
    let replicas = w.status_message("/replicas").await;
    w.thread_line(&replicas.id, "request id").await;
    let ix = slash("scaling-status")
        .option_str("service", "analytics-staging")
        .send()
        .await;
    let status = w.private_answer(&ix).await;
    asked.push(ix);
    w.sim
        .set_faults(clickscale::sim::Faults {
            fail_next: vec![503; 4],
            ..Default::default()
        })
        .await;
    w.thread_line(&replicas.id, "✅").await;

    // Idling off; the poll is refused for good (404): the failure is explained.
    let ix = slash("idle")
        .option_str("service", "analytics-staging")
        .option_bool("enabled", false)
        .send()
        .await;
    w.private_answer(&ix).await;
    asked.push(ix);
    let idle = w.status_message("/idle").await;
    w.thread_line(&idle.id, "request id").await;
    w.sim
        .set_faults(clickscale::sim::Faults {
            fail_next: vec![404],
            ..Default::default()
        })
        .await;
    w.thread_line(&idle.id, "❌").await;

    // The history and a refusal.
    let ix = slash("scaling-history").send().await;
    let history = w.private_answer(&ix).await;
    asked.push(ix);
    let ix = slash("replicas")
        .option_str("service", "analytics-staging")
        .option_int("min-memory-gb", 10)
        .send()
        .await;
    w.private_answer(&ix).await;
    asked.push(ix);

    let mut said = everything_said(&w, &asked);
    w.stop().await;
    for text in &said {
        let plain = without_code(text);
        for word in ENGLISH {
            assert!(
                !plain.to_lowercase().contains(&word.to_lowercase()),
                "{locale}: English {word:?} in:\n{text}"
            );
        }
        assert_eq!(english_duration(&plain), None, "{locale}: in:\n{text}");
    }
    let all = said.join("\n");
    assert!(
        status.contains(if locale == "ru" {
            "2 реплики -> 3 реплики"
        } else {
            "2 个副本 -> 3 个副本"
        }),
        "{status}"
    );
    assert!(
        history.contains(if locale == "ru" {
            "2 ядра / 8 ГБ -> 4 ядра / 16 ГБ"
        } else {
            "2 核 / 8 GB -> 4 核 / 16 GB"
        }),
        "{history}"
    );
    said.push(all);
    said
}

#[tokio::test]
async fn a_russian_user_sees_no_english_in_any_post() {
    let said = no_english_anywhere("ru").await;
    let all = said.last().unwrap();
    for want in [
        "CDC-вычисления: 2 ядра / 8 ГБ -> 4 ядра / 16 ГБ",
        "простой включён, тайм-аут 15 мин -> простой выключен",
        "Не удалось проверить сервис: Сбой API ClickHouse Cloud (HTTP 503)",
        "❌ Неизвестный сервис",
        " с", // durations
    ] {
        assert!(all.contains(want), "{want}\n{all}");
    }
    assert!(!all.contains("GB"), "{all}");
}

#[tokio::test]
async fn a_chinese_user_sees_no_english_in_any_post() {
    let said = no_english_anywhere("zh-CN").await;
    let all = said.last().unwrap();
    for want in [
        "CDC 计算资源：2 核 / 8 GB -> 4 核 / 16 GB",
        "自动空闲已开启，超时 15 分钟 -> 自动空闲已关闭",
        "检查服务失败：",
        "❌ ",
        "秒",
    ] {
        assert!(all.contains(want), "{want}\n{all}");
    }
}
