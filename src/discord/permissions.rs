//! What the bot must be allowed to do in a channel before it sends a change: everything it
//! says about the change goes there (status message, thread, follow-ups in the thread), and a
//! change nobody can be told about must not be sent.
//!
//! Discord sends the bot's permissions in the interaction's channel with every interaction
//! (`app_permissions`), so the check costs no REST call.

use serenity::all::Permissions;

use crate::{i18n::Locale, t};

/// A permission the bot needs in the channel of a scaling command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatPermission {
    ViewChannel,
    SendMessages,
    CreatePublicThreads,
    SendMessagesInThreads,
}

impl ChatPermission {
    /// Every permission the follow-ups of a change need, in the order Discord lists them.
    pub const NEEDED: [ChatPermission; 4] = [
        ChatPermission::ViewChannel,
        ChatPermission::SendMessages,
        ChatPermission::CreatePublicThreads,
        ChatPermission::SendMessagesInThreads,
    ];

    fn bit(self) -> Permissions {
        match self {
            Self::ViewChannel => Permissions::VIEW_CHANNEL,
            Self::SendMessages => Permissions::SEND_MESSAGES,
            Self::CreatePublicThreads => Permissions::CREATE_PUBLIC_THREADS,
            Self::SendMessagesInThreads => Permissions::SEND_MESSAGES_IN_THREADS,
        }
    }

    /// Its name as Discord's settings show it, in `loc`.
    pub fn name(self, loc: Locale) -> String {
        match self {
            Self::ViewChannel => t!(loc, "permission-view-channel"),
            Self::SendMessages => t!(loc, "permission-send-messages"),
            Self::CreatePublicThreads => t!(loc, "permission-create-public-threads"),
            Self::SendMessagesInThreads => t!(loc, "permission-send-messages-in-threads"),
        }
    }
}

/// What the bot lacks among [`ChatPermission::NEEDED`]. Administrators may do everything.
/// Without `app_permissions` (Discord always sends it today) nothing is assumed missing.
pub fn missing(app_permissions: Option<Permissions>) -> Vec<ChatPermission> {
    let Some(has) = app_permissions else {
        return Vec::new();
    };
    if has.contains(Permissions::ADMINISTRATOR) {
        return Vec::new();
    }
    ChatPermission::NEEDED
        .into_iter()
        .filter(|p| !has.contains(p.bit()))
        .collect()
}

/// The private answer naming what is missing.
pub fn refusal(loc: Locale, missing: &[ChatPermission]) -> String {
    let names: Vec<String> = missing.iter().map(|p| p.name(loc)).collect();
    t!(loc, "chat-permissions-missing", missing = names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_exactly_what_is_missing() {
        let has = Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES;
        assert_eq!(
            missing(Some(has)),
            vec![
                ChatPermission::CreatePublicThreads,
                ChatPermission::SendMessagesInThreads
            ]
        );
        assert!(missing(Some(Permissions::ADMINISTRATOR)).is_empty());
        assert!(missing(None).is_empty());
        let all = ChatPermission::NEEDED
            .into_iter()
            .fold(Permissions::empty(), |acc, p| acc | p.bit());
        assert!(missing(Some(all)).is_empty());
        let text = refusal(Locale::EnUs, &missing(Some(has)));
        assert!(
            text.contains("Create Public Threads, Send Messages in Threads"),
            "{text}"
        );
    }
}
