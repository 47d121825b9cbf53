## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

## Chart
chart-title = { $service }: scaling over the last { $days ->
    [one] day
   *[other] { $days } days
}
chart-legend-scaled-up = scaled up
chart-panel-cdc = CDC cores (DB ClickPipes)
chart-panel-replicas = Replicas
chart-panel-memory = Memory per replica, GB (min–max)
chart-panel-events = Events
chart-marker-request = Requests
chart-marker-confirmation = Confirmed
chart-marker-reminder = Reminders
chart-marker-answer = Answers
chart-marker-escalation = Escalations
chart-marker-not-applied = Not applied
chart-no-data = no value reported in this period
chart-episode-cost = { $duration }, { $cost }
chart-footer = Times UTC, { $from } – { $to }. From the audit log ({ $entries } entries); values as the API reported them.
chart-truncated = Only the newest entries of the period are drawn.
chart-days-needs-service = `days:` sets the period of a service's chart: give `service:` too.
chart-days-out-of-range = `days:{ $days }` is not allowed: the chart covers 1 to { $max } days (7 when not given).
chart-failed = The chart could not be drawn (an internal error; it is in the bot's log).
cmd-scaling-history-days-name = days
cmd-scaling-history-days-description = Days the chart of the service covers (1-31, default 7)
console-help-history-days = days the service's chart covers (1-31, default 7)
console-chart-written = Chart of the last { $days ->
    [one] day
   *[other] { $days } days
} written to { $path }
console-chart-not-written = The chart could not be written to { $path }: { $error }
chart-not-sent = Discord did not accept the chart as an attachment, so it is not shown; the history above is complete.
