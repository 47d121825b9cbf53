//! Pictures of what happened: a PNG timeline of one service, drawn from its audit entries.
//!
//! Pure: [`Timeline::from_audit`] turns audit records into series, markers and scale-up
//! episodes, and [`render`] draws a timeline in a language; reading the store and sending the
//! file are the caller's (`commands/scaling_history.rs`). The picture has fixed pixel regions
//! ([`Layout`]) so that tests can look for each series and label where it must be.
//!
//! Text is drawn with one embedded font (a subset of Noto Sans CJK SC, see `fonts/OFL.txt`)
//! through plotters' ab_glyph backend, so a chart looks the same on every machine, in English,
//! Russian and Chinese, with no system font lookup.

mod draw;
mod timeline;

pub use draw::{render, ChartError, Png};
pub use timeline::{Bounds, Episode, Marker, MarkerKind, Point, Resource, Timeline};

/// The embedded font: Latin, Cyrillic, punctuation and the GB 2312 hanzi of Noto Sans CJK SC
/// (made by `scripts/subset-chart-font.sh`).
pub const FONT: &[u8] = include_bytes!("fonts/NotoSansCJKsc-Regular-subset.otf");

/// Picture size in pixels. Discord shows it scaled to the message width and full size when
/// opened; 1000 px keeps 13 px labels legible in both.
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 664;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The colours. An opaque light-grey card with a mid-grey border sits well on Discord's dark
/// theme and stands apart from its white light theme; series and markers use the Okabe-Ito
/// palette (distinguishable with the common colour-vision deficiencies) and differ in shape too.
pub mod palette {
    use super::Rgb;

    pub const BACKGROUND: Rgb = Rgb(0xF4, 0xF5, 0xF7);
    pub const BORDER: Rgb = Rgb(0x8A, 0x8F, 0x98);
    pub const TEXT: Rgb = Rgb(0x1F, 0x23, 0x28);
    pub const MUTED: Rgb = Rgb(0x5C, 0x63, 0x6E);
    pub const GRID: Rgb = Rgb(0xD5, 0xD9, 0xDF);
    pub const CDC: Rgb = Rgb(0x00, 0x72, 0xB2);
    pub const REPLICAS: Rgb = Rgb(0xD5, 0x5E, 0x00);
    pub const MEMORY: Rgb = Rgb(0x00, 0x9E, 0x73);
    /// Scaled-up periods: drawn at [`SHADE_ALPHA`] over the background.
    pub const SHADE: Rgb = Rgb(0xF0, 0xC4, 0x20);
    pub const SHADE_ALPHA: f64 = 0.35;
    pub const REQUEST: Rgb = Rgb(0xE6, 0x9F, 0x00);
    pub const CONFIRMATION: Rgb = Rgb(0x11, 0x77, 0x33);
    pub const REMINDER: Rgb = Rgb(0xCC, 0x79, 0xA7);
    pub const ANSWER: Rgb = Rgb(0x56, 0xB4, 0xE9);
    pub const ESCALATION: Rgb = Rgb(0xC0, 0x1C, 0x1C);
    pub const NOT_APPLIED: Rgb = Rgb(0x4D, 0x4D, 0x4D);

    /// `c` drawn at `alpha` over the background, as the bitmap backend blends it.
    pub fn over_background(c: Rgb, alpha: f64) -> Rgb {
        let mix = |fg: u8, bg: u8| (f64::from(fg) * alpha + f64::from(bg) * (1.0 - alpha)) as u8;
        Rgb(
            mix(c.0, BACKGROUND.0),
            mix(c.1, BACKGROUND.1),
            mix(c.2, BACKGROUND.2),
        )
    }
}

impl MarkerKind {
    pub fn colour(self) -> Rgb {
        match self {
            Self::Request => palette::REQUEST,
            Self::Confirmation => palette::CONFIRMATION,
            Self::Reminder => palette::REMINDER,
            Self::Answer => palette::ANSWER,
            Self::Escalation => palette::ESCALATION,
            Self::NotApplied => palette::NOT_APPLIED,
        }
    }
}

/// A pixel rectangle: `x0..x1`, `y0..y1` (ends excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub const fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> Self {
        Self { x0, y0, x1, y1 }
    }

    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }

    pub fn contains(&self, x: i32, y: i32) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }
}

/// One value panel: its caption line and the area the series is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panel {
    pub caption: Rect,
    pub plot: Rect,
}

/// Where everything goes. Fixed, so tests know where to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub title: Rect,
    /// The "scaled up" key, top right.
    pub legend: Rect,
    pub cdc: Panel,
    pub replicas: Panel,
    pub memory: Panel,
    /// The event rows: one per [`MarkerKind`], labels on the left, markers in `events.plot`.
    pub events: Panel,
    /// Date labels under the event rows.
    pub axis: Rect,
    pub footer: Rect,
}

/// Left of the plots: y-axis ticks and the event rows' labels.
const PLOT_LEFT: i32 = 170;
const PLOT_RIGHT: i32 = WIDTH as i32 - 24;
const ROW_HEIGHT: i32 = 20;

impl Layout {
    pub const fn new() -> Self {
        const fn panel(top: i32, height: i32) -> Panel {
            Panel {
                caption: Rect::new(PLOT_LEFT, top, PLOT_RIGHT, top + 18),
                plot: Rect::new(PLOT_LEFT, top + 20, PLOT_RIGHT, top + 20 + height),
            }
        }
        let events_top = 460;
        let events_bottom = events_top + 20 + ROW_HEIGHT * MarkerKind::ALL.len() as i32;
        Self {
            title: Rect::new(16, 10, 680, 40),
            legend: Rect::new(690, 14, PLOT_RIGHT, 36),
            cdc: panel(52, 100),
            replicas: panel(188, 100),
            memory: panel(324, 100),
            events: panel(events_top, ROW_HEIGHT * MarkerKind::ALL.len() as i32),
            axis: Rect::new(
                PLOT_LEFT - 30,
                events_bottom + 2,
                PLOT_RIGHT + 24,
                events_bottom + 22,
            ),
            footer: Rect::new(16, events_bottom + 26, WIDTH as i32 - 16, HEIGHT as i32 - 6),
        }
    }

    /// The label area and the marker area of an event row.
    pub fn event_row(&self, kind: MarkerKind) -> (Rect, Rect) {
        let i = MarkerKind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("every kind has a row") as i32;
        let y0 = self.events.plot.y0 + i * ROW_HEIGHT;
        (
            Rect::new(16, y0, PLOT_LEFT - 8, y0 + ROW_HEIGHT),
            Rect::new(
                self.events.plot.x0,
                y0,
                self.events.plot.x1,
                y0 + ROW_HEIGHT,
            ),
        )
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self::new()
    }
}
