## When the bot's own database (SQLite or PostgreSQL) does not answer.

# Before anything was sent: the request is refused, nothing changed.
store-unavailable = The bot could not record this request (its database is unavailable), so nothing was sent. Try again in a minute.
store-lost-before-send = The bot could not record who owns this change (its database is unavailable), so nothing was sent.
# After the change was sent: the watch goes on; the outcome is recorded later.
store-down-after-send = ⚠️ The bot's database does not answer right now. The change was sent already, so I keep watching it and post here as usual; what happens is recorded once the database is back.
# The outcome is known (below) but could not be recorded yet.
store-down-at-outcome = ⚠️ The bot's database does not answer right now. The outcome follows; it is recorded once the database is back.
store-back = The bot's database answers again: the outcome above is recorded.
