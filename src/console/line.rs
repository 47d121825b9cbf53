//! Where typed lines come from: a line editor at a terminal (editing, history kept across runs,
//! Tab completion), plain lines in a script.
//!
//! The editor runs on a plain thread and reads a line only when the session asks for one, so
//! Ctrl-C between prompts stays a signal. While a line is being edited, everything the console
//! prints goes through the editor's external printer, which prints above the prompt and redraws
//! the line being typed.

use std::{io::BufRead, path::PathBuf, sync::mpsc as std_mpsc};

use rustyline::{
    completion::{Completer, Pair},
    error::ReadlineError,
    history::DefaultHistory,
    Context, Editor, Helper, Highlighter, Hinter, Validator,
};
use tokio::sync::mpsc;

use super::{parse, Printer};
use crate::i18n::Locale;

/// What asking for a line gave.
#[derive(Debug)]
pub enum Read {
    Line(String),
    /// Ctrl-C while editing.
    Interrupted,
    /// End of input (Ctrl-D, end of the script).
    End,
    Failed(std::io::Error),
}

/// The source of typed lines.
#[derive(Debug)]
pub enum Lines {
    /// Lines of stdin, read ahead on a plain thread: a blocked read must not hold up shutdown.
    Plain(mpsc::Receiver<std::io::Result<String>>),
    /// The line editor: one prompt sent, one [`Read`] back.
    Editor {
        prompts: std_mpsc::Sender<String>,
        reads: mpsc::Receiver<Read>,
    },
}

impl Lines {
    /// Plain lines of stdin.
    pub fn plain() -> Self {
        let (tx, rx) = mpsc::channel(1);
        std::thread::Builder::new()
            .name("console-stdin".into())
            .spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    if tx.blocking_send(line).is_err() {
                        return;
                    }
                }
            })
            .expect("spawning the stdin reader thread");
        Lines::Plain(rx)
    }

    /// The line editor on the terminal, with `words` to complete and history in `history`.
    /// Falls back to plain lines if the terminal cannot be set up.
    pub fn editor(printer: &Printer, words: Words, history: Option<PathBuf>) -> Self {
        let (prompts, prompt_rx) = std_mpsc::channel::<String>();
        let (reads_tx, reads) = mpsc::channel(1);
        let (ready_tx, ready_rx) = std_mpsc::channel();
        let printer_for_thread = printer.clone();
        let spawned = std::thread::Builder::new()
            .name("console-editor".into())
            .spawn(move || {
                let mut editor: Editor<Completion, DefaultHistory> = match Editor::new() {
                    Ok(e) => e,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                editor.set_helper(Some(Completion { words }));
                if let Some(path) = &history {
                    // A first run has no history yet.
                    let _ = editor.load_history(path);
                }
                match editor.create_external_printer() {
                    Ok(p) => printer_for_thread.set_external(Box::new(p)),
                    Err(e) => tracing::debug!(error = %e, "no external printer"),
                }
                let _ = ready_tx.send(Ok(()));
                while let Ok(prompt) = prompt_rx.recv() {
                    printer_for_thread.editing(true);
                    let read = editor.readline(&prompt);
                    printer_for_thread.editing(false);
                    let read = match read {
                        Ok(line) => {
                            if !line.trim().is_empty() {
                                let _ = editor.add_history_entry(line.as_str());
                                if let Some(path) = &history {
                                    save_history(&mut editor, path);
                                }
                            }
                            Read::Line(line)
                        }
                        Err(ReadlineError::Interrupted) => Read::Interrupted,
                        Err(ReadlineError::Eof) => Read::End,
                        Err(ReadlineError::Io(e)) => Read::Failed(e),
                        Err(e) => Read::Failed(std::io::Error::other(e.to_string())),
                    };
                    if reads_tx.blocking_send(read).is_err() {
                        return;
                    }
                }
            });
        let ready = spawned
            .map_err(|e| e.to_string())
            .and_then(|_| ready_rx.recv().map_err(|e| e.to_string())?);
        match ready {
            Ok(()) => Lines::Editor { prompts, reads },
            Err(e) => {
                tracing::warn!(error = %e, "no line editor; reading plain lines");
                Lines::plain()
            }
        }
    }

    /// The next line; `prompt` is shown by the editor (plain lines show none).
    pub async fn next(&mut self, prompt: &str) -> Read {
        match self {
            Lines::Plain(rx) => match rx.recv().await {
                Some(Ok(line)) => Read::Line(line),
                Some(Err(e)) => Read::Failed(e),
                None => Read::End,
            },
            Lines::Editor { prompts, reads } => {
                if prompts.send(prompt.to_owned()).is_err() {
                    return Read::End;
                }
                reads.recv().await.unwrap_or(Read::End)
            }
        }
    }

    pub fn is_editor(&self) -> bool {
        matches!(self, Lines::Editor { .. })
    }
}

fn save_history(editor: &mut Editor<Completion, DefaultHistory>, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = editor.save_history(path) {
        tracing::debug!(error = %e, path = %path.display(), "could not save the history");
    }
}

/// Where the history is kept: `$CLICKSCALE_HISTORY`, else `$XDG_STATE_HOME/clickscale/history`,
/// else `~/.local/state/clickscale/history`; none when there is no home either.
pub fn history_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(p) = var("CLICKSCALE_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let state = var("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("clickscale").join("history"))
}

/// What Tab completes beyond the commands and their options.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// Service names and aliases.
    pub services: Vec<String>,
    /// The console's language, for button labels (English ones complete too).
    pub locale: Option<Locale>,
}

#[derive(Helper, Hinter, Highlighter, Validator)]
struct Completion {
    words: Words,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, found) = complete(&self.words, &line[..pos]);
        let pairs = found
            .into_iter()
            .map(|w| Pair {
                display: w.clone(),
                replacement: w,
            })
            .collect();
        Ok((start, pairs))
    }
}

/// Completions for the text before the cursor: where the replaced word starts and the words.
pub fn complete(words: &Words, before: &str) -> (usize, Vec<String>) {
    let trimmed = before.trim_start();
    let lead = before.len() - trimmed.len();
    let mut out: Vec<String> = Vec::new();
    let Some(command) = trimmed.strip_prefix('/') else {
        // Not a command: the whole line is a word, button labels have spaces (`Snooze 1h`).
        let lower = trimmed.to_lowercase();
        let loc = words.locale.unwrap_or(Locale::EnUs);
        let mut all: Vec<String> = parse::command_words();
        all.extend(parse::label_words(loc));
        out.extend(
            all.into_iter()
                .filter(|w| w.to_lowercase().starts_with(&lower)),
        );
        out.sort();
        out.dedup();
        return (lead, out);
    };
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[start..];
    let lower = word.to_lowercase();
    let starts = |candidate: &str| candidate.to_lowercase().starts_with(&lower);
    if !command.contains(char::is_whitespace) {
        out.extend(parse::command_words().into_iter().filter(|w| starts(w)));
    } else {
        let name = command.split_whitespace().next().unwrap_or_default();
        match word.split_once(':') {
            None => out.extend(
                parse::option_names(name)
                    .into_iter()
                    .filter(|o| !before.contains(&format!("{o}:")))
                    .map(|o| format!("{o}:"))
                    .filter(|o| starts(o)),
            ),
            Some((option, value)) => {
                let values: Vec<String> = match option.to_ascii_lowercase().as_str() {
                    "service" => words.services.clone(),
                    other => parse::option_values(other),
                };
                let value = value.to_lowercase();
                out.extend(
                    values
                        .into_iter()
                        .filter(|v| v.to_lowercase().starts_with(&value))
                        .map(|v| {
                            if v.contains(char::is_whitespace) {
                                format!("{option}:\"{v}\"")
                            } else {
                                format!("{option}:{v}")
                            }
                        }),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    (start, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words {
            services: vec!["analytics-prod".into(), "analytics-staging".into()],
            locale: Some(Locale::Ru),
        }
    }

    #[test]
    fn tab_completes_commands_options_services_and_labels() {
        let w = words();
        assert_eq!(complete(&w, "/rep"), (0, vec!["/replicas".into()]));
        assert_eq!(
            complete(&w, "/replicas service:analytics-p"),
            (10, vec!["service:analytics-prod".into()])
        );
        let (start, found) = complete(&w, "/replicas service:x c");
        assert_eq!((start, found), (20, vec!["count:".into()]));
        let (_, found) = complete(&w, "/replicas service:x ");
        assert!(!found.contains(&"service:".to_owned()), "{found:?}");
        assert!(found.contains(&"max-memory-gb:".to_owned()), "{found:?}");
        assert_eq!(
            complete(&w, "/idle service:x enabled:t").1,
            vec!["enabled:true".to_owned()]
        );
        assert_eq!(complete(&w, "Conf").1, vec!["Confirm".to_owned()]);
        assert_eq!(complete(&w, "подт").1, vec!["Подтвердить".to_owned()]);
        assert!(complete(&w, "Sn").1.contains(&"Snooze 1h".to_owned()));
        assert!(complete(&w, "От").1.contains(&"Отложить на 1 ч".to_owned()));
    }
}
