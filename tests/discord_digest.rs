//! Issue 11, the weekly digest through the real bot and the fake Discord: two instances on one
//! store, the digest due now, posted once in the configured channel, in its language, with
//! what the audit log holds (a scale-up still running, its cost, the Keep and its reason, a
//! reminder nobody answered and an escalation).

mod support;

use std::time::Duration;

use chrono::{Datelike, Timelike, Utc};
use clickscale::{
    cloud::{model::CdcScaling, CloudClient},
    config::Config,
    discord::{self, BotHandle},
    i18n::Locale,
    ops::{Engine, OperationId},
    scaling::Current,
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimHandle,
    },
    store::{AuditAction, AuditEntry, Store},
};
use support::{
    bot::{fast_sim, WAIT},
    discord::FakeDiscord,
};

/// One bot instance on the shared fake, simulator and store, with the digest due this hour.
async fn bot(
    fake: &FakeDiscord,
    sim: &SimHandle,
    store_url: &str,
    name: &str,
    channel: &str,
) -> BotHandle {
    let mut config = Config::default();
    config.discord.token = Some("fake-token".to_owned().into());
    config.discord.proxy_url = Some(fake.proxy_url());
    config.discord.guild_id = Some(fake.guild_id().parse().unwrap());
    config.cloud.api_url = sim.base_url();
    config.cloud.org_id = DEMO_ORG_ID.into();
    config.cloud.key_id = DEMO_ADMIN_KEY.into();
    config.cloud.key_secret = Some(DEMO_SECRET.to_owned().into());
    config.store.instance_id = name.into();
    config.oncall.tick = Duration::from_millis(50);
    let now = Utc::now();
    config.digest.channel = Some(channel.to_owned());
    config.digest.weekday = now.weekday();
    config.digest.hour = now.hour();
    config.digest.locale = Locale::Ru;
    let cloud = CloudClient::new(config.cloud_settings().unwrap()).unwrap();
    let store = Store::connect(store_url).await.unwrap();
    let engine = Engine::new(cloud, config.clone(), store).unwrap();
    let mut bot = discord::start(config, engine).await.unwrap();
    bot.ready().await.unwrap();
    bot
}

/// What the engine writes for a CDC scale-up 2 -> 8 cores confirmed three hours ago, kept on
/// purpose, with a reminder nobody answered and its escalation.
async fn seed(store_url: &str) {
    let store = Store::connect(store_url).await.unwrap();
    let op = OperationId(41);
    let now = Utc::now();
    let entry = |hours_ago: i64, actor: &str, action: AuditAction| {
        let mut e = AuditEntry::new(
            now - chrono::Duration::hours(hours_ago),
            actor,
            actor,
            action,
        );
        e.operation = Some(op);
        e.service_id = Some(ids::INGEST_CDC.into());
        e.service_name = Some("ingest-cdc".into());
        e
    };
    let cdc = |cores| serde_json::to_value(Current::Cdc(CdcScaling::from_cores(cores))).ok();
    let mut confirmed = entry(3, "clickscale", AuditAction::Outcome);
    confirmed.before = cdc(2);
    confirmed.after = cdc(8);
    confirmed.detail = Some("confirmed".into());
    let mut kept = entry(2, "ann", AuditAction::Kept);
    kept.detail = Some("nightly backfill".into());
    for e in [
        confirmed,
        kept,
        entry(1, "clickscale", AuditAction::Reminder),
        entry(1, "clickscale", AuditAction::Reminder),
        entry(0, "clickscale", AuditAction::Escalated),
    ] {
        store.audit(&e).await.unwrap();
    }
}

#[tokio::test]
async fn the_digest_is_posted_once_by_two_instances_in_the_channels_language() {
    let dir = tempfile::tempdir().unwrap();
    let store_url = format!("sqlite://{}", dir.path().join("clickscale.db").display());
    seed(&store_url).await;
    let fake = FakeDiscord::start().await;
    let channel = fake.add_text_channel("scaling-digest");
    let sim = sim::spawn(fast_sim(), Fixture::default()).await.unwrap();
    let first = bot(&fake, &sim, &store_url, "bot-a", &channel).await;
    let second = bot(&fake, &sim, &store_url, "bot-b", &channel).await;
    let digest = fake
        .wait_for_message_in(&channel, |m| m.content.contains("Недельная сводка"), WAIT)
        .await;
    // Both instances look every 50 ms: give the other one many chances to post it again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let posted = fake.messages_in(&channel);
    assert_eq!(posted.len(), 1, "{posted:#?}");
    let text = &digest.content;
    for line in [
        "Всё ещё увеличено:",
        "`ingest-cdc`, вычисления DB ClickPipes: увеличено с",
        // 2 -> 8 cores is 3 more DB ClickPipes units, $0.60 an hour at the list price.
        "на 0,60 $ в час больше",
        "Увеличения за неделю, 1,",
        "Оставлено намеренно:",
        "оставил(а) ann",
        "«nightly backfill»",
        "Без ответа:",
        "`ingest-cdc` #41: 1 напоминание без ответа, 1 эскалация",
        "Суммы — оценки",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    first.shutdown().await;
    second.shutdown().await;
    fake.assert_no_unknown_calls();
}
