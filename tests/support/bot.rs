//! The real bot (poise + serenity) against the fake Discord and the simulator, for the
//! Discord test files: one world per test.

use std::time::Duration;

use clickscale::{
    cloud::CloudClient,
    config::{Config, PolicyRule, ServiceAlias},
    discord::{self, BotHandle},
    ops::Engine,
    sim::{
        self,
        fixture::{ids, DEMO_ADMIN_KEY, DEMO_ORG_ID, DEMO_SECRET},
        Fixture, SimConfig, SimHandle,
    },
};

use super::discord::{FakeDiscord, FakeMessage, InteractionRef};

pub const WAIT: Duration = Duration::from_secs(15);

/// A simulator whose changes land within a second, with no rate limit to speak of.
pub fn fast_sim() -> SimConfig {
    SimConfig {
        cdc_converge_after: Duration::from_millis(600),
        service_converge_after: Duration::from_millis(300),
        rate_limit: 1000,
        ..SimConfig::default()
    }
}

pub struct World {
    pub fake: FakeDiscord,
    pub sim: SimHandle,
    pub bot: Option<BotHandle>,
    /// The bot's engine (for `/readyz` and the store).
    pub engine: Engine,
}

impl World {
    pub async fn start(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start_with(fast_sim(), tweak).await
    }

    pub async fn start_with(sim: SimConfig, tweak: impl FnOnce(&mut Config)) -> Self {
        Self::start_on(FakeDiscord::start().await, "sqlite::memory:", sim, tweak).await
    }

    /// A world on a given fake Discord and store (`sqlite://FILE`, `postgres://…`).
    pub async fn start_on(
        fake: FakeDiscord,
        store_url: &str,
        sim: SimConfig,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let sim = sim::spawn(sim, Fixture::default()).await.unwrap();
        let mut config = Config::default();
        config.discord.token = Some("fake-token".to_owned().into());
        config.discord.proxy_url = Some(fake.proxy_url());
        config.discord.guild_id = Some(fake.guild_id().parse().unwrap());
        config.cloud.api_url = sim.base_url();
        config.cloud.org_id = DEMO_ORG_ID.into();
        config.cloud.key_id = DEMO_ADMIN_KEY.into();
        config.cloud.key_secret = Some(DEMO_SECRET.to_owned().into());
        config.cloud.rate_limit_requests = 1000;
        config.timings.poll_interval = Duration::from_millis(100);
        config.timings.cdc_expected_min = Duration::from_millis(300);
        config.timings.cdc_expected_max = Duration::from_secs(3);
        config.timings.service_expected_max = Duration::from_secs(3);
        config.timings.watch_deadline = Duration::from_secs(10);
        config.timings.confirm_timeout = Duration::from_secs(10);
        config.services.push(ServiceAlias {
            alias: "prod".into(),
            id: ids::ANALYTICS_PROD.into(),
            customer_facing: true,
        });
        tweak(&mut config);
        let cloud = CloudClient::new(config.cloud_settings().unwrap()).unwrap();
        let store = clickscale::store::Store::connect_with(store_url, &config.store)
            .await
            .unwrap();
        let engine = Engine::new(cloud, config.clone(), store).unwrap();
        let mut bot = discord::start(config, engine.clone()).await.unwrap();
        bot.ready().await.unwrap();
        fake.wait_ready().await;
        Self {
            fake,
            sim,
            bot: Some(bot),
            engine,
        }
    }

    pub fn patches(&self) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH")
            .count()
    }

    /// The private answer to an interaction (edited deferral or followup).
    pub async fn private_answer(&self, ix: &InteractionRef) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(m) = self.fake.original_message(ix) {
                if !m.content.is_empty() {
                    return m.content;
                }
            }
            if let Some(m) = self.fake.followups_for(ix).last() {
                return m.content.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no answer to {}",
                ix.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The status message the bot posted in the channel for the n-th operation.
    pub async fn status_message(&self, contains: &str) -> FakeMessage {
        let channel = self.fake.channel_id().to_owned();
        let contains = contains.to_owned();
        self.fake
            .wait_for_message_in(
                &channel,
                move |m| is_status(m) && m.content.contains(&contains),
                WAIT,
            )
            .await
    }

    pub async fn thread_line(&self, thread: &str, contains: &str) -> FakeMessage {
        let contains = contains.to_owned();
        self.fake
            .wait_for_message_in(thread, move |m| m.content.contains(&contains), WAIT)
            .await
    }

    pub async fn stop(mut self) {
        if let Some(bot) = self.bot.take() {
            bot.shutdown().await;
        }
        self.fake.assert_no_unknown_calls();
    }
}

/// A public channel message of the bot, not an interaction reply.
pub fn is_status(m: &FakeMessage) -> bool {
    m.webhook_id.is_none() && m.flags & 64 == 0
}

/// A policy rule that lets `role` run every command on every service in every channel.
pub fn allow_all(role: &str) -> PolicyRule {
    PolicyRule {
        commands: vec!["*".into()],
        services: vec!["*".into()],
        roles: vec![role.into()],
        channels: vec!["*".into()],
    }
}

impl World {
    /// The bot's status message that carries buttons (a change waiting for confirmation).
    pub async fn status_with_buttons(&self) -> FakeMessage {
        self.fake
            .wait_for_message_in(
                self.fake.channel_id(),
                |m| is_status(m) && !m.components.is_empty(),
                WAIT,
            )
            .await
    }
}
