//! The history chart: a timeline built from audit entries, and the PNG drawn from it. The
//! picture is checked by what is in its regions (pixels of each series' colour in its panel,
//! of each marker's colour in its row, text pixels where each label goes), not against a
//! golden file, so a font or anti-aliasing update does not break it but a missing series or
//! label does.

use chrono::{DateTime, Duration, TimeZone, Utc};
use clickscale::{
    chart::{
        self, palette, Bounds, Layout, MarkerKind, Point, Rect, Resource, Rgb, Timeline, HEIGHT,
        WIDTH,
    },
    i18n::Locale,
    scaling::Current,
    store::{AuditAction, AuditEntry, AuditRecord},
};
use serde_json::json;

fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap()
}

fn cdc(cores: u32) -> Current {
    serde_json::from_value(json!({"kind": "cdc", "value": {
        "replicaCpuMillicores": cores * 1000, "replicaMemoryGb": cores * 4}}))
    .unwrap()
}

fn service(replicas: u32, min_gb: u32, max_gb: u32) -> Current {
    serde_json::from_value(json!({"kind": "service", "value": {
        "id": "4f6b3f4e-8a8c-4d5e-9f00-000000000003", "name": "ingest-cdc",
        "numReplicas": replicas, "minReplicaMemoryGb": min_gb, "maxReplicaMemoryGb": max_gb}}))
    .unwrap()
}

/// Builds audit records in order.
#[derive(Default)]
struct Log(Vec<AuditRecord>);

impl Log {
    fn add(
        &mut self,
        at: DateTime<Utc>,
        action: AuditAction,
        actor: &str,
        values: (Option<Current>, Option<Current>),
        detail: Option<&str>,
    ) -> &mut Self {
        let mut e = AuditEntry::new(at, actor, actor, action);
        e.service_id = Some("4f6b3f4e-8a8c-4d5e-9f00-000000000003".into());
        e.service_name = Some("ingest-cdc".into());
        e.before = values.0.map(|c| serde_json::to_value(c).unwrap());
        e.after = values.1.map(|c| serde_json::to_value(c).unwrap());
        e.detail = detail.map(str::to_owned);
        let id = self.0.len() as i64 + 1;
        self.0.push(AuditRecord { id, entry: e });
        self
    }
}

const BOT: &str = "clickscale";

/// A week of `ingest-cdc`: a CDC scale-up 2 -> 8 cores with its reminder, escalation and a
/// snooze, scaled back the next day; a replica scale-up 3 -> 5 (memory 16-64 -> 16-96 GB), a
/// failed change, and the scale back the day before the end.
fn week() -> Vec<AuditRecord> {
    let d = |days: i64, minutes: i64| end() - Duration::days(days) + Duration::minutes(minutes);
    let mut log = Log::default();
    log.add(
        d(6, 0),
        AuditAction::Requested,
        "alice",
        (Some(cdc(2)), None),
        None,
    )
    .add(
        d(6, 1),
        AuditAction::ApiCall,
        BOT,
        (Some(cdc(2)), None),
        None,
    )
    .add(
        d(6, 5),
        AuditAction::Outcome,
        BOT,
        (Some(cdc(2)), Some(cdc(8))),
        Some("confirmed"),
    )
    .add(
        d(6, 60),
        AuditAction::Reminder,
        BOT,
        (Some(cdc(2)), None),
        None,
    )
    .add(
        d(6, 180),
        AuditAction::Escalated,
        BOT,
        (Some(cdc(2)), None),
        None,
    )
    .add(
        d(6, 200),
        AuditAction::Snoozed,
        "bob",
        (Some(cdc(2)), None),
        Some("1h"),
    )
    .add(
        d(5, 0),
        AuditAction::Requested,
        "bob",
        (Some(cdc(8)), None),
        None,
    )
    .add(
        d(5, 5),
        AuditAction::Outcome,
        BOT,
        (Some(cdc(8)), Some(cdc(2))),
        Some("confirmed"),
    )
    .add(
        d(4, 0),
        AuditAction::Requested,
        "carol",
        (Some(service(3, 16, 64)), None),
        None,
    )
    .add(
        d(4, 1),
        AuditAction::Confirmed,
        "carol",
        (Some(service(3, 16, 64)), None),
        None,
    )
    .add(
        d(4, 2),
        AuditAction::Outcome,
        BOT,
        (Some(service(3, 16, 64)), Some(service(5, 16, 96))),
        Some("confirmed"),
    )
    .add(
        d(2, 0),
        AuditAction::Requested,
        "carol",
        (Some(service(5, 16, 96)), None),
        None,
    )
    .add(
        d(2, 1),
        AuditAction::Outcome,
        BOT,
        (Some(service(5, 16, 96)), None),
        Some("failed"),
    )
    .add(
        d(1, 30),
        AuditAction::Acknowledged,
        BOT,
        (Some(service(5, 16, 96)), None),
        Some("automatic scale-down after escalation"),
    )
    .add(
        d(1, 31),
        AuditAction::Requested,
        BOT,
        (Some(service(5, 16, 96)), None),
        None,
    )
    .add(
        d(1, 32),
        AuditAction::Outcome,
        BOT,
        (Some(service(5, 16, 96)), Some(service(3, 16, 64))),
        Some("confirmed"),
    );
    log.0
}

fn timeline() -> Timeline {
    Timeline::from_audit("ingest-cdc", end() - Duration::days(7), end(), &week())
}

#[test]
fn the_timeline_holds_what_the_api_reported_and_who_answered() {
    let t = timeline();
    let d = |days: i64, minutes: i64| end() - Duration::days(days) + Duration::minutes(minutes);
    let cores: Vec<(DateTime<Utc>, u32)> = t.cdc_cores.iter().map(|p| (p.at, p.value)).collect();
    assert_eq!(cores, [(d(6, 0), 2), (d(6, 5), 8), (d(5, 5), 2)]);
    let replicas: Vec<u32> = t.replicas.iter().map(|p| p.value.high).collect();
    assert_eq!(replicas, [3, 5, 3]);
    assert_eq!(
        t.memory_gb.iter().map(|p| p.value).collect::<Vec<_>>(),
        [
            Bounds {
                low: 16.0,
                high: 64.0
            },
            Bounds {
                low: 16.0,
                high: 96.0
            },
            Bounds {
                low: 16.0,
                high: 64.0
            }
        ]
    );
    let count = |k: MarkerKind| t.markers.iter().filter(|m| m.kind == k).count();
    assert_eq!(count(MarkerKind::Request), 5);
    assert_eq!(count(MarkerKind::Confirmation), 4);
    assert_eq!(count(MarkerKind::Reminder), 1);
    assert_eq!(count(MarkerKind::Escalation), 1);
    // Bob's snooze and Carol's Confirm; the bot's own scale-down is not an answer.
    assert_eq!(count(MarkerKind::Answer), 2);
    assert_eq!(count(MarkerKind::NotApplied), 1);
    let episodes: Vec<_> = t
        .episodes
        .iter()
        .map(|e| (e.resource, e.start, e.end, e.before, e.peak))
        .collect();
    assert_eq!(
        episodes,
        [
            (Resource::CdcCores, d(6, 5), Some(d(5, 5)), 2, 8),
            (Resource::Replicas, d(4, 2), Some(d(1, 32)), 3, 5),
        ]
    );
    assert_eq!(t.entries, 16);
}

#[test]
fn an_episode_still_open_at_the_end_has_no_end() {
    let mut log = Log::default();
    log.add(
        end() - Duration::hours(5),
        AuditAction::Requested,
        "a",
        (Some(cdc(2)), None),
        None,
    )
    .add(
        end() - Duration::hours(4),
        AuditAction::Outcome,
        BOT,
        (Some(cdc(2)), Some(cdc(6))),
        Some("confirmed"),
    )
    .add(
        end() - Duration::hours(3),
        AuditAction::Requested,
        "a",
        (Some(cdc(6)), None),
        None,
    )
    .add(
        end() - Duration::hours(2),
        AuditAction::Outcome,
        BOT,
        (Some(cdc(6)), Some(cdc(4))),
        Some("confirmed"),
    );
    let t = Timeline::from_audit("x", end() - Duration::days(1), end(), &log.0);
    assert_eq!(t.episodes.len(), 1, "{:?}", t.episodes);
    assert_eq!((t.episodes[0].before, t.episodes[0].peak), (2, 6));
    assert_eq!(t.episodes[0].end, None, "4 cores is still above 2");
}

/// The decoded picture.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn decode(png_bytes: &[u8]) -> Self {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("a buffer size")];
        let info = reader.next_frame(&mut buf).expect("a PNG frame");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        Self {
            width: info.width,
            height: info.height,
            rgb: buf,
        }
    }

    fn pixel(&self, x: i32, y: i32) -> Rgb {
        let i = ((y as u32 * self.width + x as u32) * 3) as usize;
        Rgb(self.rgb[i], self.rgb[i + 1], self.rgb[i + 2])
    }

    /// Pixels in `r` within `tolerance` (per channel) of `c`.
    fn count(&self, r: Rect, c: Rgb, tolerance: u8) -> usize {
        let near = |a: u8, b: u8| a.abs_diff(b) <= tolerance;
        let mut n = 0;
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                let p = self.pixel(x, y);
                if near(p.0, c.0) && near(p.1, c.1) && near(p.2, c.2) {
                    n += 1;
                }
            }
        }
        n
    }

    /// Text pixels in `r`: darker than anything but text and its anti-aliased edge (the grid,
    /// the shading and the bands are all lighter).
    fn ink(&self, r: Rect) -> usize {
        let mut n = 0;
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                let Rgb(red, green, blue) = self.pixel(x, y);
                if u32::from(red) + u32::from(green) + u32::from(blue) < 3 * 170 {
                    n += 1;
                }
            }
        }
        n
    }

    /// The pixels of `r`, to compare two renderings.
    fn region(&self, r: Rect) -> Vec<Rgb> {
        (r.y0..r.y1)
            .flat_map(|y| (r.x0..r.x1).map(move |x| (x, y)))
            .map(|(x, y)| self.pixel(x, y))
            .collect()
    }
}

fn draw(t: &Timeline, loc: Locale) -> Image {
    let png = chart::render(t, loc).expect("the chart renders");
    Image::decode(png.bytes())
}

#[test]
fn the_chart_decodes_at_its_size_with_every_series_marker_and_label() {
    let img = draw(&timeline(), Locale::EnUs);
    assert_eq!((img.width, img.height), (WIDTH, HEIGHT));
    let l = Layout::new();
    // Each series in its own panel (the caption's swatch is outside the plot).
    for (name, plot, colour) in [
        ("CDC cores", l.cdc.plot, palette::CDC),
        ("replicas", l.replicas.plot, palette::REPLICAS),
        ("memory", l.memory.plot, palette::MEMORY),
    ] {
        let n = img.count(plot, colour, 8);
        assert!(n > 300, "{name}: {n} pixels of its colour in its panel");
    }
    // The CDC scale-up is shaded in the CDC panel only while it lasted.
    let shade = palette::over_background(palette::SHADE, palette::SHADE_ALPHA);
    let shaded = img.count(l.cdc.plot, shade, 6);
    assert!(shaded > 5_000, "{shaded} shaded pixels in the CDC panel");
    let after_it = Rect::new(
        l.cdc.plot.x0 + l.cdc.plot.width() * 3 / 7,
        l.cdc.plot.y0,
        l.cdc.plot.x1,
        l.cdc.plot.y1,
    );
    assert_eq!(img.count(after_it, shade, 6), 0, "no shade after day 2");
    assert!(img.count(l.replicas.plot, shade, 6) > 5_000);
    assert_eq!(
        img.count(l.memory.plot, shade, 6),
        0,
        "memory is not an episode"
    );
    // Each event row: its label, and markers of its colour.
    for kind in MarkerKind::ALL {
        let (label, row) = l.event_row(kind);
        let ink = img.ink(label);
        assert!(ink > 40, "{kind:?}: {ink} text pixels in its label");
        let marks = img.count(row, kind.colour(), 10);
        assert!(marks > 30, "{kind:?}: {marks} marker pixels in its row");
    }
    for (name, r) in [
        ("title", l.title),
        ("legend", l.legend),
        ("cdc caption", l.cdc.caption),
        ("replicas caption", l.replicas.caption),
        ("memory caption", l.memory.caption),
        ("events caption", l.events.caption),
        ("date axis", l.axis),
        ("footer", l.footer),
    ] {
        let ink = img.ink(r);
        assert!(ink > 60, "{name}: {ink} text pixels");
    }
}

#[test]
fn a_series_or_event_that_did_not_happen_is_not_drawn_and_the_panel_says_so() {
    // CDC only: no replica or memory values, no reminder, escalation or answer.
    let mut log = Log::default();
    log.add(
        end() - Duration::hours(30),
        AuditAction::Requested,
        "a",
        (Some(cdc(2)), None),
        None,
    )
    .add(
        end() - Duration::hours(29),
        AuditAction::Outcome,
        BOT,
        (Some(cdc(2)), Some(cdc(4))),
        Some("confirmed"),
    );
    let t = Timeline::from_audit("ingest-cdc", end() - Duration::days(7), end(), &log.0);
    let img = draw(&t, Locale::EnUs);
    let l = Layout::new();
    assert!(img.count(l.cdc.plot, palette::CDC, 8) > 300);
    assert_eq!(img.count(l.replicas.plot, palette::REPLICAS, 8), 0);
    assert_eq!(img.count(l.memory.plot, palette::MEMORY, 8), 0);
    // "no value reported in this period" in the empty panels.
    assert!(img.ink(l.replicas.plot) > 100);
    assert!(img.ink(l.memory.plot) > 100);
    for kind in [
        MarkerKind::Reminder,
        MarkerKind::Escalation,
        MarkerKind::Answer,
    ] {
        let (_, row) = l.event_row(kind);
        assert_eq!(img.count(row, kind.colour(), 10), 0, "{kind:?}");
    }
    let (_, requests) = l.event_row(MarkerKind::Request);
    assert!(img.count(requests, palette::REQUEST, 10) > 30);
}

#[test]
fn labels_are_drawn_in_the_readers_language() {
    let t = timeline();
    let l = Layout::new();
    let en = draw(&t, Locale::EnUs);
    for loc in [Locale::Ru, Locale::ZhCn] {
        let img = draw(&t, loc);
        for kind in MarkerKind::ALL {
            let (label, _) = l.event_row(kind);
            assert!(img.ink(label) > 30, "{loc} {kind:?}: no label");
            assert_ne!(
                img.region(label),
                en.region(label),
                "{loc} {kind:?}: the label is the English one"
            );
        }
        for r in [l.title, l.cdc.caption, l.legend, l.footer] {
            assert!(img.ink(r) > 60, "{loc}: {r:?} has no text");
            assert_ne!(img.region(r), en.region(r), "{loc}: {r:?} is English");
        }
    }
}

#[test]
fn scale_up_labels_carry_the_extra_cost_when_given() {
    let mut t = timeline();
    let l = Layout::new();
    let plain = draw(&t, Locale::EnUs);
    for e in &mut t.episodes {
        e.extra_cost = Some("$12".into());
    }
    let costed = draw(&t, Locale::EnUs);
    // The CDC episode's label sits at the top left of its shading.
    let x0 = l.cdc.plot.x0 + l.cdc.plot.width() / 7;
    let label = Rect::new(x0, l.cdc.plot.y0 + 1, x0 + 110, l.cdc.plot.y0 + 18);
    assert!(costed.ink(label) > plain.ink(label) + 20);
}

#[test]
fn every_chart_text_in_every_language_has_its_glyphs_in_the_embedded_font() {
    use ab_glyph::{Font, FontRef};
    let font = FontRef::try_from_slice(chart::FONT).expect("the embedded font parses");
    for loc in Locale::ALL {
        for (file, source) in loc.sources() {
            let mut in_chart_text = false;
            for line in source.lines() {
                if !line.starts_with(' ') {
                    in_chart_text = ["chart-", "duration-"].iter().any(|p| line.starts_with(p));
                }
                if !in_chart_text {
                    continue;
                }
                let missing: String = line.chars().filter(|c| font.glyph_id(*c).0 == 0).collect();
                assert!(
                    missing.is_empty(),
                    "{loc}/{file}: no glyph for {missing:?} in {line:?}"
                );
            }
        }
    }
    // Digits, ASCII and a common Chinese and Russian service name.
    for c in "0123456789 abcXYZ-_.:()分析生产数据Аналитика–…≈".chars() {
        assert_ne!(font.glyph_id(c).0, 0, "{c:?}");
    }
}

#[test]
fn a_points_value_holds_until_the_next_one() {
    // Two points: the first value's line runs from its point to the second, the last to the end.
    let from = end() - Duration::days(2);
    let t = Timeline {
        service: "s".into(),
        from,
        to: end(),
        cdc_cores: vec![
            Point { at: from, value: 2 },
            Point {
                at: from + Duration::days(1),
                value: 4,
            },
        ],
        replicas: Vec::new(),
        memory_gb: Vec::new(),
        markers: Vec::new(),
        episodes: Vec::new(),
        entries: 2,
        truncated: false,
    };
    let img = draw(&t, Locale::EnUs);
    let p = Layout::new().cdc.plot;
    let first_half = Rect::new(p.x0 + 5, p.y0, p.x0 + p.width() / 2 - 5, p.y1);
    let second_half = Rect::new(p.x0 + p.width() / 2 + 5, p.y0, p.x1 - 5, p.y1);
    // Each half holds one horizontal run of the line (3 px thick), at different heights.
    let rows = |r: Rect| -> Vec<i32> {
        (r.y0..r.y1)
            .filter(|y| img.count(Rect::new(r.x0, *y, r.x1, y + 1), palette::CDC, 8) > 100)
            .collect()
    };
    let (a, b) = (rows(first_half), rows(second_half));
    assert!(!a.is_empty() && !b.is_empty(), "{a:?} {b:?}");
    assert!(
        a.iter().min() > b.iter().max(),
        "2 cores is drawn below 4: {a:?} {b:?}"
    );
}

#[test]
fn shaded_periods_carry_the_cost_models_extra_cost() {
    use clickscale::{
        ops::{episodes, OperationId},
        scaling::{FollowUpClock, Rates},
    };
    // 2 -> 8 cores (+$0.60/h at list prices) for 10 hours; replicas 3 -> 5 for 2 hours, which
    // has no price without a configured service rate.
    let mut log = Log::default();
    let changes = [
        (30, (cdc(2), cdc(8))),
        (20, (cdc(8), cdc(2))),
        (10, (service(3, 16, 64), service(5, 16, 64))),
        (8, (service(5, 16, 64), service(3, 16, 64))),
    ];
    for (hours_before_end, (before, after)) in changes {
        // The request shows the value before; the confirmed outcome the one after.
        log.add(
            end() - Duration::hours(hours_before_end) - Duration::minutes(5),
            AuditAction::Requested,
            "alice",
            (Some(before.clone()), None),
            None,
        );
        log.add(
            end() - Duration::hours(hours_before_end),
            AuditAction::Outcome,
            BOT,
            (Some(before), Some(after)),
            Some("confirmed"),
        );
    }
    for (i, r) in log.0.iter_mut().enumerate() {
        r.entry.operation = Some(OperationId(i as u64 / 2 + 1));
    }
    let records = log.0;
    let mut t = Timeline::from_audit("ingest-cdc", end() - Duration::days(2), end(), &records);
    let costed = episodes::episodes(
        &records,
        &Rates::list_prices(),
        end(),
        &FollowUpClock::wall(),
    );
    t.price_episodes(Locale::EnUs, &costed);
    let labels: Vec<_> = t
        .episodes
        .iter()
        .map(|e| (e.resource, e.extra_cost.clone()))
        .collect();
    assert_eq!(
        labels,
        [
            (Resource::CdcCores, Some("$6.00".to_owned())),
            (Resource::Replicas, None),
        ]
    );
    // In the reader's language.
    t.price_episodes(Locale::Ru, &costed);
    assert_eq!(t.episodes[0].extra_cost.as_deref(), Some("6,00 $"));
}
