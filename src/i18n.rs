//! Every sentence clickscale shows to people, in English, Simplified Chinese and Russian.
//!
//! The texts live in Fluent files under `locales/<tag>/` (one set per language, meant to be
//! edited by translators; one file per area, see [`Locale::sources`]) and are compiled into
//! the binary. A message missing in a
//! language falls back to English, so a user never sees a raw message id.
//!
//! Render with [`tr`] (no variables) or the [`t!`](crate::t) macro:
//!
//! ```
//! use clickscale::{i18n::Locale, t};
//! let ru = Locale::from_tag("ru");
//! assert_eq!(t!(Locale::EnUs, "confirmed-by", name = "ann"), "Confirmed by ann.");
//! assert!(t!(ru, "confirmed-by", name = "ann").contains("ann"));
//! ```
//!
//! Variables are passed as strings (already formatted, so numbers print exactly as the English
//! text always did); only counts that pick a plural form are passed as numbers.

use std::{fmt, sync::LazyLock};

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue;

/// A language clickscale speaks. Anything else is shown in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en-US")]
    EnUs,
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "ru")]
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Self::EnUs, Self::ZhCn, Self::Ru];

    /// Map a Discord (or BCP 47) locale to a language we have: `en-US`, `en-GB` and anything
    /// unknown give English; `zh-CN` (and plain `zh`) Chinese; `ru` (and `ru-RU`) Russian.
    /// Case and `_` vs `-` do not matter (`zh_cn` works, as `LANG`-style values write it).
    pub fn from_tag(tag: &str) -> Self {
        let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
        // `ru-RU.UTF-8` and friends: the encoding part is not a language.
        let tag = tag.split('.').next().unwrap_or_default();
        let mut parts = tag.split('-');
        match (parts.next(), parts.next()) {
            (Some("ru"), _) => Self::Ru,
            (Some("zh"), None | Some("cn") | Some("hans")) => Self::ZhCn,
            _ => Self::EnUs,
        }
    }

    /// The tag of the locale directory and of Discord's localization keys.
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en-US",
            Self::ZhCn => "zh-CN",
            Self::Ru => "ru",
        }
    }

    /// The Fluent files compiled into the binary for this locale, as (file name, text). Every
    /// locale has the same files; a message id is unique across a locale's files.
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        macro_rules! files {
            ($tag:literal: $($file:literal),+) => {
                &[$(($file, include_str!(concat!("../locales/", $tag, "/", $file)))),+]
            };
        }
        match self {
            Self::EnUs => {
                files!("en-US": "clickscale.ftl", "cost.ftl", "schedule.ftl", "delivery.ftl", "store.ftl")
            }
            Self::ZhCn => {
                files!("zh-CN": "clickscale.ftl", "cost.ftl", "schedule.ftl", "delivery.ftl", "store.ftl")
            }
            Self::Ru => {
                files!("ru": "clickscale.ftl", "cost.ftl", "schedule.ftl", "delivery.ftl", "store.ftl")
            }
        }
    }

    fn index(self) -> usize {
        match self {
            Self::EnUs => 0,
            Self::ZhCn => 1,
            Self::Ru => 2,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Locale {
    type Err = std::convert::Infallible;

    /// Never fails: unknown tags are English, as for Discord interactions.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_tag(s))
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per locale, built on first use from the embedded files.
static BUNDLES: LazyLock<Vec<Bundle>> =
    LazyLock::new(|| Locale::ALL.iter().map(|l| bundle(*l)).collect());

fn bundle(locale: Locale) -> Bundle {
    let id: LanguageIdentifier = locale.tag().parse().expect("static locale tags are valid");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around every placeable would change every English text (and
    // show up as garbage in some terminals); our placeables are never right-to-left.
    bundle.set_use_isolating(false);
    for (file, source) in locale.sources() {
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, e)| {
            // Keep whatever parsed; tests/i18n.rs makes sure the shipped files parse cleanly.
            tracing::error!(locale = %locale, file, errors = ?e, "locale file has syntax errors");
            r
        });
        if let Err(e) = bundle.add_resource(resource) {
            tracing::error!(locale = %locale, file, errors = ?e, "locale file has duplicate messages");
        }
    }
    bundle
}

/// Whether `locale`'s own file has message `id` (no fallback).
pub fn has_message(locale: Locale, id: &str) -> bool {
    BUNDLES[locale.index()]
        .get_message(id)
        .is_some_and(|m| m.value().is_some())
}

fn format(locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let bundle = &BUNDLES[locale.index()];
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(locale = %locale, id, errors = ?errors, "message formatted with errors");
    }
    Some(text.into_owned())
}

/// Message `id` in `locale` with `args`; English when the locale lacks it. An id missing in
/// English too is a bug (tests/i18n.rs checks every id the code uses); it is logged and the
/// id returned rather than panicking in the middle of a chat answer.
pub fn tr_args(locale: Locale, id: &str, args: &FluentArgs<'_>) -> String {
    render(locale, id, Some(args))
}

/// Message `id` in `locale`, for messages without variables.
pub fn tr(locale: Locale, id: &str) -> String {
    render(locale, id, None)
}

fn render(locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    format(locale, id, args)
        .or_else(|| {
            tracing::warn!(locale = %locale, id, "message missing; using English");
            format(Locale::EnUs, id, args)
        })
        .unwrap_or_else(|| {
            tracing::error!(id, "message missing in en-US too");
            id.to_owned()
        })
}

/// Render a message: `t!(locale, "id")` or `t!(locale, "id", name = value, count = 3)`.
/// Values are anything `Into<FluentValue>`: strings, or numbers for plural selection.
#[macro_export]
macro_rules! t {
    ($locale:expr, $id:expr $(,)?) => {
        $crate::i18n::tr($locale, $id)
    };
    ($locale:expr, $id:expr, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $crate::i18n::FluentValue::from($value));)+
        $crate::i18n::tr_args($locale, $id, &args)
    }};
}

/// Number formatters per locale (CLDR data compiled into the binary by `icu_decimal`):
/// `1,008.50`, `1 008,50`, `1,008.50`.
static NUMBERS: LazyLock<Vec<icu_decimal::DecimalFormatter>> = LazyLock::new(|| {
    Locale::ALL
        .iter()
        .map(|l| {
            let id: icu_locale_core::Locale =
                l.tag().parse().expect("static locale tags are valid");
            icu_decimal::DecimalFormatter::try_new((&id).into(), Default::default())
                .expect("compiled data covers en-US, zh-CN and ru")
        })
        .collect()
});

/// An amount of money (an estimate) in `locale`, without a sign: `$1.40`, `$1,008.00` in
/// English, `1,40 $`, `1 008,00 $` in Russian, `US$1.40` in Chinese (the `money` message places
/// the symbol). One rule everywhere: always to the cent, so amounts side by side (`$4.80 a day,
/// $146.00 a month`) read alike in every place and language.
pub fn money(locale: Locale, amount: crate::scaling::Money) -> String {
    use rust_decimal::RoundingStrategy::MidpointAwayFromZero;
    let mut rounded = amount
        .0
        .abs()
        .round_dp_with_strategy(2, MidpointAwayFromZero);
    rounded.rescale(2);
    let number = rounded
        .to_string()
        .parse::<icu_decimal::input::Decimal>()
        .map(|d| NUMBERS[locale.index()].format_to_string(&d))
        .unwrap_or_else(|_| rounded.to_string());
    let mut args = Args::new();
    args.set("amount", FluentValue::from(number));
    tr_args(locale, "money", &args)
}

/// Variables of a message, for [`tr_args`].
pub type Args<'a> = FluentArgs<'a>;

/// Join list items the way the language does (`, ` in English and Russian, `、` in Chinese).
pub fn join(locale: Locale, items: &[String]) -> String {
    items.join(&tr(locale, "list-separator"))
}

/// The word before a list's last item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conjunction {
    And,
    Or,
}

/// `a, b and c` (or `a, b or c`) the way the language says it.
pub fn join_with(locale: Locale, items: &[String], last: Conjunction) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., final_item] => {
            let id = match last {
                Conjunction::And => "list-and",
                Conjunction::Or => "list-or",
            };
            let mut args = Args::new();
            args.set("rest", FluentValue::from(join(locale, rest)));
            args.set("last", FluentValue::from(final_item.as_str()));
            tr_args(locale, id, &args)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_locales_map_to_our_languages() {
        for (tag, want) in [
            ("en-US", Locale::EnUs),
            ("en-GB", Locale::EnUs),
            ("zh-CN", Locale::ZhCn),
            ("zh_CN.UTF-8", Locale::ZhCn),
            ("zh", Locale::ZhCn),
            ("zh-TW", Locale::EnUs),
            ("ru", Locale::Ru),
            ("RU-ru", Locale::Ru),
            ("de", Locale::EnUs),
            ("", Locale::EnUs),
        ] {
            assert_eq!(Locale::from_tag(tag), want, "{tag:?}");
        }
    }

    #[test]
    fn missing_messages_fall_back_to_english_and_plurals_work() {
        assert_eq!(
            t!(Locale::Ru, "confirmed-by", name = "ann"),
            "Подтвердил(а) ann."
        );
        assert!(!has_message(Locale::Ru, "no-such-message"));
        assert_eq!(tr(Locale::Ru, "no-such-message"), "no-such-message");
        for (n, word) in [(1, "операция"), (3, "операции"), (5, "операций")]
        {
            let text = t!(Locale::Ru, "console-leaving", n = n);
            assert!(text.contains(&format!("{n} {word}")), "{text}");
        }
    }
}
