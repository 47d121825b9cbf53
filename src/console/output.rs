//! One writer for everything the console shows, so lines from concurrent operations never
//! interleave mid-line and never break into the prompt.

use std::{
    fmt,
    io::{self, Write},
    sync::{Arc, Mutex},
};

/// Shared handle to the console's output (stdout in the binary, a buffer in tests).
#[derive(Clone)]
pub struct Printer {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    out: Box<dyn Write + Send>,
    /// The prompt currently shown at the start of the last line, if any.
    prompt: Option<String>,
    /// Whether the output is a terminal that understands "clear line" escapes.
    ansi: bool,
    /// The line editor's printer: while a line is edited, output goes through it so it lands
    /// above the prompt and the line being typed is drawn again below.
    external: Option<Box<dyn rustyline::ExternalPrinter + Send>>,
    /// A line is being edited (the editor owns the prompt).
    editing: bool,
}

impl fmt::Debug for Printer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Printer").finish_non_exhaustive()
    }
}

impl Printer {
    pub fn new(out: Box<dyn Write + Send>, ansi: bool) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                out,
                prompt: None,
                ansi,
                external: None,
                editing: false,
            })),
        }
    }

    /// Standard output; "clear line" escapes only when it is a terminal.
    pub fn stdout() -> Self {
        use std::io::IsTerminal;
        let ansi = io::stdout().is_terminal();
        Self::new(Box::new(io::stdout()), ansi)
    }

    /// Print `text` (one or more lines) as one block. A prompt on screen is moved below it.
    pub fn block(&self, text: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let safe = terminal_safe(text);
        if inner.editing {
            if let Some(external) = inner.external.as_mut() {
                if external.print(format!("{safe}\n")).is_ok() {
                    return;
                }
            }
        }
        let prompt = inner.prompt.clone();
        let mut buf = String::new();
        if prompt.is_some() {
            // Overwrite the prompt line on a terminal; elsewhere just start a fresh line.
            buf.push_str(if inner.ansi { "\r\x1b[K" } else { "\n" });
        }
        // Everything shown may hold untrusted text (a reason, a service name, an API error).
        buf.push_str(&safe);
        buf.push('\n');
        if let Some(p) = &prompt {
            buf.push_str(p);
        }
        // A closed stdout (e.g. `| head`) is not worth crashing the engine for.
        let _ = inner.out.write_all(buf.as_bytes());
        let _ = inner.out.flush();
    }

    /// Show `prompt` without a newline; it stays at the bottom until [`Printer::prompt_answered`].
    pub fn prompt(&self, prompt: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let _ = inner.out.write_all(prompt.as_bytes());
        let _ = inner.out.flush();
        inner.prompt = Some(prompt.to_owned());
    }

    /// Print through the line editor while a line is being edited (see [`Printer::editing`]).
    pub fn set_external(&self, external: Box<dyn rustyline::ExternalPrinter + Send>) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .external = Some(external);
    }

    /// Whether the line editor is reading a line now.
    pub fn editing(&self, on: bool) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).editing = on;
    }

    /// The user finished a line (their Enter moved the cursor), so the prompt is gone.
    pub fn prompt_answered(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).prompt = None;
    }
}

/// Where the console's log lines go once [`LogSink::attach`] is called: above the prompt,
/// through the console's printer, so they never break into the line being typed.
static LOG_PRINTER: Mutex<Option<Printer>> = Mutex::new(None);

/// A `tracing` writer: stderr, or the attached console printer (interactive console).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogSink;

impl LogSink {
    /// From now on, log lines are printed by `printer`.
    pub fn attach(printer: &Printer) {
        *LOG_PRINTER.lock().unwrap_or_else(|e| e.into_inner()) = Some(printer.clone());
    }
}

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let printer = LOG_PRINTER
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match printer {
            // The formatter writes each event in one call.
            Some(p) => {
                p.block(String::from_utf8_lossy(buf).trim_end_matches('\n'));
                Ok(buf.len())
            }
            None => io::stderr().write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = LogSink;
    fn make_writer(&'a self) -> Self::Writer {
        LogSink
    }
}

/// `text` with every control character a terminal would act on written out as an escape
/// (`\u{1b}`), so untrusted text cannot clear the screen, move the cursor, retitle the window or
/// hide what follows. Line breaks and tabs stay; bidirectional overrides are escaped too, since
/// they make a line read differently from what it holds.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Chat markdown the engine writes, made plain for a terminal (`**bold**` loses its stars).
pub fn plain(text: &str) -> String {
    text.replace("**", "")
}

/// `prefix` before the first line, the following lines indented to line up under its text.
pub fn hanging(prefix: &str, text: &str) -> String {
    let pad = " ".repeat(prefix.chars().count() + 1);
    let mut out = String::new();
    for (i, line) in plain(text).lines().enumerate() {
        if i == 0 {
            out.push_str(prefix);
            out.push(' ');
        } else {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    if out.is_empty() {
        out.push_str(prefix);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `Write` into a shared buffer, for reading back what was printed.
    #[derive(Clone, Default)]
    pub(crate) struct Buffer(pub Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        pub(crate) fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn blocks_move_the_prompt_below_them() {
        let buf = Buffer::default();
        let p = Printer::new(Box::new(buf.clone()), false);
        p.block("one");
        p.prompt("> ");
        p.block("two\nthree");
        p.prompt_answered();
        p.block("four");
        assert_eq!(buf.text(), "one\n> \ntwo\nthree\n> four\n");

        let buf = Buffer::default();
        let p = Printer::new(Box::new(buf.clone()), true);
        p.prompt("> ");
        p.block("x");
        assert_eq!(buf.text(), "> \r\x1b[Kx\n> ");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(terminal_safe("a\tb\nc"), "a\tb\nc");
        assert_eq!(
            terminal_safe("x\u{1b}[2J\u{7}\r\u{9b}y\u{202e}z"),
            "x\\u{1b}[2J\\u{7}\\u{d}\\u{9b}y\\u{202e}z"
        );
        let buf = Buffer::default();
        let p = Printer::new(Box::new(buf.clone()), true);
        p.prompt("> ");
        p.block("why: \u{1b}[2J");
        assert_eq!(buf.text(), "> \r\x1b[Kwhy: \\u{1b}[2J\n> ");
    }

    #[test]
    fn log_lines_go_above_the_prompt_once_attached() {
        let buf = Buffer::default();
        let p = Printer::new(Box::new(buf.clone()), true);
        p.prompt("> ");
        LogSink::attach(&p);
        LogSink
            .write_all(b"ERROR sqlx: slow \x1b[2J statement\n")
            .unwrap();
        *LOG_PRINTER.lock().unwrap() = None;
        assert_eq!(
            buf.text(),
            "> \r\x1b[KERROR sqlx: slow \\u{1b}[2J statement\n> "
        );
    }

    #[test]
    fn hanging_indent_and_plain_text() {
        assert_eq!(
            hanging("[msg 2]", "**/replicas** `svc` #1: a\nRequested by b."),
            "[msg 2] /replicas `svc` #1: a\n        Requested by b."
        );
        assert_eq!(hanging("[msg 2]", ""), "[msg 2]");
    }
}
