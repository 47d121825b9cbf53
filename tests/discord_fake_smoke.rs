//! Proves the fake Discord in `tests/support` against a real, unchanged poise 0.7.1 /
//! serenity 0.12.5 bot defined in this file: registration, the `/replicas` flow (defer,
//! edit original, thread, thread message, followup), `/ping`, a button round trip through
//! serenity's collector, autocomplete, the schema checks on injected interactions,
//! heartbeat ACKs and RESUME.

mod support;

use std::time::Duration;

use poise::serenity_prelude as serenity;
use poise::CreateReply;
use serde_json::json;
use support::discord::{FakeConfig, FakeDiscord, InjectError, RecordedCall};

/// Generous upper bound for any single wait; a passing run takes milliseconds per step.
const WAIT: Duration = Duration::from_secs(3);

struct Data;
type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, Data, Error>;

/// Scale the deployment
#[poise::command(slash_command)]
async fn replicas(
    ctx: Context<'_>,
    #[description = "How many replicas"]
    #[min = 1]
    #[max = 20]
    count: u32,
) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return Err("slash only".into());
    };
    ctx.defer().await?;
    let status = app
        .interaction
        .edit_response(
            ctx,
            serenity::EditInteractionResponse::new()
                .content(format!("Scaling to {count} replicas...")),
        )
        .await?;
    let thread = status
        .channel_id
        .create_thread_from_message(
            ctx,
            status.id,
            serenity::CreateThread::new(format!("replicas-{count}"))
                .auto_archive_duration(serenity::AutoArchiveDuration::OneDay),
        )
        .await?;
    thread
        .id
        .say(ctx, format!("Scaled to {count} replicas"))
        .await?;
    ctx.say("followup: done").await?;
    Ok(())
}

/// Check that the bot is alive
#[poise::command(slash_command)]
async fn ping(ctx: Context<'_>) -> Result<(), Error> {
    ctx.say("pong").await?;
    Ok(())
}

/// Ask before doing something
#[poise::command(slash_command)]
async fn confirm(ctx: Context<'_>) -> Result<(), Error> {
    let buttons = vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new("confirm-yes")
            .label("Yes")
            .style(serenity::ButtonStyle::Success),
    ])];
    let reply = ctx
        .send(
            CreateReply::default()
                .content("Proceed?")
                .components(buttons),
        )
        .await?;
    let message = reply.message().await?;
    let press = serenity::ComponentInteractionCollector::new(ctx)
        .message_id(message.id)
        .timeout(Duration::from_secs(5))
        .await;
    if let Some(press) = press {
        let update = serenity::CreateInteractionResponseMessage::new()
            .content(format!("confirmed: {}", press.data.custom_id))
            .components(vec![]);
        press
            .create_response(
                ctx,
                serenity::CreateInteractionResponse::UpdateMessage(update),
            )
            .await?;
    }
    Ok(())
}

async fn environments(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choices = ["production", "staging", "development"]
        .into_iter()
        .filter(|env| env.starts_with(partial))
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Deploy to an environment
#[poise::command(slash_command)]
async fn deploy(
    ctx: Context<'_>,
    #[description = "Target environment"]
    #[autocomplete = "environments"]
    env: String,
) -> Result<(), Error> {
    ctx.say(format!("deploying to {env}")).await?;
    Ok(())
}

/// The bot, running against the fake until dropped (aborting is instant; a clean
/// `shutdown_all` waits on serenity's 500 ms read timeout).
struct Bot {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start_bot(fake: &FakeDiscord) -> Bot {
    let http = serenity::HttpBuilder::new("fake-token")
        .proxy(fake.proxy_url())
        .ratelimiter_disabled(true)
        .build();
    let guild = serenity::GuildId::new(fake.guild_id().parse().expect("guild id"));
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![replicas(), ping(), confirm(), deploy()],
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild)
                    .await?;
                Ok(Data)
            })
        })
        .build();
    let mut client =
        serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::non_privileged())
            .framework(framework)
            .await
            .expect("build the serenity client");
    let task = tokio::spawn(async move {
        if let Err(e) = client.start().await {
            eprintln!("bot stopped: {e}");
        }
    });
    Bot { task }
}

async fn fake_with_bot(config: FakeConfig) -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start_with(config).await;
    let bot = start_bot(&fake).await;
    fake.wait_ready().await;
    (fake, bot)
}

fn summaries(calls: &[RecordedCall]) -> Vec<String> {
    calls.iter().map(RecordedCall::summary).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_registers_the_commands_as_poise_sends_them() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let app = fake.app_id().to_owned();
    let guild = fake.guild_id().to_owned();

    let startup = summaries(&fake.calls());
    assert_eq!(
        startup,
        [
            "GET /gateway".to_owned(),
            "GET /oauth2/applications/@me".to_owned(),
            format!("PUT /applications/{app}/guilds/{guild}/commands"),
        ]
    );

    let mut names: Vec<String> = fake
        .registered_commands()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["confirm", "deploy", "ping", "replicas"]);

    let replicas = fake
        .registered_command("replicas")
        .expect("replicas registered");
    assert_eq!(replicas["description"], "Scale the deployment");
    let count = &replicas["options"][0];
    assert_eq!(count["name"], "count");
    assert_eq!(count["type"], 4);
    assert_eq!(count["required"], true);
    // poise sends the bounds as floats.
    assert!(
        count["min_value"].is_f64(),
        "min_value: {}",
        count["min_value"]
    );
    assert_eq!(count["min_value"].as_f64(), Some(1.0));
    assert!(
        count["max_value"].is_f64(),
        "max_value: {}",
        count["max_value"]
    );
    assert_eq!(count["max_value"].as_f64(), Some(20.0));
    let env = &fake.registered_command("deploy").expect("deploy")["options"][0];
    assert_eq!(
        (env["type"].as_u64(), env["autocomplete"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(
        fake.registered_command("ping").expect("ping")["options"],
        json!([])
    );

    let gateway = fake.gateway_stats();
    assert_eq!(
        (gateway.connections, gateway.identifies, gateway.live),
        (1, 1, true)
    );
    let identify = gateway.last_identify.expect("identify recorded");
    assert_eq!(identify["token"], "<redacted>");
    assert_eq!(
        identify["intents"].as_u64(),
        Some(serenity::GatewayIntents::non_privileged().bits())
    );
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_no_client_would_send_are_refused_before_reaching_the_bot() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let calls_before = fake.call_count();
    let dispatches_before = fake.gateway_stats().dispatches;

    let refused = [
        (
            fake.slash("replicas").option_int("count", 50),
            "above max_value 20",
        ),
        (
            fake.slash("replicas").option_int("count", 0),
            "below min_value 1",
        ),
        (fake.slash("replicas").option_str("count", "6"), "INTEGER"),
        (fake.slash("replicas"), "required option `count`"),
        (
            fake.slash("replicas")
                .option_int("count", 2)
                .option_int("size", 1),
            "no option `size`",
        ),
        (fake.slash("scale"), "/scale is not registered"),
        (
            fake.autocomplete("replicas", "count", "1"),
            "not registered with autocomplete",
        ),
    ];
    for (builder, expected) in refused {
        match builder.try_send().await {
            Err(InjectError::Invalid(why)) => {
                assert!(why.contains(expected), "expected {expected:?} in {why:?}");
            }
            other => panic!("expected a refusal containing {expected:?}, got {other:?}"),
        }
    }
    // A raw dispatch serenity could not parse would be dropped silently (here an integer
    // option sent as a string); the fake refuses it and says why.
    let bad = json!({
        "id": "1500000000000000004", "application_id": fake.app_id(), "type": 2,
        "token": "tok-bad", "version": 1, "locale": "en-US", "entitlements": [],
        "attachment_size_limit": 8388608, "channel_id": fake.channel_id(),
        "data": {"id": "1", "name": "replicas", "type": 1,
                 "options": [{"name": "count", "type": 4, "value": "6"}]},
    });
    match fake.send_dispatch("INTERACTION_CREATE", bad).await {
        Err(InjectError::WouldBeDropped(why)) => {
            assert!(why.contains("unknown event"), "{why}");
            assert!(why.contains("invalid type: string \"6\""), "{why}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(fake.call_count(), calls_before, "nothing reached the bot");
    assert_eq!(fake.gateway_stats().dispatches, dispatches_before);

    // `.unchecked()` lets a test see what the bot does with such values: poise does not
    // enforce the registered bounds, so the command runs with 50.
    let ix = fake
        .slash("replicas")
        .option_int("count", 50)
        .unchecked()
        .send()
        .await;
    fake.wait_for_followup(&ix, |m| m.content == "followup: done", WAIT)
        .await;
    let original = fake.original_message(&ix).expect("original message");
    assert_eq!(original.content, "Scaling to 50 replicas...");
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_defers_edits_opens_a_thread_and_follows_up() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let app = fake.app_id().to_owned();
    let channel = fake.channel_id().to_owned();
    let mark = fake.call_count();

    let ix = fake.slash("replicas").option_int("count", 6).send().await;
    let followup = fake
        .wait_for_followup(&ix, |m| m.content == "followup: done", WAIT)
        .await;

    let original = fake.original_message(&ix).expect("original message");
    let (id, token) = (&ix.id, &ix.token);
    let calls = fake.calls_since(mark);
    assert_eq!(
        summaries(&calls),
        [
            format!("POST /interactions/{id}/{token}/callback"),
            format!("PATCH /webhooks/{app}/{token}/messages/@original"),
            format!("POST /channels/{channel}/messages/{}/threads", original.id),
            format!("POST /channels/{}/messages", original.id),
            format!("POST /webhooks/{app}/{token}"),
        ]
    );
    assert_eq!(calls[0].body()["type"], 5);
    assert_eq!(calls[0].status, 204);
    assert_eq!(calls[1].body()["content"], "Scaling to 6 replicas...");
    assert_eq!(calls[2].body()["name"], "replicas-6");
    assert_eq!(calls[2].body()["auto_archive_duration"], 1440);
    assert_eq!(calls[3].body()["content"], "Scaled to 6 replicas");
    assert!(calls[4].query.is_none(), "followups carry no ?wait=true");
    assert!(calls.iter().all(|c| c.status < 300), "{calls:#?}");

    // The store agrees with the calls.
    assert_eq!(original.content, "Scaling to 6 replicas...");
    assert!(
        !original.is_loading(),
        "the edit replaced the loading state"
    );
    assert_eq!(original.edits, 1);
    let thread = fake
        .thread(&original.id)
        .expect("thread on the status message");
    assert_eq!((thread.name.as_str(), thread.kind), ("replicas-6", 11));
    assert_eq!(thread.parent_id.as_deref(), Some(channel.as_str()));
    let in_thread = fake
        .wait_for_message_in(&thread.id, |m| m.content.starts_with("Scaled"), WAIT)
        .await;
    assert_eq!(in_thread.content, "Scaled to 6 replicas");
    assert_eq!(fake.thread_messages(&thread.id).len(), 1);
    assert_eq!(followup.flags, 0);
    assert_eq!(fake.followups_for(&ix).len(), 1);
    let callbacks = fake.callbacks_for(&ix);
    assert_eq!(callbacks.len(), 1);
    assert_eq!(callbacks[0].kind, 5);

    // Latency stamps: the dispatch write time and the callback arrival.
    assert_eq!(fake.dispatch_sent_at(&ix.id), Some(ix.sent_at));
    let latency = fake.callback_latency(&ix).expect("latency");
    assert!(latency < WAIT, "callback after {latency:?}");
    assert!(calls[0].at >= ix.sent_at);
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_answers_with_a_channel_message() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let ix = fake.slash("ping").send().await;
    let callback = fake.wait_for_callback(&ix, WAIT).await;
    assert_eq!(callback.kind, 4);
    assert_eq!(callback.data["content"], "pong");
    let original = fake
        .original_message(&ix)
        .expect("type 4 creates the original");
    assert_eq!(original.content, "pong");
    assert_eq!(original.channel_id, fake.channel_id());
    assert!(!original.is_ephemeral());
    assert!(fake.callback_latency(&ix).is_some());
    // A second interaction gets its own id and token.
    let again = fake
        .slash("ping")
        .user("1400000000000000002", "other")
        .send()
        .await;
    assert_ne!((&again.id, &again.token), (&ix.id, &ix.token));
    fake.wait_for_callback(&again, WAIT).await;
    assert_eq!(fake.messages_in(fake.channel_id()).len(), 2);
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn button_click_reaches_the_collector_and_updates_the_message() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let app = fake.app_id().to_owned();
    let ix = fake.slash("confirm").send().await;

    // The bot learns its message id from GET @original, then starts the collector.
    let original_path = format!("/webhooks/{app}/{}/messages/@original", ix.token);
    fake.wait_for_call(|c| c.is("GET", &original_path), WAIT)
        .await;
    let message = fake
        .original_message(&ix)
        .expect("the reply with the button");
    assert_eq!(message.content, "Proceed?");
    assert_eq!(message.custom_ids(), ["confirm-yes"]);

    let click = fake
        .click(&message.id, "confirm-yes")
        .send_until_answered(Duration::from_millis(250), WAIT)
        .await;
    let callback = fake.wait_for_callback(&click, WAIT).await;
    assert_eq!(callback.kind, 7);
    assert_eq!(callback.data["content"], "confirmed: confirm-yes");

    // Type 7 updated the message the button was on, in place.
    let updated = fake.message(&message.id).expect("still there");
    assert_eq!(updated.content, "confirmed: confirm-yes");
    assert!(updated.components.is_empty());
    assert_eq!(updated.edits, 1);
    assert_eq!(
        fake.original_message(&click).map(|m| m.id),
        Some(message.id.clone())
    );

    // The button is gone now, so a client could not click it again.
    let again = fake.click(&message.id, "confirm-yes").try_send().await;
    assert!(
        matches!(&again, Err(InjectError::Invalid(why)) if why.contains("no component")),
        "{again:?}"
    );
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_returns_the_matching_choices() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let ix = fake.autocomplete("deploy", "env", "st").send().await;
    let callback = fake.wait_for_callback(&ix, WAIT).await;
    assert_eq!(callback.kind, 8);
    assert_eq!(
        callback.data["choices"],
        json!([{"name": "staging", "value": "staging"}])
    );
    assert!(
        fake.original_message(&ix).is_none(),
        "autocomplete creates no message"
    );

    let run = fake
        .slash("deploy")
        .option_str("env", "staging")
        .send()
        .await;
    let callback = fake.wait_for_callback(&run, WAIT).await;
    assert_eq!(callback.data["content"], "deploying to staging");
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_are_acked_and_a_reconnect_resumes_the_session() {
    let config = FakeConfig {
        heartbeat_interval: Duration::from_millis(100),
        ..FakeConfig::default()
    };
    let (fake, _bot) = fake_with_bot(config).await;
    // The shard checks its heartbeat timer only when its 500 ms socket read times out, so
    // two heartbeats (the second one checks that the first was ACKed) take about 1 s.
    fake.wait_for_gateway(|g| g.heartbeats >= 2, WAIT).await;

    assert!(fake.request_reconnect());
    let gateway = fake
        .wait_for_gateway(|g| g.resumes == 1 && g.live, WAIT)
        .await;
    assert_eq!((gateway.connections, gateway.identifies), (2, 1));

    let ix = fake.slash("ping").send().await;
    assert_eq!(
        fake.wait_for_callback(&ix, WAIT).await.data["content"],
        "pong"
    );
    // Still the first session: no second IDENTIFY, so ACKs kept the shard healthy.
    assert_eq!(fake.gateway_stats().identifies, 1);
    fake.assert_clean();
}

/// The Discord error code inside a failed serenity HTTP call.
fn discord_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_answers_parse_in_serenity_and_refusals_are_reported() {
    let (fake, _bot) = fake_with_bot(FakeConfig::default()).await;
    let app: u64 = fake.app_id().parse().expect("app id");
    let guild: u64 = fake.guild_id().parse().expect("guild id");
    // The test's own client, for calls the smoke bot never makes.
    let http = serenity::HttpBuilder::new("fake-token")
        .proxy(fake.proxy_url())
        .ratelimiter_disabled(true)
        .application_id(serenity::ApplicationId::new(app))
        .build();
    let channel = serenity::ChannelId::new(fake.channel_id().parse().expect("channel id"));

    match http.get_channel(channel).await.expect("GET channel") {
        serenity::Channel::Guild(general) => {
            assert_eq!(general.kind, serenity::ChannelType::Text);
        }
        other => panic!("expected a guild channel, got {other:?}"),
    }

    // No collector waits on a /ping reply, so the bot ignores this click and the test
    // answers it: a type 6 deferred update, then an ephemeral followup.
    let ping = fake.slash("ping").send().await;
    fake.wait_for_callback(&ping, WAIT).await;
    let pong = fake.original_message(&ping).expect("pong message");
    let click = fake.click(&pong.id, "stray").unchecked().send().await;
    let click_id = serenity::InteractionId::new(click.id.parse().expect("interaction id"));
    http.create_interaction_response(click_id, &click.token, &json!({"type": 6}), vec![])
        .await
        .expect("type 6 accepted");
    assert_eq!(fake.callbacks_for(&click)[0].kind, 6);
    assert_eq!(
        fake.original_message(&click).map(|m| m.id),
        Some(pong.id.clone()),
        "after a type 6, @original is the clicked message"
    );
    let only_you = json!({"content": "only you", "flags": 64});
    let followup = http
        .create_followup_message(&click.token, &only_you, vec![])
        .await
        .expect("followup");
    assert!(followup
        .flags
        .is_some_and(|f| f.contains(serenity::MessageFlags::EPHEMERAL)));
    assert!(fake.followups_for(&click)[0].is_ephemeral());
    let twice = http
        .create_interaction_response(click_id, &click.token, &json!({"type": 6}), vec![])
        .await
        .expect_err("a second answer is refused");
    assert_eq!(discord_code(&twice), Some(40060));
    assert!(fake.problems().is_empty(), "{:?}", fake.problems());

    // Refusals come back in Discord's error shape, which serenity parses.
    let empty = channel.say(&http, "").await.expect_err("empty message");
    assert_eq!(discord_code(&empty), Some(50006));
    let nowhere = serenity::ChannelId::new(42).say(&http, "hi").await;
    assert_eq!(
        discord_code(&nowhere.expect_err("unknown channel")),
        Some(10003)
    );
    assert!(fake.unknown_calls().is_empty());
    http.get_guild(serenity::GuildId::new(guild))
        .await
        .expect_err("the fake has no guild route");
    assert_eq!(
        summaries(&fake.unknown_calls()),
        [format!("GET /guilds/{guild}")]
    );

    // The empty message (a bot bug) and the unknown route are problems; the 404 for an
    // unknown channel and the double answer are ordinary Discord answers.
    let problems = fake.problems();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains("Cannot send an empty message"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("unknown REST call: GET /api/v10/guilds/"),
        "{problems:#?}"
    );
}
