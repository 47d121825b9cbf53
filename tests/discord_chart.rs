//! `/scaling-history service` through the real bot and the fake Discord: the chart arrives as
//! a multipart upload that the fake reads as Discord does (`payload_json` + `files[0]`, the
//! attachment entry matching the file, size limits), and is a PNG of the real history.

mod support;

use std::time::Duration;

use clickscale::chart::{palette, Layout, HEIGHT, WIDTH};
use support::bot::{World, WAIT};
use support::discord::{FakeConfig, FakeDiscord, RecordedCall};

/// A CDC change on `ingest-cdc` through the bot, so that the audit log has a request, an API
/// call and a confirmed outcome with the values before and after.
async fn scale_up_cdc(w: &World) {
    let ix = w
        .fake
        .slash("cdc-scale")
        .option_str("service", "ingest-cdc")
        .option_int("cores", 4)
        .send()
        .await;
    let private = w.private_answer(&ix).await;
    assert!(private.starts_with("Started #1"), "{private}");
    let status = w.status_message("/cdc-scale").await;
    w.thread_line(&status.id, "✅ Confirmed").await;
}

fn is_upload(c: &RecordedCall) -> bool {
    c.is("PATCH", "/webhooks/*/*/messages/@original") && !c.files.is_empty()
}

#[tokio::test]
async fn the_history_of_a_service_comes_with_its_chart_as_a_multipart_upload() {
    let w = World::start(|_| {}).await;
    scale_up_cdc(&w).await;
    let ix = w
        .fake
        .slash("scaling-history")
        .option_str("service", "ingest-cdc")
        .send()
        .await;
    let call = w.fake.wait_for_call(is_upload, WAIT).await;
    assert_eq!(call.status, 200, "{:?}", call.response);
    assert_eq!(call.files.len(), 1);
    let file = &call.files[0];
    assert!(
        file.filename.starts_with("scaling-history-ingest-cdc-") && file.filename.ends_with(".png"),
        "{}",
        file.filename
    );
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    // payload_json carries the text and the attachment entry the file part is matched to.
    assert!(
        call.body()["content"]
            .as_str()
            .unwrap()
            .contains("Scaling history"),
        "{}",
        call.body()
    );
    assert_eq!(call.body()["attachments"][0]["id"], 0);
    assert_eq!(call.body()["attachments"][0]["filename"], file.filename);

    // The private answer now has the attachment, as Discord would show it.
    let message = w.fake.original_message(&ix).expect("the answer");
    assert!(message.is_ephemeral());
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].png_size(), Some((WIDTH, HEIGHT)));
    assert_eq!(
        message.to_json()["attachments"][0]["width"],
        serde_json::json!(WIDTH)
    );

    // The picture is the real history: the CDC step drawn from the recorded outcome.
    let decoder = png::Decoder::new(std::io::Cursor::new(file.data.as_slice()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgb).expect("a frame");
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    let plot = Layout::new().cdc.plot;
    let c = palette::CDC;
    let cdc_pixels = (plot.y0..plot.y1)
        .flat_map(|y| (plot.x0..plot.x1).map(move |x| (x, y)))
        .filter(|(x, y)| {
            let i = ((*y as u32 * WIDTH + *x as u32) * 3) as usize;
            rgb[i].abs_diff(c.0) <= 8
                && rgb[i + 1].abs_diff(c.1) <= 8
                && rgb[i + 2].abs_diff(c.2) <= 8
        })
        .count();
    assert!(
        cdc_pixels > 0,
        "the CDC series is missing from the uploaded chart"
    );
    w.fake.assert_clean();
    w.stop().await;
}

#[tokio::test]
async fn days_out_of_range_or_without_a_service_are_refused_without_a_chart() {
    let w = World::start(|_| {}).await;
    for (days, service, expected) in [
        (0, Some("ingest-cdc"), "the chart covers 1 to 31 days"),
        (32, Some("ingest-cdc"), "the chart covers 1 to 31 days"),
        (3, None, "give `service:` too"),
    ] {
        let mut slash = w.fake.slash("scaling-history").option_int("days", days);
        if let Some(s) = service {
            slash = slash.option_str("service", s);
        }
        // A real client keeps to the registered 1-31; the bot must not rely on it.
        let ix = slash.unchecked().send().await;
        let answer = w.private_answer(&ix).await;
        assert!(answer.contains(expected), "days:{days}: {answer}");
    }
    assert!(!w.fake.calls().iter().any(is_upload), "no chart was sent");
    w.fake.assert_clean();
    w.stop().await;
}

#[tokio::test]
async fn an_upload_discord_refuses_is_said_and_the_history_still_comes() {
    // A guild whose upload limit is below any chart's size: the fake answers 413 like Discord.
    let fake = FakeDiscord::start_with(FakeConfig {
        attachment_size_limit: 1024,
        ..FakeConfig::default()
    })
    .await;
    let w = World::start_on(fake, "sqlite::memory:", support::bot::fast_sim(), |_| {}).await;
    scale_up_cdc(&w).await;
    let ix = w
        .fake
        .slash("scaling-history")
        .option_str("service", "ingest-cdc")
        .send()
        .await;
    let refused = w
        .fake
        .wait_for_call(
            |c| c.is("PATCH", "/webhooks/*/*/messages/@original") && c.status == 413,
            WAIT,
        )
        .await;
    assert_eq!(refused.response.as_ref().unwrap()["code"], 40005);
    let deadline = tokio::time::Instant::now() + WAIT;
    let answer = loop {
        let content = w
            .fake
            .original_message(&ix)
            .map(|m| m.content)
            .unwrap_or_default();
        if content.contains("did not accept the chart") {
            break content;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer: {content:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(answer.contains("Scaling history"), "{answer}");
    // The oversized upload is the one problem the fake saw.
    let problems = w.fake.problems();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("over the attachment size limit of 1024"),
        "{problems:#?}"
    );
    w.stop().await;
}
