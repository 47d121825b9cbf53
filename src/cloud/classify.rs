//! One classification of what a failed call means, used by the engine's PATCHes and by its
//! polls alike: whether asking again can help, and whether a change may have arrived anyway.

use super::CloudError;

impl CloudError {
    /// Asking again will not help: the API refused the request itself (a 4xx other than 408,
    /// 424 and 429), or it was never sent (invalid input). Polls stop on these.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Api(e) => (400..500).contains(&e.status) && !matches!(e.status, 408 | 424 | 429),
            Self::Config(_) => true,
            Self::Timeout { .. } | Self::Connect { .. } | Self::Decode { .. } => false,
        }
    }

    /// For a PATCH: whether it may have been applied although no success came back. Only a
    /// refusal says for sure that it was not; a timeout, a dropped connection or a 5xx may
    /// come after the API applied it, so the outcome is unknown until a GET tells.
    pub fn may_have_arrived(&self) -> bool {
        match self {
            Self::Api(e) => e.status >= 500 || matches!(e.status, 408),
            Self::Timeout { .. } | Self::Connect { .. } | Self::Decode { .. } => true,
            Self::Config(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ApiError, Operation};
    use super::*;

    fn api(status: u16) -> CloudError {
        CloudError::Api(ApiError {
            status,
            code: None,
            message: String::new(),
            request_id: None,
            operation: Operation::PatchCdcScaling,
            attempts: 1,
        })
    }

    #[test]
    fn refusals_are_permanent_and_never_arrived_while_silence_may_have() {
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(api(s).is_permanent(), "{s}");
            assert!(!api(s).may_have_arrived(), "{s}");
        }
        for s in [424, 429] {
            assert!(!api(s).is_permanent(), "{s}");
            assert!(!api(s).may_have_arrived(), "{s}");
        }
        for s in [500, 502, 503, 504] {
            assert!(!api(s).is_permanent(), "{s}");
            assert!(api(s).may_have_arrived(), "{s}");
        }
        let timeout = CloudError::Timeout {
            operation: Operation::PatchCdcScaling,
            attempts: 4,
            base_url: "http://127.0.0.1:1".into(),
        };
        assert!(timeout.may_have_arrived() && !timeout.is_permanent());
    }
}
