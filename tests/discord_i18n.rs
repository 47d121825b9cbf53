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
    assert_eq!(commands.len(), 5);
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
        confirmed.content.contains("4 ядра / 16 GB"),
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
    assert!(answer.contains("CDC-вычисления: 2 ядра / 8 GB"), "{answer}");
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
