//! Errors of the Cloud API client.
//!
//! Callers branch on [`CloudError`] (idle service -> wake it, 404 -> unknown alias, ...), and
//! show [`CloudError::user_message`] to chat users. Nothing in here ever holds the key secret:
//! errors are built from status codes, API error bodies and transport error kinds only.

use std::fmt;

use crate::{i18n::Locale, t};

/// Longest API message or non-JSON body kept in an error, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 300;

/// The Cloud API call that failed; picks the permission and wording of user messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListOrganizations,
    GetOrganization,
    ListServices,
    GetService,
    PatchReplicaScaling,
    GetCdcScaling,
    PatchCdcScaling,
    ListClickPipes,
    GetClickPipe,
    PatchServiceState,
    GetScalingSchedule,
    PostScalingSchedule,
}

impl Operation {
    /// Short description for logs and messages ("get CDC scaling").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListOrganizations => "list organizations",
            Self::GetOrganization => "get organization",
            Self::ListServices => "list services",
            Self::GetService => "get service",
            Self::PatchReplicaScaling => "update replica scaling",
            Self::GetCdcScaling => "get CDC scaling",
            Self::PatchCdcScaling => "update CDC scaling",
            Self::ListClickPipes => "list ClickPipes",
            Self::GetClickPipe => "get ClickPipe",
            Self::PatchServiceState => "change service state",
            Self::GetScalingSchedule => "get scaling schedule",
            Self::PostScalingSchedule => "replace scaling schedule",
        }
    }

    /// The granular permission the API key needs, per `x-required-permissions` in the spec
    /// subset. `None` where the spec lists none (any valid key may call it).
    /// `PatchServiceState` is listed without one; `manage` is the expected requirement.
    pub fn required_permission(self) -> Option<&'static str> {
        match self {
            Self::ListOrganizations | Self::ListServices => None,
            // The full spec (clickhouse-cloud-api 0.5.0) lists it for `organizationGet`.
            Self::GetOrganization => Some("control-plane:organization:view"),
            Self::GetService | Self::GetScalingSchedule => Some("control-plane:service:view"),
            Self::PatchReplicaScaling | Self::PostScalingSchedule => {
                Some("control-plane:service:manage-scaling-config")
            }
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

    /// A short message a chat user can act on, in English. Never contains the key secret.
    pub fn user_message(&self) -> String {
        self.user_message_in(Locale::EnUs)
    }

    /// [`CloudError::user_message`] in `loc`. API texts (`message`) stay as the API wrote them.
    pub fn user_message_in(&self, loc: Locale) -> String {
        let rid = self
            .request_id()
            .map(|id| t!(loc, "cloud-request-id", id = id))
            .unwrap_or_default();
        match self {
            Self::Api(e) => api_user_message(loc, e, &rid),
            Self::Timeout {
                attempts, base_url, ..
            } => t!(
                loc,
                "cloud-timeout",
                base_url = base_url.as_str(),
                attempts = *attempts
            ),
            Self::Connect {
                attempts, base_url, ..
            } => t!(
                loc,
                "cloud-connect",
                base_url = base_url.as_str(),
                attempts = *attempts
            ),
            Self::Decode { operation, .. } => t!(
                loc,
                "cloud-decode",
                op = operation.user_text(loc),
                rid = rid
            ),
            Self::Config(msg) => t!(loc, "cloud-config", message = msg.as_str()),
        }
    }
}

impl Operation {
    /// What the call does, in words for a chat user (`as_str` in English).
    pub fn user_text(self, loc: Locale) -> String {
        let id = match self {
            Self::ListOrganizations => "cloud-op-list-organizations",
            Self::GetOrganization => "cloud-op-get-organization",
            Self::ListServices => "cloud-op-list-services",
            Self::GetService => "cloud-op-get-service",
            Self::PatchReplicaScaling => "cloud-op-update-replica-scaling",
            Self::GetCdcScaling => "cloud-op-get-cdc-scaling",
            Self::PatchCdcScaling => "cloud-op-update-cdc-scaling",
            Self::ListClickPipes => "cloud-op-list-clickpipes",
            Self::GetClickPipe => "cloud-op-get-clickpipe",
            Self::PatchServiceState => "cloud-op-change-service-state",
            Self::GetScalingSchedule => "cloud-op-get-scaling-schedule",
            Self::PostScalingSchedule => "cloud-op-post-scaling-schedule",
        };
        t!(loc, id)
    }
}

fn api_user_message(loc: Locale, e: &ApiError, rid: &str) -> String {
    let op = e.operation.user_text(loc);
    let message = e.message.as_str();
    match e.status {
        400 => t!(loc, "cloud-400", message = message, rid = rid),
        401 => t!(loc, "cloud-401", rid = rid),
        403 => match e.operation.required_permission() {
            Some(p) => t!(
                loc,
                "cloud-403-permission",
                permission = p,
                op = op,
                rid = rid
            ),
            None => t!(loc, "cloud-403", op = op, rid = rid),
        },
        404 => {
            let id = match e.operation {
                Operation::GetCdcScaling | Operation::PatchCdcScaling => "cloud-404-cdc",
                Operation::GetClickPipe => "cloud-404-clickpipe",
                Operation::ListOrganizations | Operation::GetOrganization => {
                    "cloud-404-organization"
                }
                _ => "cloud-404",
            };
            t!(loc, id, rid = rid)
        }
        409 => t!(loc, "cloud-409", message = message, rid = rid),
        424 if e.message.contains("Current state: idle") => t!(loc, "cloud-424-idle", rid = rid),
        424 => t!(loc, "cloud-424", op = op, message = message, rid = rid),
        429 => t!(loc, "cloud-429", attempts = e.attempts, rid = rid),
        s if s >= 500 => t!(
            loc,
            "cloud-5xx",
            status = s.to_string(),
            attempts = e.attempts,
            rid = rid
        ),
        s => t!(
            loc,
            "cloud-other",
            status = s.to_string(),
            message = message,
            rid = rid
        ),
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
