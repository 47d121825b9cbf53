//! Errors of the Cloud API client.
//!
//! Callers branch on [`CloudError`] (idle service -> wake it, 404 -> unknown alias, ...), and
//! show [`CloudError::user_message`] to chat users. Nothing in here ever holds the key secret:
//! errors are built from status codes, API error bodies and transport error kinds only.

use std::fmt;

/// Longest API message or non-JSON body kept in an error, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 300;

/// The Cloud API call that failed; picks the permission and wording of user messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListOrganizations,
    ListServices,
    GetService,
    PatchReplicaScaling,
    GetCdcScaling,
    PatchCdcScaling,
    ListClickPipes,
    GetClickPipe,
    PatchServiceState,
}

impl Operation {
    /// Short description for logs and messages ("get CDC scaling").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListOrganizations => "list organizations",
            Self::ListServices => "list services",
            Self::GetService => "get service",
            Self::PatchReplicaScaling => "update replica scaling",
            Self::GetCdcScaling => "get CDC scaling",
            Self::PatchCdcScaling => "update CDC scaling",
            Self::ListClickPipes => "list ClickPipes",
            Self::GetClickPipe => "get ClickPipe",
            Self::PatchServiceState => "change service state",
        }
    }

    /// The granular permission the API key needs, per `x-required-permissions` in the spec
    /// subset. `None` where the spec lists none (any valid key may call it).
    /// `PatchServiceState` is listed without one; `manage` is the expected requirement.
    pub fn required_permission(self) -> Option<&'static str> {
        match self {
            Self::ListOrganizations | Self::ListServices => None,
            Self::GetService => Some("control-plane:service:view"),
            Self::PatchReplicaScaling => Some("control-plane:service:manage-scaling-config"),
            Self::GetCdcScaling
            | Self::PatchCdcScaling
            | Self::ListClickPipes
            | Self::GetClickPipe => Some("control-plane:service:manage-clickpipes"),
            Self::PatchServiceState => Some("control-plane:service:manage"),
        }
    }

    /// ClickPipes endpoints answer 424 while the service is not running.
    pub fn is_clickpipes(self) -> bool {
        matches!(
            self,
            Self::GetCdcScaling | Self::PatchCdcScaling | Self::ListClickPipes | Self::GetClickPipe
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-2xx answer of the Cloud API, after retries where they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// Upper-case prefix of the API's `error` string (`BAD_REQUEST`, `FAILED_DEPENDENCY`, ...).
    pub code: Option<String>,
    /// The `error` text after the code (the whole text when there is no code), or the start of
    /// a non-JSON body, or the HTTP reason phrase when the body is empty.
    pub message: String,
    pub request_id: Option<String>,
    pub operation: Operation,
    /// HTTP attempts made before giving up (1 when the status is not retried).
    pub attempts: u32,
}

impl ApiError {
    /// Builds an error from a response body: the `{status, error, requestId}` JSON when it
    /// parses, otherwise the (truncated) body text.
    pub(crate) fn from_body(operation: Operation, status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<super::model::ErrorBody>(body).ok();
        let (code, message, request_id) = match parsed {
            Some(b) => {
                let (code, message) = match b.error.as_deref() {
                    Some(text) => split_code(text),
                    None => (None, String::new()),
                };
                (code, message, b.request_id)
            }
            None => (None, truncate(body.trim()), None),
        };
        let message = if message.is_empty() {
            reason_phrase(status)
        } else {
            message
        };
        Self {
            status,
            code,
            message,
            request_id,
            operation,
            attempts: 1,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Everything a Cloud API call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CloudError {
    /// The API answered with a non-2xx status.
    #[error(transparent)]
    Api(ApiError),
    /// Every attempt timed out (connect or whole request).
    #[error("{operation}: no answer from {base_url} after {attempts} attempt(s)")]
    Timeout {
        operation: Operation,
        attempts: u32,
        base_url: String,
    },
    /// The connection failed (refused, DNS, TLS, reset) on every attempt.
    #[error("{operation}: cannot connect to {base_url} after {attempts} attempt(s): {message}")]
    Connect {
        operation: Operation,
        message: String,
        attempts: u32,
        base_url: String,
    },
    /// A 2xx answer whose body is not the expected envelope; never retried.
    #[error("{operation}: unexpected response body: {message}")]
    Decode {
        operation: Operation,
        message: String,
        request_id: Option<String>,
    },
    /// Invalid settings or arguments, detected before any network call.
    #[error("invalid Cloud API client input: {0}")]
    Config(String),
}

impl CloudError {
    /// HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// The API's `requestId`, to quote when asking ClickHouse support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id.as_deref(),
            Self::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The API error code (`BAD_REQUEST`, `FAILED_DEPENDENCY`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    pub fn operation(&self) -> Option<Operation> {
        match self {
            Self::Api(e) => Some(e.operation),
            Self::Timeout { operation, .. }
            | Self::Connect { operation, .. }
            | Self::Decode { operation, .. } => Some(*operation),
            Self::Config(_) => None,
        }
    }

    /// 424 because the service is idle: ClickPipes calls succeed once it is woken (`awake`).
    /// A stopped service also answers 424 but must not be woken implicitly.
    pub fn is_idle(&self) -> bool {
        matches!(self, Self::Api(e) if e.status == 424 && e.message.contains("Current state: idle"))
    }

    /// Worth trying again later (the client already retried these as far as its policy allows).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Api(e) => e.status == 429 || e.status >= 500,
            Self::Timeout { .. } | Self::Connect { .. } => true,
            Self::Decode { .. } | Self::Config(_) => false,
        }
    }

    /// A short message a chat user can act on. Never contains the key secret.
    pub fn user_message(&self) -> String {
        let rid = self
            .request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default();
        match self {
            Self::Api(e) => api_user_message(e, &rid),
            Self::Timeout {
                attempts, base_url, ..
            } => format!(
                "Cannot reach the ClickHouse Cloud API at {base_url} after {attempts} {}: \
                 it did not answer in time. Try again later.",
                plural(*attempts, "attempt")
            ),
            Self::Connect {
                attempts, base_url, ..
            } => format!(
                "Cannot reach the ClickHouse Cloud API at {base_url} after {attempts} {}: \
                 the connection failed. Try again later.",
                plural(*attempts, "attempt")
            ),
            Self::Decode { operation, .. } => format!(
                "The ClickHouse Cloud API sent an answer to \"{operation}\" that clickscale \
                 cannot read{rid}. The API may have changed; please report this."
            ),
            Self::Config(msg) => format!("clickscale cannot call the Cloud API: {msg}."),
        }
    }
}

fn api_user_message(e: &ApiError, rid: &str) -> String {
    let op = e.operation;
    match e.status {
        400 => format!("The API rejected the request: {}{rid}", e.message),
        401 => format!(
            "The ClickHouse Cloud API rejected the API key (check CLICKHOUSE_KEY_ID / \
             CLICKHOUSE_KEY_SECRET){rid}."
        ),
        403 => match op.required_permission() {
            Some(p) => format!(
                "The API key is missing the permission `{p}` on this service, needed to {op}{rid}."
            ),
            None => format!("The API key is not allowed to {op}{rid}: check its role."),
        },
        404 => match op {
            Operation::GetCdcScaling | Operation::PatchCdcScaling => format!(
                "No CDC compute found: either the service is unknown or no DB ClickPipe has been \
                 provisioned on this service yet{rid}."
            ),
            Operation::GetClickPipe => format!("Unknown ClickPipe or service{rid}."),
            Operation::ListOrganizations => format!("Unknown organization{rid}."),
            _ => format!("Unknown service: check the service id or alias{rid}."),
        },
        409 => format!(
            "The service is busy with another change: {}{rid}. Try again in a few minutes.",
            e.message
        ),
        424 if e.message.contains("Current state: idle") => format!(
            "The service is idle, and ClickPipes calls need it running. It can be woken \
             (awake), then the command retried{rid}."
        ),
        424 => format!(
            "The service is not running, and {op} needs it running: {}{rid}.",
            e.message
        ),
        429 => format!(
            "The ClickHouse Cloud API is rate limiting this API key (still after {} {}){rid}. \
             Try again in a minute.",
            e.attempts,
            plural(e.attempts, "attempt")
        ),
        s if s >= 500 => format!(
            "The ClickHouse Cloud API failed (HTTP {s}) after {} {}{rid}. Try again later.",
            e.attempts,
            plural(e.attempts, "attempt")
        ),
        s => format!(
            "The ClickHouse Cloud API answered HTTP {s}: {}{rid}.",
            e.message
        ),
    }
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// Splits `"BAD_REQUEST: text"` into `(Some("BAD_REQUEST"), "text")`. A bare code
/// (`"TOO_MANY_REQUESTS"`) keeps the code and leaves the message empty.
fn split_code(text: &str) -> (Option<String>, String) {
    let text = text.trim();
    let (head, rest) = match text.split_once(':') {
        Some((head, rest)) => (head, Some(rest)),
        None => (text, None),
    };
    let is_code = !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_uppercase())
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if is_code {
        (Some(head.to_owned()), truncate(rest.unwrap_or("").trim()))
    } else {
        (None, truncate(text))
    }
}

/// Keeps the first [`MAX_MESSAGE_CHARS`] characters, marking a cut with an ellipsis.
pub(crate) fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn reason_phrase(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no error message")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_split_from_messages() {
        assert_eq!(
            split_code("BAD_REQUEST: request body.numReplicas: too small"),
            (
                Some("BAD_REQUEST".into()),
                "request body.numReplicas: too small".into()
            )
        );
        assert_eq!(
            split_code("TOO_MANY_REQUESTS"),
            (Some("TOO_MANY_REQUESTS".into()), String::new())
        );
        assert_eq!(
            split_code("Something broke: badly"),
            (None, "Something broke: badly".into())
        );
    }

    #[test]
    fn bare_code_gets_reason_phrase_as_message() {
        let e = ApiError::from_body(
            Operation::ListServices,
            429,
            r#"{"error":"TOO_MANY_REQUESTS"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("TOO_MANY_REQUESTS"));
        assert_eq!(e.message, "Too Many Requests");
    }

    #[test]
    fn long_bodies_are_truncated_on_char_boundaries() {
        let body = "é".repeat(MAX_MESSAGE_CHARS + 10);
        let e = ApiError::from_body(Operation::GetService, 502, &body);
        assert_eq!(e.message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(e.message.ends_with('…'));
        assert_eq!(e.code, None);
    }
}
