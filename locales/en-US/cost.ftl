## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

## Money (estimates): src/scaling/cost.rs prices, src/i18n.rs `money` formats the number.
# An amount; $amount is already grouped for the language (1,008.50).
money = ${ $amount }
# A cost increase with its money: "cost x4.0: +$0.60/h (…)".
risk-cost-money = { $risk }: { $money }
cost-hourly-more = +{ $hourly }/h, ≈ { $daily } a day, ≈ { $monthly } a month if left on
cost-hourly-less = −{ $hourly }/h, ≈ { $daily } a day, ≈ { $monthly } a month saved
cost-no-rate-cdc = no money estimate: no DB ClickPipes compute rate is configured (`cost.cdc_unit_hour`)
cost-no-tier = no money estimate: the organization's tier is not configured (`cost.organization_tier`)
cost-no-rate-service = no money estimate: no service compute rate is configured for tier `{ $tier }` in { $provider } { $region } (`cost.service_rates`)
cost-estimate-note = Amounts are estimates at the configured rates (public list prices unless your contract's are set).
# In the after-snapshot reminder, its repeats and the escalation.
reminder-cost = So far it has cost { $so_far } beyond the previous size ({ $hourly } an hour more).
episode-resource-cdc = DB ClickPipes compute
episode-resource-service = service compute
episode-open = `{ $service }` { $resource }: scaled up since { $since } ({ $duration }), { $hourly } an hour more, { $cost } beyond the previous size so far
episode-closed = `{ $service }` { $resource }: scaled up from { $since } to { $until } ({ $duration }), { $cost } beyond the previous size
episodes-title = Scale-ups and what they cost beyond the previous size:
status-extra-cost = Extra cost now: { $hourly } an hour since { $since } ({ $resource }), { $cost } so far.

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

## Weekly digest (src/ops/digest.rs, `/scaling-digest`)
digest-title = **Weekly scaling digest**, { $from } – { $to } UTC
digest-still-up = Still scaled up:
digest-still-up-none = nothing
digest-week-cost = Scale-ups this week, { $total } beyond the previous sizes:
digest-week-cost-none = none
digest-week-item = `{ $service }` { $resource }: { $cost } this week (scaled up for { $duration } in all)
digest-kept = Kept on purpose:
digest-kept-none = nothing
digest-kept-item = `{ $service }` { $op }, kept by { $who } on { $at }: “{ $reason }”
digest-kept-no-reason = no reason given
digest-unanswered = Unanswered:
digest-unanswered-none = nothing
digest-unanswered-item = `{ $service }` { $op }: { $reminders ->
    [one] 1 reminder
   *[other] { $reminders } reminders
} without an answer, { $escalations ->
    [one] 1 escalation
   *[other] { $escalations } escalations
}
digest-more = … and { $count } more
digest-unavailable = The digest is not available: the store could not be read (the reason is in the bot's log).
cmd-scaling-digest-name = scaling-digest
cmd-scaling-digest-description = The weekly digest of the last 7 days: scale-ups, their cost, Keep reasons, unanswered reminders
console-help-scaling-digest = the weekly digest for the last 7 days, now
