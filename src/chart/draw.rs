//! Drawing a [`Timeline`] into a PNG with plotters' bitmap backend, at the fixed [`Layout`].

use std::sync::OnceLock;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use plotters::{
    coord::Shift,
    prelude::*,
    style::{
        register_font,
        text_anchor::{HPos, Pos, VPos},
        FontStyle,
    },
};

use super::{
    palette, Bounds, Layout, MarkerKind, Panel, Point, Rect, Resource, Rgb, Timeline, FONT, HEIGHT,
    WIDTH,
};
use crate::{i18n::Locale, ops::text, t};

/// A rendered chart: PNG bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png(pub Vec<u8>);

impl Png {
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded chart font could not be read")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(#[from] png::EncodingError),
}

/// The family every text is drawn in; plotters' own defaults ask for "sans-serif" too.
const FAMILY: &str = "sans-serif";

/// Registers the embedded font once per process (plotters keeps fonts in a global table).
fn font_ready() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    ok.then_some(()).ok_or(ChartError::Font)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn text_style(size: f64, c: Rgb) -> TextStyle<'static> {
    let mut style = TextStyle::from((FAMILY, size).into_font());
    style.color = colour(c).to_backend_color();
    style
}

/// Untrusted text (a service name) as drawable text: no control characters, at most `max`
/// characters.
fn clean(s: &str, max: usize) -> String {
    let printable: String = s.chars().filter(|c| !c.is_control()).collect();
    if printable.chars().count() <= max {
        printable
    } else {
        let mut cut: String = printable.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// Draws `timeline` with its labels in `loc`.
pub fn render(timeline: &Timeline, loc: Locale) -> Result<Png, ChartError> {
    font_ready()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        Painter {
            root: &root,
            t: timeline,
            loc,
            layout: Layout::new(),
        }
        .paint()?;
        root.present().map_err(draw_err)?;
    }
    let mut out = Vec::with_capacity(64 * 1024);
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(Png(out))
}

struct Painter<'a, 'b> {
    root: &'a Area<'b>,
    t: &'a Timeline,
    loc: Locale,
    layout: Layout,
}

impl Painter<'_, '_> {
    fn paint(&self) -> Result<(), ChartError> {
        let l = &self.layout;
        self.root
            .fill(&colour(palette::BACKGROUND))
            .map_err(draw_err)?;
        self.frame(
            Rect::new(0, 0, WIDTH as i32, HEIGHT as i32),
            palette::BORDER,
        )?;
        self.header()?;
        let cdc: Vec<Point<Bounds<f64>>> = self
            .t
            .cdc_cores
            .iter()
            .map(|p| Point {
                at: p.at,
                value: Bounds {
                    low: f64::from(p.value),
                    high: f64::from(p.value),
                },
            })
            .collect();
        let replicas: Vec<Point<Bounds<f64>>> = self
            .t
            .replicas
            .iter()
            .map(|p| Point {
                at: p.at,
                value: Bounds {
                    low: f64::from(p.value.low),
                    high: f64::from(p.value.high),
                },
            })
            .collect();
        self.value_panel(
            &l.cdc,
            "chart-panel-cdc",
            palette::CDC,
            &cdc,
            Some(Resource::CdcCores),
        )?;
        self.value_panel(
            &l.replicas,
            "chart-panel-replicas",
            palette::REPLICAS,
            &replicas,
            Some(Resource::Replicas),
        )?;
        self.value_panel(
            &l.memory,
            "chart-panel-memory",
            palette::MEMORY,
            &self.t.memory_gb,
            None,
        )?;
        self.events()?;
        self.axis()?;
        self.footer()
    }

    fn header(&self) -> Result<(), ChartError> {
        let l = &self.layout;
        let days = self.days();
        let title = t!(
            self.loc,
            "chart-title",
            service = clean(&self.t.service, 48),
            days = days
        );
        self.text(&title, (l.title.x0, l.title.y0 + 4), 22.0, palette::TEXT)?;
        // The key for the shading, right-aligned in its box.
        let label = t!(self.loc, "chart-legend-scaled-up");
        let style = text_style(14.0, palette::TEXT);
        let (w, _) = self
            .root
            .estimate_text_size(&label, &style)
            .map_err(draw_err)?;
        let text_x = l.legend.x1 - w as i32;
        let swatch = Rect::new(text_x - 30, l.legend.y0 + 3, text_x - 8, l.legend.y1 - 3);
        self.fill(swatch, palette::SHADE, palette::SHADE_ALPHA)?;
        self.frame(swatch, palette::SHADE)?;
        self.text(&label, (text_x, l.legend.y0 + 4), 14.0, palette::TEXT)
    }

    fn days(&self) -> i64 {
        ((self.t.to - self.t.from).num_minutes() as f64 / 1440.0).round() as i64
    }

    /// x of an instant in the plots (clamped to the chart's period).
    fn x_of(&self, at: DateTime<Utc>, plot: &Rect) -> i32 {
        let span = (self.t.to - self.t.from).num_milliseconds().max(1) as f64;
        let since = (at - self.t.from).num_milliseconds() as f64;
        let f = (since / span).clamp(0.0, 1.0);
        plot.x0 + (f * f64::from(plot.width() - 1)).round() as i32
    }

    /// One value series as steps, its scale-up episodes shaded underneath.
    fn value_panel(
        &self,
        panel: &Panel,
        caption: &str,
        series_colour: Rgb,
        series: &[Point<Bounds<f64>>],
        episodes_of: Option<Resource>,
    ) -> Result<(), ChartError> {
        let plot = panel.plot;
        // Caption: a swatch in the series' colour, then the name.
        let c = panel.caption;
        self.fill(
            Rect::new(c.x0, c.y0 + 7, c.x0 + 22, c.y0 + 11),
            series_colour,
            1.0,
        )?;
        self.text(
            &t!(self.loc, caption),
            (c.x0 + 28, c.y0 + 1),
            14.0,
            palette::TEXT,
        )?;
        for ep in self
            .t
            .episodes
            .iter()
            .filter(|e| Some(e.resource) == episodes_of)
        {
            let x0 = self.x_of(ep.start, &plot);
            let x1 = self.x_of(ep.end.unwrap_or(self.t.to), &plot).max(x0 + 2);
            let shade = Rect::new(x0, plot.y0, x1, plot.y1);
            self.fill(shade, palette::SHADE, palette::SHADE_ALPHA)?;
            let lasted = (ep.end.unwrap_or(self.t.to) - ep.start)
                .to_std()
                .unwrap_or_default();
            let lasted = text::duration(self.loc, lasted);
            let label = match &ep.extra_cost {
                Some(cost) => t!(
                    self.loc,
                    "chart-episode-cost",
                    duration = lasted,
                    cost = clean(cost, 40)
                ),
                None => lasted,
            };
            let style = text_style(12.0, palette::MUTED);
            let (w, _) = self
                .root
                .estimate_text_size(&label, &style)
                .map_err(draw_err)?;
            // Only where it fits: a label running over the next episode would misattribute it.
            if (w as i32) < shade.width() - 6 {
                self.text(&label, (x0 + 4, plot.y0 + 3), 12.0, palette::MUTED)?;
            }
        }
        let top = series.iter().map(|p| p.value.high).fold(0.0f64, f64::max);
        let (step, y_max) = scale(top);
        let y_of =
            |v: f64| plot.y1 - 1 - ((v / y_max) * f64::from(plot.height() - 1)).round() as i32;
        let mut tick = 0.0;
        while tick <= y_max + 1e-9 {
            let y = y_of(tick);
            self.line(&[(plot.x0, y), (plot.x1 - 1, y)], palette::GRID, 1)?;
            let label = if step.fract() == 0.0 {
                format!("{tick:.0}")
            } else {
                format!("{tick:.1}")
            };
            self.text_anchored(
                &label,
                (plot.x0 - 8, y),
                12.0,
                palette::MUTED,
                Pos::new(HPos::Right, VPos::Center),
            )?;
            tick += step;
        }
        self.day_lines(&plot)?;
        self.frame(plot, palette::GRID)?;
        if series.is_empty() {
            let msg = t!(self.loc, "chart-no-data");
            self.text_anchored(
                &msg,
                ((plot.x0 + plot.x1) / 2, (plot.y0 + plot.y1) / 2),
                14.0,
                palette::MUTED,
                Pos::new(HPos::Center, VPos::Center),
            )?;
            return Ok(());
        }
        // Steps: each value holds until the next point, the last one until the end.
        let mut high = Vec::with_capacity(series.len() * 2 + 1);
        let mut low = Vec::with_capacity(series.len() * 2 + 1);
        for (i, p) in series.iter().enumerate() {
            let next = series
                .get(i + 1)
                .map_or(plot.x1 - 1, |n| self.x_of(n.at, &plot));
            // A value reported in the chart's last moments still shows as a short run.
            let x = if i + 1 == series.len() {
                self.x_of(p.at, &plot).min(next - 3)
            } else {
                self.x_of(p.at, &plot)
            };
            if p.value.low < p.value.high {
                self.fill(
                    Rect::new(x, y_of(p.value.high), next.max(x + 1), y_of(p.value.low)),
                    series_colour,
                    0.2,
                )?;
            }
            high.push((x, y_of(p.value.high)));
            high.push((next, y_of(p.value.high)));
            low.push((x, y_of(p.value.low)));
            low.push((next, y_of(p.value.low)));
        }
        self.line(&low, series_colour, 2)?;
        self.line(&high, series_colour, 3)
    }

    /// Vertical lines at each date tick.
    fn day_lines(&self, plot: &Rect) -> Result<(), ChartError> {
        for (at, _) in self.ticks() {
            let x = self.x_of(at, plot);
            self.line(&[(x, plot.y0), (x, plot.y1 - 1)], palette::GRID, 1)?;
        }
        Ok(())
    }

    /// Date ticks: midnights (every few days on a long chart), or every 3 hours on a one-day
    /// chart, with their labels.
    fn ticks(&self) -> Vec<(DateTime<Utc>, String)> {
        let days = self.days().max(1);
        let (step, hourly) = if days <= 1 {
            (Span::hours(3), true)
        } else {
            // About 60 px per label at the plots' width.
            let width = f64::from(self.layout.events.plot.width());
            let every = ((days as f64 * 60.0) / width).ceil().max(1.0) as i64;
            (Span::days(every), false)
        };
        let Ok(mut at) = self.t.from.duration_trunc(if hourly {
            Span::hours(3)
        } else {
            Span::days(1)
        }) else {
            return Vec::new();
        };
        if at < self.t.from {
            at += if hourly {
                Span::hours(3)
            } else {
                Span::days(1)
            };
        }
        let mut out = Vec::new();
        while at <= self.t.to {
            let label = if hourly && at.time() != chrono::NaiveTime::MIN {
                at.format("%H:%M").to_string()
            } else {
                at.format("%m-%d").to_string()
            };
            out.push((at, label));
            at += step;
        }
        out
    }

    fn events(&self) -> Result<(), ChartError> {
        let l = &self.layout;
        let c = l.events.caption;
        self.text(
            &t!(self.loc, "chart-panel-events"),
            (c.x0, c.y0 + 1),
            14.0,
            palette::TEXT,
        )?;
        let plot = l.events.plot;
        self.day_lines(&plot)?;
        for kind in MarkerKind::ALL {
            let (label, row) = l.event_row(kind);
            self.line(
                &[(row.x0, row.y1 - 1), (row.x1 - 1, row.y1 - 1)],
                palette::GRID,
                1,
            )?;
            self.text_anchored(
                &t!(self.loc, kind.label_id()),
                (label.x1, (label.y0 + label.y1) / 2),
                13.0,
                palette::TEXT,
                Pos::new(HPos::Right, VPos::Center),
            )?;
            let y = (row.y0 + row.y1) / 2;
            let style = ShapeStyle {
                color: colour(kind.colour()).to_rgba(),
                filled: true,
                stroke_width: 1,
            };
            // Markers in the same pixel column are drawn once.
            let mut last_x = i32::MIN;
            for m in self.t.markers.iter().filter(|m| m.kind == kind) {
                let x = self.x_of(m.at, &plot);
                if x == last_x {
                    continue;
                }
                last_x = x;
                self.marker(kind, (x, y), style)?;
            }
        }
        self.frame(plot, palette::GRID)
    }

    fn marker(
        &self,
        kind: MarkerKind,
        (x, y): (i32, i32),
        style: ShapeStyle,
    ) -> Result<(), ChartError> {
        const R: i32 = 6;
        let drawn = match kind {
            MarkerKind::Request => self.root.draw(&Polygon::new(
                vec![(x, y - R), (x + R, y + R - 1), (x - R, y + R - 1)],
                style,
            )),
            MarkerKind::Confirmation => self.root.draw(&Circle::new((x, y), R, style)),
            MarkerKind::Reminder => self.root.draw(&Polygon::new(
                vec![(x, y - R), (x + R, y), (x, y + R), (x - R, y)],
                style,
            )),
            MarkerKind::Answer => self.root.draw(&Rectangle::new(
                [(x - R + 1, y - R + 1), (x + R - 1, y + R - 1)],
                style,
            )),
            MarkerKind::Escalation => self.root.draw(&Polygon::new(
                vec![(x - R, y - R + 1), (x + R, y - R + 1), (x, y + R)],
                style,
            )),
            MarkerKind::NotApplied => self.root.draw(&Cross::new(
                (x, y),
                R - 1,
                ShapeStyle {
                    stroke_width: 3,
                    ..style
                },
            )),
        };
        drawn.map_err(draw_err)
    }

    fn axis(&self) -> Result<(), ChartError> {
        let plot = self.layout.events.plot;
        let y = self.layout.axis.y0 + 4;
        for (at, label) in self.ticks() {
            let x = self.x_of(at, &plot);
            self.text_anchored(
                &label,
                (x, y),
                12.0,
                palette::MUTED,
                Pos::new(HPos::Center, VPos::Top),
            )?;
        }
        Ok(())
    }

    fn footer(&self) -> Result<(), ChartError> {
        let f = self.layout.footer;
        let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
        let mut note = t!(
            self.loc,
            "chart-footer",
            entries = self.t.entries,
            from = when(self.t.from),
            to = when(self.t.to)
        );
        if self.t.truncated {
            note.push(' ');
            note.push_str(&t!(self.loc, "chart-truncated"));
        }
        self.text(&note, (f.x0, f.y0 + 6), 12.0, palette::MUTED)
    }

    // Primitives.

    fn text(&self, s: &str, at: (i32, i32), size: f64, c: Rgb) -> Result<(), ChartError> {
        self.text_anchored(s, at, size, c, Pos::new(HPos::Left, VPos::Top))
    }

    fn text_anchored(
        &self,
        s: &str,
        at: (i32, i32),
        size: f64,
        c: Rgb,
        pos: Pos,
    ) -> Result<(), ChartError> {
        self.root
            .draw(&Text::new(s.to_owned(), at, text_style(size, c).pos(pos)))
            .map_err(draw_err)
    }

    fn fill(&self, r: Rect, c: Rgb, alpha: f64) -> Result<(), ChartError> {
        let style = colour(c).mix(alpha).filled();
        self.root
            .draw(&Rectangle::new([(r.x0, r.y0), (r.x1 - 1, r.y1 - 1)], style))
            .map_err(draw_err)
    }

    fn frame(&self, r: Rect, c: Rgb) -> Result<(), ChartError> {
        self.root
            .draw(&Rectangle::new(
                [(r.x0, r.y0), (r.x1 - 1, r.y1 - 1)],
                colour(c).stroke_width(1),
            ))
            .map_err(draw_err)
    }

    fn line(&self, points: &[(i32, i32)], c: Rgb, width: u32) -> Result<(), ChartError> {
        self.root
            .draw(&PathElement::new(
                points.to_vec(),
                colour(c).stroke_width(width),
            ))
            .map_err(draw_err)
    }
}

/// A tick step of 1, 2 or 5 times a power of ten giving at most 4 steps, and the axis top
/// (a whole number of steps with room above the highest value).
fn scale(top: f64) -> (f64, f64) {
    let wanted = (top * 1.15).max(1.0);
    let mut magnitude = 1.0;
    while magnitude * 10.0 <= wanted / 4.0 {
        magnitude *= 10.0;
    }
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| wanted / s <= 4.0)
        .unwrap_or(magnitude * 10.0);
    (step, (wanted / step).ceil() * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_leave_room() {
        assert_eq!(scale(0.0), (1.0, 1.0));
        assert_eq!(scale(2.0), (1.0, 3.0));
        assert_eq!(scale(8.0), (5.0, 10.0));
        assert_eq!(scale(24.0), (10.0, 30.0));
        assert_eq!(scale(64.0), (20.0, 80.0));
    }

    #[test]
    fn untrusted_names_lose_control_characters_and_length() {
        assert_eq!(clean("a\u{1b}[31mb", 10), "a[31mb");
        assert_eq!(clean("abcdef", 4), "abc…");
    }
}
