//! Console input: `/command name:value ...` lines, button presses, `help` and `quit`.
//!
//! The option names are the Discord option names, so what works in one place works in the
//! other. Parsing only checks what Discord's client would check (known options, required
//! ones present, integers and booleans well formed); every rule about allowed values is the
//! engine's, shared with Discord.

use std::{
    fmt::{self, Write as _},
    num::IntErrorKind,
};

use crate::{
    i18n::{Conjunction, Locale},
    ops::{Answer, Ask, RevertInput, ScaleRequest},
    scaling::{
        schedule::{EntryInput, ScheduleAction},
        IdleInput, ModeInput, ReplicaInput,
    },
    t,
};

/// The two buttons the engine asks for, in the order they are numbered.
pub const BUTTONS: [Button; 2] = [Button::Confirm, Button::Cancel];

/// The row on a change that waits for its idle service: `[1] Wake and continue  [2] Cancel`.
pub const WAKE_BUTTONS: [Button; 2] = [Button::Wake, Button::Cancel];

/// The English label is the variant name (`Wake and continue` for [`Button::Wake`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
pub enum Button {
    Confirm,
    Cancel,
    #[strum(serialize = "Wake and continue")]
    Wake,
}

impl Button {
    pub fn label(self) -> &'static str {
        self.into()
    }

    /// `[1] Confirm  [2] Cancel`
    pub fn row() -> String {
        Self::row_in(Locale::EnUs)
    }

    /// The label in `loc` (the English [`Button::label`] is always understood too).
    pub fn label_in(self, loc: Locale) -> String {
        match self {
            Self::Confirm => t!(loc, "button-confirm"),
            Self::Cancel => t!(loc, "button-cancel"),
            Self::Wake => t!(loc, "button-wake"),
        }
    }

    /// [`Button::row`] in `loc`: `[1] Подтвердить  [2] Отмена`.
    pub fn row_in(loc: Locale) -> String {
        Self::row_for(Ask::Confirm, loc)
    }

    /// The buttons of the row that asks `ask`, in the order they are numbered.
    pub fn buttons_for(ask: Ask) -> [Button; 2] {
        match ask {
            Ask::Confirm => BUTTONS,
            Ask::Wake => WAKE_BUTTONS,
        }
    }

    /// The row that asks `ask`, in `loc`.
    pub fn row_for(ask: Ask, loc: Locale) -> String {
        Self::buttons_for(ask)
            .iter()
            .enumerate()
            .map(|(i, b)| format!("[{}] {}", i + 1, b.label_in(loc)))
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// The button whose label (in any language) is `typed`, ignoring case.
    fn from_label(typed: &str) -> Option<Self> {
        let typed = typed.to_lowercase();
        [Button::Confirm, Button::Cancel, Button::Wake]
            .into_iter()
            .find(|b| {
                b.label().to_lowercase() == typed
                    || Locale::ALL
                        .iter()
                        .any(|l| b.label_in(*l).to_lowercase() == typed)
            })
    }
}

/// What a typed line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Blank line or `# comment`.
    Nothing,
    Help,
    Quit,
    /// A button label or number, to press on the newest message with buttons.
    Press(Choice),
    Scale {
        service: String,
        request: ScaleRequest,
        revert: RevertInput,
    },
    Status {
        service: String,
    },
    /// `/scaling-schedule service:…`
    Schedule {
        service: String,
    },
    /// `/scaling-history [service:…] [days:N]`
    History {
        service: Option<String>,
        days: Option<i64>,
    },
    /// `/scaling-digest`
    Digest,
    /// A reminder button: `Scale down now`, `Snooze 1h`, `Keep: reason`, `Extend 1h`, `Revert now`.
    Answer(Answer),
}

/// The reminder buttons' answers and label ids (the `Keep…` button takes a reason instead).
const REMINDER_LABELS: [(&str, Answer); 5] = [
    ("button-scale-down", Answer::Restore),
    ("button-revert-now", Answer::Restore),
    ("button-snooze-1h", Answer::Snooze(HOUR)),
    (
        "button-snooze-4h",
        Answer::Snooze(std::time::Duration::from_secs(4 * 3600)),
    ),
    ("button-extend", Answer::Extend),
];

const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

/// `line` without its first `n` characters if they are `label` (ignoring case).
fn strip_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let n = label.chars().count();
    let end = line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    (line.chars().count() >= n && line[..end].to_lowercase() == label.to_lowercase())
        .then(|| &line[end..])
}

/// Reminder answers as typed, as their labels in any language (ignoring case), newest
/// reminder first: `Snooze 1h`, `Отложить на 1 ч`, `推迟 1 小时`, `Keep: why`, `保持：为什么`.
fn reminder_answer(line: &str) -> Option<Answer> {
    let line = line.trim();
    for loc in Locale::ALL {
        let keep = t!(loc, "button-keep");
        if let Some(rest) = strip_label(line, keep.trim_end_matches('…')) {
            if rest.is_empty() || rest.starts_with([':', '：', ' ']) {
                let reason = rest.trim_start_matches([':', '：', ' ']).trim();
                return Some(Answer::Keep(
                    (!reason.is_empty()).then(|| reason.to_owned()),
                ));
            }
        }
        for (id, answer) in &REMINDER_LABELS {
            if t!(loc, id).to_lowercase() == line.to_lowercase() {
                return Some(answer.clone());
            }
        }
    }
    // Short forms, in English only.
    Some(match line.to_ascii_lowercase().as_str() {
        "scale down" | "revert" => Answer::Restore,
        "snooze" => Answer::Snooze(HOUR),
        "extend" => Answer::Extend,
        _ => return None,
    })
}

/// Commands and words, as Tab completes them.
pub fn command_words() -> Vec<String> {
    let mut out: Vec<String> = COMMANDS.iter().map(|c| format!("/{}", c.name)).collect();
    out.extend(["help", "quit"].map(String::from));
    out
}

/// Button labels in `loc` and in English, as Tab completes them (`Keep: ` waits for a reason).
pub fn label_words(loc: Locale) -> Vec<String> {
    let mut out = Vec::new();
    for l in [Locale::EnUs, loc] {
        out.extend(BUTTONS.iter().map(|b| b.label_in(l)));
        out.push(Button::Wake.label_in(l));
        out.extend(REMINDER_LABELS.iter().map(|(id, _)| t!(l, id)));
        out.push(format!("{}: ", t!(l, "button-keep").trim_end_matches('…')));
    }
    out
}

/// The option names of `/command` (any case), for Tab.
pub fn option_names(command: &str) -> Vec<&'static str> {
    let command = command.to_ascii_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == command)
        .map(|c| c.options.iter().map(|o| o.name).collect())
        .unwrap_or_default()
}

/// An option as (name, Discord application command option type, required).
pub type OptionRow = (&'static str, u8, bool);

/// Every command the console speaks, with its options as (name, Discord option type,
/// required): held to the Discord registration by a test, so the two surfaces accept the same
/// commands and options.
pub fn option_table() -> Vec<(&'static str, Vec<OptionRow>)> {
    COMMANDS
        .iter()
        .map(|c| {
            let options = c
                .options
                .iter()
                .map(|o| {
                    // Discord's application command option types.
                    let kind = match o.kind {
                        Kind::Text => 3,
                        Kind::Integer => 4,
                        Kind::Boolean => 5,
                    };
                    (o.name, kind, o.required)
                })
                .collect();
            (c.name, options)
        })
        .collect()
}

/// Values Tab offers for an option (services come from the caller).
pub fn option_values(option: &str) -> Vec<String> {
    let words: &[&str] = match option {
        "enabled" => &["true", "false"],
        "revert" => &["after-snapshot", "never", "4h"],
        "for" => &["1h", "4h", "1d"],
        "action" => &ScheduleAction::NAMES,
        "mode" => &ModeInput::NAMES,
        "days" => &["mon-fri", "sat,sun", "daily"],
        "idle" => &["true", "false"],
        _ => &[],
    };
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// A button as typed: by label or by its number in the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Label(Button),
    Number(u64),
}

impl Choice {
    /// The button this choice names on a Confirm / Cancel row, if the row has it.
    pub fn button(self) -> Option<Button> {
        self.button_for(Ask::Confirm)
    }

    /// The button this choice names on the row that asks `ask`, if that row has it.
    pub fn button_for(self, ask: Ask) -> Option<Button> {
        let row = Button::buttons_for(ask);
        match self {
            Self::Label(b) => row.contains(&b).then_some(b),
            Self::Number(n) => usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| row.get(i).copied()),
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Label(b) => f.write_str(b.label()),
            Self::Number(n) => write!(f, "[{n}]"),
        }
    }
}

/// Why a line was not understood; the message says what is allowed. Nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Boolean,
}

#[derive(Debug)]
struct OptionSpec {
    name: &'static str,
    kind: Kind,
    required: bool,
    /// Message id of what `help` says about it.
    about: &'static str,
}

#[derive(Debug)]
struct CommandSpec {
    name: &'static str,
    /// Message id of what `help` says about it.
    about: &'static str,
    options: &'static [OptionSpec],
}

const SERVICE: OptionSpec = OptionSpec {
    name: "service",
    kind: Kind::Text,
    required: true,
    about: "console-help-service",
};

const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "cdc-scale",
        about: "console-help-cdc-scale",
        options: &[
            SERVICE,
            OptionSpec {
                name: "cores",
                kind: Kind::Integer,
                required: true,
                about: "console-help-cores",
            },
            OptionSpec {
                name: "revert",
                kind: Kind::Text,
                required: false,
                about: "console-help-revert",
            },
            FOR,
            OptionSpec {
                name: "reason",
                kind: Kind::Text,
                required: false,
                about: "console-help-reason",
            },
        ],
    },
    CommandSpec {
        name: "replicas",
        about: "console-help-replicas",
        options: &[
            SERVICE,
            OptionSpec {
                name: "count",
                kind: Kind::Integer,
                required: false,
                about: "console-help-count",
            },
            OptionSpec {
                name: "min-replicas",
                kind: Kind::Integer,
                required: false,
                about: "console-help-min-replicas",
            },
            OptionSpec {
                name: "max-replicas",
                kind: Kind::Integer,
                required: false,
                about: "console-help-max-replicas",
            },
            OptionSpec {
                name: "mode",
                kind: Kind::Text,
                required: false,
                about: "console-help-mode",
            },
            OptionSpec {
                name: "min-memory-gb",
                kind: Kind::Integer,
                required: false,
                about: "console-help-min-memory",
            },
            OptionSpec {
                name: "max-memory-gb",
                kind: Kind::Integer,
                required: false,
                about: "console-help-max-memory",
            },
            FOR,
        ],
    },
    CommandSpec {
        name: "idle",
        about: "console-help-idle",
        options: &[
            SERVICE,
            OptionSpec {
                name: "enabled",
                kind: Kind::Boolean,
                required: true,
                about: "console-help-enabled",
            },
            OptionSpec {
                name: "timeout-minutes",
                kind: Kind::Integer,
                required: false,
                about: "console-help-timeout",
            },
        ],
    },
    CommandSpec {
        name: "scaling-status",
        about: "console-help-scaling-status",
        options: &[SERVICE],
    },
    CommandSpec {
        name: "scaling-schedule",
        about: "console-help-scaling-schedule",
        options: &[
            SERVICE,
            OptionSpec {
                name: "action",
                kind: Kind::Text,
                required: false,
                about: "console-help-schedule-action",
            },
            OptionSpec {
                name: "name",
                kind: Kind::Text,
                required: false,
                about: "console-help-schedule-name",
            },
            OptionSpec {
                name: "days",
                kind: Kind::Text,
                required: false,
                about: "console-help-schedule-days",
            },
            OptionSpec {
                name: "start-hour",
                kind: Kind::Integer,
                required: false,
                about: "console-help-schedule-start-hour",
            },
            OptionSpec {
                name: "end-hour",
                kind: Kind::Integer,
                required: false,
                about: "console-help-schedule-end-hour",
            },
            OptionSpec {
                name: "mode",
                kind: Kind::Text,
                required: false,
                about: "console-help-schedule-mode",
            },
            OptionSpec {
                name: "count",
                kind: Kind::Integer,
                required: false,
                about: "console-help-schedule-count",
            },
            OptionSpec {
                name: "min-replicas",
                kind: Kind::Integer,
                required: false,
                about: "console-help-min-replicas",
            },
            OptionSpec {
                name: "max-replicas",
                kind: Kind::Integer,
                required: false,
                about: "console-help-max-replicas",
            },
            OptionSpec {
                name: "min-memory-gb",
                kind: Kind::Integer,
                required: false,
                about: "console-help-min-memory",
            },
            OptionSpec {
                name: "max-memory-gb",
                kind: Kind::Integer,
                required: false,
                about: "console-help-max-memory",
            },
            OptionSpec {
                name: "idle",
                kind: Kind::Boolean,
                required: false,
                about: "console-help-schedule-idle",
            },
        ],
    },
    CommandSpec {
        name: "scaling-history",
        about: "console-help-scaling-history",
        options: &[
            OptionSpec {
                name: "service",
                kind: Kind::Text,
                required: false,
                about: "console-help-history-service",
            },
            OptionSpec {
                name: "days",
                kind: Kind::Integer,
                required: false,
                about: "console-help-history-days",
            },
        ],
    },
    CommandSpec {
        name: "scaling-digest",
        about: "console-help-scaling-digest",
        options: &[],
    },
];

const FOR: OptionSpec = OptionSpec {
    name: "for",
    kind: Kind::Text,
    required: false,
    about: "console-help-for",
};

const WORDS: &str = "help, quit";

fn command_names() -> String {
    COMMANDS
        .iter()
        .map(|c| format!("/{}", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OptionSpec {
    /// `service (required, text)` in `loc`.
    fn describe(&self, loc: Locale) -> String {
        let kind = match self.kind {
            Kind::Text => t!(loc, "console-kind-text"),
            Kind::Integer => t!(loc, "console-kind-integer"),
            Kind::Boolean => t!(loc, "console-kind-boolean"),
        };
        let id = if self.required {
            "console-option-required"
        } else {
            "console-option-optional"
        };
        t!(loc, id, name = self.name, kind = kind)
    }
}

/// What is wrong with a command's options. Typed until [`CommandSpec::error`] renders it in
/// the reader's language, with the command's option list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    NotAnOption {
        name: String,
    },
    NoName,
    NoClosingQuote {
        option: String,
    },
    SpaceAfterQuote {
        option: String,
    },
    NeedsValue {
        option: &'static str,
    },
    NotWholeNumber {
        option: &'static str,
        raw: String,
    },
    NotBoolean {
        option: &'static str,
        raw: String,
    },
    NotOneOf {
        option: &'static str,
        raw: String,
        allowed: &'static [&'static str],
    },
    UnknownOption {
        name: String,
    },
    GivenTwice {
        option: &'static str,
    },
    Missing {
        options: Vec<&'static str>,
    },
    NothingToChange {
        options: Vec<&'static str>,
    },
    /// `/scaling-schedule` options that do not go together (read like the Discord command's).
    Schedule(crate::scaling::schedule::ScheduleProblem),
}

/// `` `a`, `b` and `c` `` in `loc`.
fn quoted_list(loc: Locale, names: &[&str], last: Conjunction) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    crate::i18n::join_with(loc, &quoted, last)
}

impl Problem {
    fn render(&self, loc: Locale, command: &str) -> String {
        match self {
            Self::NotAnOption { name } => {
                t!(loc, "console-option-not-an-option", name = name.as_str())
            }
            Self::NoName => t!(loc, "console-option-no-name"),
            Self::NoClosingQuote { option } => {
                t!(
                    loc,
                    "console-option-no-closing-quote",
                    option = option.as_str()
                )
            }
            Self::SpaceAfterQuote { option } => {
                t!(
                    loc,
                    "console-option-space-after-quote",
                    option = option.as_str()
                )
            }
            Self::NeedsValue { option } => t!(loc, "console-option-needs-value", option = *option),
            Self::NotWholeNumber { option, raw } => t!(
                loc,
                "console-option-not-whole-number",
                option = *option,
                value = raw.as_str()
            ),
            Self::NotBoolean { option, raw } => t!(
                loc,
                "console-option-not-boolean",
                option = *option,
                value = raw.as_str()
            ),
            Self::NotOneOf {
                option,
                raw,
                allowed,
            } => t!(
                loc,
                "console-option-not-one-of",
                option = *option,
                allowed = quoted_list(loc, allowed, Conjunction::Or),
                value = raw.as_str()
            ),
            Self::UnknownOption { name } => t!(
                loc,
                "console-option-unknown",
                command = command,
                name = name.as_str()
            ),
            Self::GivenTwice { option } => t!(loc, "console-option-given-twice", option = *option),
            Self::Missing { options } => t!(
                loc,
                "console-option-missing",
                command = command,
                options = quoted_list(loc, options, Conjunction::And)
            ),
            Self::NothingToChange { options } => t!(
                loc,
                "console-option-nothing-to-change",
                options = quoted_list(loc, options, Conjunction::Or)
            ),
            Self::Schedule(p) => {
                let stop = if loc == Locale::ZhCn { "。" } else { "." };
                format!("{}{stop}", p.user_message(loc))
            }
        }
    }
}

impl CommandSpec {
    /// `service (required, text), count (integer), …` in `loc`.
    fn option_list(&self, loc: Locale) -> String {
        let described: Vec<String> = self.options.iter().map(|o| o.describe(loc)).collect();
        crate::i18n::join(loc, &described)
    }

    /// `/replicas service:<text> [count:<integer>] …`
    fn usage(&self) -> String {
        let mut out = format!("/{}", self.name);
        for o in self.options {
            let value = match o.kind {
                Kind::Text => "<text>",
                Kind::Integer => "<integer>",
                Kind::Boolean => "<true|false>",
            };
            if o.required {
                let _ = write!(out, " {}:{value}", o.name);
            } else {
                let _ = write!(out, " [{}:{value}]", o.name);
            }
        }
        out
    }

    fn error(&self, loc: Locale, problem: Problem) -> ParseError {
        ParseError(t!(
            loc,
            "console-option-problem",
            problem = problem.render(loc, self.name),
            command = self.name,
            options = self.option_list(loc)
        ))
    }
}

/// The allowed range of an integer option, as `help` shows it.
fn range(o: &OptionSpec, limits: &crate::scaling::Limits) -> Option<String> {
    use crate::scaling::{IDLE_TIMEOUT_MAX_MINUTES, IDLE_TIMEOUT_MIN_MINUTES, MEMORY_MIN_GB};
    Some(match o.name {
        "cores" => format!("1-{}", limits.cdc_max_cores()),
        "count" | "min-replicas" | "max-replicas" => format!("1-{}", limits.replicas_max()),
        "start-hour" => "0-23".to_owned(),
        "end-hour" => "1-24".to_owned(),
        "min-memory-gb" | "max-memory-gb" => {
            format!("{MEMORY_MIN_GB}-{}", limits.memory_max_gb())
        }
        "timeout-minutes" => format!("{IDLE_TIMEOUT_MIN_MINUTES}-{IDLE_TIMEOUT_MAX_MINUTES}"),
        _ => return None,
    })
}

/// The text `help` prints in `loc`, with the ranges `limits` allow.
pub fn help(loc: Locale, limits: &crate::scaling::Limits) -> String {
    let mut out = t!(loc, "console-help-header");
    out.push('\n');
    for c in COMMANDS {
        let _ = writeln!(out, "  {}", c.usage());
        let _ = writeln!(out, "      {}", t!(loc, c.about));
        for o in c
            .options
            .iter()
            .filter(|o| o.name != "service" || !o.required)
        {
            let about = t!(loc, o.about);
            match range(o, limits) {
                Some(r) => {
                    let _ = writeln!(out, "      {}: {about} ({r})", o.name);
                }
                None => {
                    let _ = writeln!(out, "      {}: {about}", o.name);
                }
            }
        }
    }
    let buttons = BUTTONS
        .iter()
        .map(|b| b.label_in(loc))
        .collect::<Vec<_>>()
        .join(" / ");
    let _ = writeln!(
        out,
        "  {buttons} (1 / 2): {}",
        t!(loc, "console-help-buttons")
    );
    let mut answers: Vec<String> = REMINDER_LABELS.iter().map(|(id, _)| t!(loc, id)).collect();
    answers.insert(
        3,
        format!("{}: …", t!(loc, "button-keep").trim_end_matches('…')),
    );
    let _ = writeln!(
        out,
        "  {}: {}",
        answers.join(" / "),
        t!(loc, "console-help-reminders")
    );
    let _ = writeln!(out, "  help: {}", t!(loc, "console-help-help"));
    let _ = write!(out, "  quit: {}", t!(loc, "console-help-quit"));
    out
}

/// `Confirm, Cancel` in `loc`.
fn button_list(loc: Locale) -> String {
    crate::i18n::join(loc, &BUTTONS.map(|b| b.label_in(loc)))
}

/// Parse one line; what is not understood is said in `loc`.
pub fn parse(line: &str, loc: Locale) -> Result<Input, ParseError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(Input::Nothing);
    }
    if let Some(rest) = line.strip_prefix('/') {
        let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return match name.to_ascii_lowercase().as_str() {
            "help" => Ok(Input::Help),
            "quit" | "exit" => Ok(Input::Quit),
            lower => match COMMANDS.iter().find(|c| c.name == lower) {
                Some(spec) => parse_command(spec, args, loc),
                None => Err(ParseError(t!(
                    loc,
                    "console-unknown-command",
                    name = name,
                    commands = command_names(),
                    words = WORDS,
                    buttons = button_list(loc)
                ))),
            },
        };
    }
    let word = line.to_ascii_lowercase();
    match word.as_str() {
        "help" | "?" => return Ok(Input::Help),
        "quit" | "exit" => return Ok(Input::Quit),
        _ => {}
    }
    if let Some(answer) = reminder_answer(line) {
        return Ok(Input::Answer(answer));
    }
    if let Some(b) = Button::from_label(line) {
        return Ok(Input::Press(Choice::Label(b)));
    }
    if let Ok(n) = line
        .trim_start_matches(['['])
        .trim_end_matches([']'])
        .parse::<u64>()
    {
        return Ok(Input::Press(Choice::Number(n)));
    }
    Err(ParseError(t!(
        loc,
        "console-not-understood",
        line = line,
        commands = command_names(),
        words = WORDS,
        buttons = button_list(loc)
    )))
}

/// Split `name:value name:"quoted value"` into pairs.
fn tokenize(args: &str) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    let mut chars = args.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != ':') {
            name.push(c);
        }
        if chars.next_if_eq(&':').is_none() {
            return Err(Problem::NotAnOption { name });
        }
        if name.is_empty() {
            return Err(Problem::NoName);
        }
        let mut value = String::new();
        // Single quotes quote like double quotes; a backslash escapes either.
        if let Some(quote) = chars.next_if(|c| *c == '"' || *c == '\'') {
            loop {
                match chars.next() {
                    Some(c) if c == quote => break,
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => return Err(Problem::NoClosingQuote { option: name }),
                    },
                    Some(c) => value.push(c),
                    None => return Err(Problem::NoClosingQuote { option: name }),
                }
            }
            if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                return Err(Problem::SpaceAfterQuote { option: name });
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                value.push(c);
            }
        }
        out.push((name, value));
    }
}

/// One option value, converted as its kind says.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Integer(i64),
    Boolean(bool),
}

fn convert(o: &OptionSpec, raw: &str) -> Result<Value, Problem> {
    match o.kind {
        Kind::Text if raw.trim().is_empty() => Err(Problem::NeedsValue { option: o.name }),
        // Keywords and durations ignore case like command and option names (`for:4H`,
        // `revert:Never`); names and reasons keep theirs.
        Kind::Text if matches!(o.name, "for" | "revert" | "action" | "mode" | "days") => {
            Ok(Value::Text(raw.trim().to_ascii_lowercase()))
        }
        Kind::Text => Ok(Value::Text(raw.trim().to_owned())),
        // A whole number too large for i64 is still a whole number: it saturates, so the rule
        // check answers with the allowed range (`cores must be … from 1 to 24`).
        Kind::Integer => match raw.trim().parse::<i64>() {
            Ok(n) => Ok(Value::Integer(n)),
            Err(e) if *e.kind() == IntErrorKind::PosOverflow => Ok(Value::Integer(i64::MAX)),
            Err(e) if *e.kind() == IntErrorKind::NegOverflow => Ok(Value::Integer(i64::MIN)),
            Err(_) => Err(Problem::NotWholeNumber {
                option: o.name,
                raw: raw.to_owned(),
            }),
        },
        Kind::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err(Problem::NotBoolean {
                option: o.name,
                raw: raw.to_owned(),
            }),
        },
    }
}

fn parse_command(spec: &'static CommandSpec, args: &str, loc: Locale) -> Result<Input, ParseError> {
    let fail = |problem| spec.error(loc, problem);
    let pairs = tokenize(args).map_err(fail)?;
    let mut values: Vec<(&'static str, Value)> = Vec::new();
    for (name, raw) in pairs {
        let lower = name.to_ascii_lowercase();
        let Some(o) = spec.options.iter().find(|o| o.name == lower) else {
            return Err(fail(Problem::UnknownOption { name }));
        };
        if values.iter().any(|(n, _)| *n == o.name) {
            return Err(fail(Problem::GivenTwice { option: o.name }));
        }
        values.push((o.name, convert(o, &raw).map_err(fail)?));
    }
    let missing: Vec<&str> = spec
        .options
        .iter()
        .filter(|o| o.required && !values.iter().any(|(n, _)| *n == o.name))
        .map(|o| o.name)
        .collect();
    if !missing.is_empty() {
        return Err(fail(Problem::Missing { options: missing }));
    }
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let text = |name: &str| match get(name) {
        Some(Value::Text(s)) => s,
        _ => String::new(),
    };
    let int = |name: &str| match get(name) {
        Some(Value::Integer(i)) => Some(i),
        _ => None,
    };
    let opt_text = |name: &str| match get(name) {
        Some(Value::Text(s)) => Some(s),
        _ => None,
    };
    let revert = RevertInput {
        revert: opt_text("revert"),
        for_: opt_text("for"),
        reason: opt_text("reason"),
    };
    let service = text("service");
    Ok(match spec.name {
        "cdc-scale" => Input::Scale {
            service,
            request: ScaleRequest::cdc(int("cores").unwrap_or_default()),
            revert,
        },
        "replicas" => {
            let mode = match opt_text("mode") {
                None => None,
                Some(raw) => Some(raw.trim().parse::<ModeInput>().map_err(|_| {
                    fail(Problem::NotOneOf {
                        option: "mode",
                        raw,
                        allowed: &ModeInput::NAMES,
                    })
                })?),
            };
            let input = ReplicaInput {
                count: int("count"),
                min_memory_gb: int("min-memory-gb"),
                max_memory_gb: int("max-memory-gb"),
                min_replicas: int("min-replicas"),
                max_replicas: int("max-replicas"),
                mode,
            };
            if input == ReplicaInput::default() {
                return Err(fail(Problem::NothingToChange {
                    options: vec![
                        "count",
                        "min-replicas",
                        "max-replicas",
                        "mode",
                        "min-memory-gb",
                        "max-memory-gb",
                    ],
                }));
            }
            Input::Scale {
                service,
                request: ScaleRequest::Replicas(input),
                revert,
            }
        }
        "idle" => Input::Scale {
            service,
            request: ScaleRequest::Idle(IdleInput {
                enabled: matches!(get("enabled"), Some(Value::Boolean(true))),
                timeout_minutes: int("timeout-minutes"),
            }),
            revert,
        },
        "scaling-status" => Input::Status { service },
        "scaling-schedule" => {
            let action = match opt_text("action") {
                None => ScheduleAction::Show,
                Some(raw) => raw.parse::<ScheduleAction>().map_err(|_| {
                    fail(Problem::NotOneOf {
                        option: "action",
                        raw,
                        allowed: &ScheduleAction::NAMES,
                    })
                })?,
            };
            let mode = match opt_text("mode") {
                None => None,
                Some(raw) => Some(raw.parse::<ModeInput>().map_err(|_| {
                    fail(Problem::NotOneOf {
                        option: "mode",
                        raw,
                        allowed: &ModeInput::NAMES,
                    })
                })?),
            };
            let entry = EntryInput {
                name: opt_text("name"),
                days: opt_text("days"),
                start_hour: int("start-hour"),
                end_hour: int("end-hour"),
                mode,
                count: int("count"),
                min_replicas: int("min-replicas"),
                max_replicas: int("max-replicas"),
                min_memory_gb: int("min-memory-gb"),
                max_memory_gb: int("max-memory-gb"),
                idle: match get("idle") {
                    Some(Value::Boolean(b)) => Some(b),
                    _ => None,
                },
            };
            // The same reading of the options as the Discord command's.
            match crate::scaling::schedule::request(action, entry) {
                Err(problem) => return Err(fail(Problem::Schedule(problem))),
                Ok(None) => Input::Schedule { service },
                Ok(Some(input)) => Input::Scale {
                    service,
                    request: ScaleRequest::Schedule(input),
                    revert,
                },
            }
        }
        "scaling-history" => Input::History {
            service: opt_text("service"),
            days: int("days"),
        },
        "scaling-digest" => Input::Digest,
        other => unreachable!("/{other} is in COMMANDS but not handled"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Input, ParseError> {
        super::parse(line, Locale::EnUs)
    }

    #[test]
    fn what_is_not_understood_is_said_in_the_consoles_language() {
        let e = super::parse("масштабируй", Locale::Ru)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Не понято: `масштабируй`"), "{e}");
        assert!(e.contains("Подтвердить, Отмена"), "{e}");
        let e = super::parse("/scale x", Locale::ZhCn)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("未知命令 `/scale`"), "{e}");
    }

    fn err(line: &str) -> String {
        parse(line).unwrap_err().to_string()
    }

    #[test]
    fn scaling_commands_with_plain_and_quoted_values() {
        assert_eq!(
            parse("/cdc-scale service:ingest-cdc cores:8").unwrap(),
            Input::Scale {
                service: "ingest-cdc".into(),
                request: ScaleRequest::cdc(8),
                revert: RevertInput::default(),
            }
        );
        assert_eq!(
            parse(r#"/cdc-scale service:x cores:8 revert:never reason:"all week""#).unwrap(),
            Input::Scale {
                service: "x".into(),
                request: ScaleRequest::cdc(8),
                revert: RevertInput {
                    revert: Some("never".into()),
                    for_: None,
                    reason: Some("all week".into()),
                },
            }
        );
        assert_eq!(
            parse(r#"  /Replicas SERVICE:"analytics \"prod\"" count:6 max-memory-gb:64 "#).unwrap(),
            Input::Scale {
                service: r#"analytics "prod""#.into(),
                request: ScaleRequest::Replicas(ReplicaInput {
                    count: Some(6),
                    min_memory_gb: None,
                    max_memory_gb: Some(64),
                    ..ReplicaInput::default()
                }),
                revert: RevertInput::default(),
            }
        );
        assert_eq!(
            parse("/idle service:analytics-staging enabled:true timeout-minutes:10").unwrap(),
            Input::Scale {
                service: "analytics-staging".into(),
                request: ScaleRequest::Idle(IdleInput {
                    enabled: true,
                    timeout_minutes: Some(10)
                }),
                revert: RevertInput::default(),
            }
        );
        assert_eq!(
            parse("/idle service:x enabled:off").unwrap(),
            Input::Scale {
                service: "x".into(),
                request: ScaleRequest::Idle(IdleInput {
                    enabled: false,
                    timeout_minutes: None
                }),
                revert: RevertInput::default(),
            }
        );
        assert_eq!(
            parse("/scaling-status service:'a \\'b\\''").unwrap(),
            Input::Status {
                service: "a 'b'".into()
            }
        );
        assert!(matches!(
            parse("/replicas service:x count:2 for:4H").unwrap(),
            Input::Scale { revert: RevertInput { for_: Some(f), .. }, .. } if f == "4h"
        ));
        assert_eq!(
            parse("/scaling-status service:\"a b\"").unwrap(),
            Input::Status {
                service: "a b".into()
            }
        );
        // Range checks are the engine's: a negative count parses.
        assert!(matches!(
            parse("/replicas service:x count:-3").unwrap(),
            Input::Scale {
                request: ScaleRequest::Replicas(ReplicaInput {
                    count: Some(-3),
                    ..
                }),
                ..
            }
        ));
    }

    #[test]
    fn reminder_answers() {
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(
            parse("Scale down now").unwrap(),
            Input::Answer(Answer::Restore)
        );
        assert_eq!(
            parse("snooze 4h").unwrap(),
            Input::Answer(Answer::Snooze(4 * hour))
        );
        assert_eq!(parse("Extend 1h").unwrap(), Input::Answer(Answer::Extend));
        assert_eq!(
            parse("Keep: Backfill runs all week").unwrap(),
            Input::Answer(Answer::Keep(Some("Backfill runs all week".into())))
        );
        assert_eq!(parse("keep").unwrap(), Input::Answer(Answer::Keep(None)));
        assert!(parse("keeper").is_err());
        assert_eq!(
            parse("Оставить: миграция").unwrap(),
            Input::Answer(Answer::Keep(Some("миграция".into())))
        );
        assert_eq!(
            parse("保持: 测试").unwrap(),
            Input::Answer(Answer::Keep(Some("测试".into())))
        );
        assert_eq!(
            parse("保持：测试").unwrap(),
            Input::Answer(Answer::Keep(Some("测试".into())))
        );
        assert_eq!(
            parse("推迟 1 小时").unwrap(),
            Input::Answer(Answer::Snooze(hour))
        );
        assert_eq!(
            parse("отложить на 4 ч").unwrap(),
            Input::Answer(Answer::Snooze(4 * hour))
        );
        assert_eq!(parse("立即回退").unwrap(), Input::Answer(Answer::Restore));
    }

    #[test]
    fn words_and_buttons() {
        assert_eq!(parse("").unwrap(), Input::Nothing);
        assert_eq!(parse("# a comment").unwrap(), Input::Nothing);
        assert_eq!(parse("help").unwrap(), Input::Help);
        assert_eq!(parse("/help").unwrap(), Input::Help);
        assert_eq!(parse("QUIT").unwrap(), Input::Quit);
        assert_eq!(
            parse("confirm").unwrap(),
            Input::Press(Choice::Label(Button::Confirm))
        );
        assert_eq!(
            parse("Cancel").unwrap(),
            Input::Press(Choice::Label(Button::Cancel))
        );
        assert_eq!(parse("2").unwrap(), Input::Press(Choice::Number(2)));
        assert_eq!(
            parse("подтвердить").unwrap(),
            Input::Press(Choice::Label(Button::Confirm))
        );
        assert_eq!(
            parse("取消").unwrap(),
            Input::Press(Choice::Label(Button::Cancel))
        );
        assert_eq!(parse("[1]").unwrap(), Input::Press(Choice::Number(1)));
        assert_eq!(Choice::Number(1).button(), Some(Button::Confirm));
        assert_eq!(Choice::Number(2).button(), Some(Button::Cancel));
        assert_eq!(Choice::Number(0).button(), None);
        assert_eq!(Choice::Number(3).button(), None);
        assert_eq!(Button::row(), "[1] Confirm  [2] Cancel");
    }

    #[test]
    fn errors_say_what_is_allowed() {
        let e = err("/scale service:x");
        assert!(e.contains("Unknown command `/scale`"), "{e}");
        assert!(
            e.contains("/cdc-scale, /replicas, /idle, /scaling-status"),
            "{e}"
        );

        let e = err("/replicas service:x cnt:3");
        assert!(e.contains("no option `cnt`"), "{e}");
        assert!(
            e.contains("service (required, text), count (integer), min-replicas (integer), max-replicas (integer), mode (text), min-memory-gb (integer), max-memory-gb (integer)"),
            "{e}"
        );

        let e = err("/cdc-scale service:x");
        assert!(e.contains("/cdc-scale needs `cores`"), "{e}");
        assert!(e.contains("cores (required, integer)"), "{e}");
        assert!(err("/cdc-scale").contains("needs `service` and `cores`"));

        let e = err("/cdc-scale service:x cores:eight");
        assert!(
            e.contains("`cores` must be a whole number, not `eight`"),
            "{e}"
        );
        assert!(err("/cdc-scale service:x cores:2.5").contains("whole number"));
        assert!(err("/idle service:x enabled:maybe").contains("must be true or false"));
        assert!(err("/replicas service:x").contains("at least one of `count`"));
        assert!(err("/replicas service:x count:1 count:2").contains("given twice"));
        assert!(err("/replicas analytics-prod count:2").contains("name:value"));
        assert!(err("/replicas service:\"x count:2").contains("no closing quote"));
        assert!(err("/replicas service:\"\" count:2").contains("`service` needs a value"));
        let e = err("scale it");
        assert!(e.contains("Not understood"), "{e}");
        assert!(e.contains("Confirm, Cancel"), "{e}");
    }

    #[test]
    fn numbers_too_large_for_i64_saturate_so_the_rules_answer_with_the_range() {
        // Issue 9 defect 11: these said "must be a whole number".
        for (line, want) in [
            ("/cdc-scale service:x cores:99999999999999999999", i64::MAX),
            ("/cdc-scale service:x cores:-99999999999999999999", i64::MIN),
        ] {
            match parse(line).unwrap() {
                Input::Scale {
                    request: ScaleRequest::Cdc(crate::scaling::CdcInput { cores }),
                    ..
                } => assert_eq!(cores, want, "{line}"),
                other => panic!("{line}: {other:?}"),
            }
        }
        match parse("/replicas service:x count:123456789012345678901234567890").unwrap() {
            Input::Scale {
                request: ScaleRequest::Replicas(r),
                ..
            } => assert_eq!(r.count, Some(i64::MAX)),
            other => panic!("{other:?}"),
        }
        // Not a number at all is still refused by the parser.
        assert!(err("/cdc-scale service:x cores:9e99").contains("whole number"));
    }

    #[test]
    fn help_lists_every_command_and_option() {
        for loc in Locale::ALL {
            let h = help(loc, &crate::scaling::Limits::default());
            assert!(!h.contains("console-help"), "every text is in {loc}:\n{h}");
        }
        let ru = help(Locale::Ru, &crate::scaling::Limits::default());
        assert!(ru.contains("Подтвердить / Отмена (1 / 2)"), "{ru}");
        let h = help(Locale::EnUs, &crate::scaling::Limits::default());
        assert!(h.contains("cores: CPU cores (1-24)"), "{h}");
        assert!(h.contains("count: number of replicas (1-20)"), "{h}");
        assert!(h.contains("(5-10080)"), "{h}");
        for c in COMMANDS {
            let service = match c.options.first() {
                None => "",
                Some(o) if o.required => " service:<text>",
                Some(_) => " [service:<text>]",
            };
            assert!(h.contains(&format!("/{}{service}", c.name)), "{h}");
            for o in c.options {
                assert!(h.contains(o.name), "{h}");
            }
        }
        assert!(h.contains("[timeout-minutes:<integer>]"), "{h}");
    }
}
