## Getting messages to people when Discord fails: permissions, private fallbacks, retries.

# Why a line could not be posted where it belongs.
undeliverable-permission = the bot is no longer allowed to post there
undeliverable-gone = the thread or channel was deleted
undeliverable-locked = the thread is archived and locked
undeliverable-refused = Discord refused the message
undeliverable-no-thread = the status message or its thread could not be posted in the channel
# The first private follow-up of an operation whose thread refuses posts: why, and where the rest goes.
delivery-private-first = #{ $op }: I cannot post in its thread: { $why }. Its updates come to you here, privately, for as long as Discord lets me answer this command (15 minutes); after that they go to the audit log (`/scaling-history`, `clickscale audit`).
    { $line }
# Every later private follow-up of that operation.
delivery-private = #{ $op }: { $line }
# /scaling-history: a line that could neither be posted nor sent privately.
action-undelivered = not delivered
# An unknown service: the nearest known names, and every known name when there are few.
unknown-service-closest = Did you mean { $names }?
unknown-service-listed = Known services: { $names }.
