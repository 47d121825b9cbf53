# clickscale: every text the bot and the console show, in English (the reference language).
#
# Translators: copy this file to locales/<tag>/clickscale.ftl and translate the text after
# each `=`. Keep every `{ $variable }` (you may move it), keep text in `backticks`, command
# names such as /scaling-status, option names such as min-memory-gb, `requestId`, GB, HTTP
# codes and environment variable names as they are. Use `{ $n -> [one] ... *[other] ... }`
# for words that depend on a count. Lines starting with # are comments for you.

## Shared pieces

list-separator = {", "}
list-and = { $rest } and { $last }
list-or = { $rest } or { $last }

## Discord slash commands (names: lowercase, letters, digits, - or _, at most 32 characters)

cmd-cdc-scale-name = cdc-scale
cmd-cdc-scale-description = Scale the CDC compute shared by a service's DB ClickPipes (whole cores, 4 GB memory per core)
cmd-cdc-scale-service-name = service
cmd-cdc-scale-service-description = Service alias, name or id
cmd-cdc-scale-cores-name = cores
cmd-cdc-scale-cores-description = CPU cores for the CDC compute; memory follows at 4 GB per core
cmd-replicas-name = replicas
cmd-replicas-description = Change a service's replica count and/or its per-replica memory bounds
cmd-replicas-service-name = service
cmd-replicas-service-description = Service alias, name or id
cmd-replicas-count-name = count
cmd-replicas-count-description = Number of replicas
cmd-replicas-min-memory-gb-name = min-memory-gb
cmd-replicas-min-memory-gb-description = Minimum memory per replica in GB (multiple of 4, at least 8)
cmd-replicas-max-memory-gb-name = max-memory-gb
cmd-replicas-max-memory-gb-description = Maximum memory per replica in GB (multiple of 4, at least 8)
cmd-idle-name = idle
cmd-idle-description = Turn automatic idling of a service on or off, and set its timeout
cmd-idle-service-name = service
cmd-idle-service-description = Service alias, name or id
cmd-idle-enabled-name = enabled
cmd-idle-enabled-description = Let the service idle (scale to zero) when unused
cmd-idle-timeout-minutes-name = timeout-minutes
cmd-idle-timeout-minutes-description = Minutes without queries before it idles (at least 5)
cmd-scaling-status-name = scaling-status
cmd-scaling-status-description = Show a service's scaling configuration, CDC compute and the operations in flight
cmd-scaling-status-service-name = service
cmd-scaling-status-service-description = Service alias, name or id

## Values as the API reports them (status messages and thread follow-ups)

# Appended to a description; `state` is the API's service state (running, idle, ...).
describe-state = , state { $state }
describe-idle-on-timeout = idling on, { $minutes } min timeout{ $state }
describe-idle-on = idling on{ $state }
describe-idle-off = idling off{ $state }
describe-replicas = { $count } { $count ->
    [one] replica
   *[other] replicas
}
describe-replicas-unknown = replicas unknown
# Appended after the replica count.
describe-memory = , { $min }–{ $max } GB per replica

## Values of a plan (`4 cores / 16 GB -> 8 cores / 32 GB`); `cores`, `count`, `min`, `max` are numbers

value-cdc = { $cores } { $cores ->
    [one] core
   *[other] cores
} / { $memory } GB
value-mode-vertical = vertical autoscaling
value-mode-horizontal = horizontal autoscaling
value-mode-other = autoscaling mode { $mode }
value-replicas = { $count } { $count ->
    [one] replica
   *[other] replicas
}
value-replica-range = { $min }–{ $max } replicas
value-memory = { $gb } GB per replica
value-memory-range = { $min }–{ $max } GB per replica
value-idle-on-timeout = idling on, { $minutes } min timeout
value-idle-on = idling on
# Idling is off and only its timeout (used once it is on again) changes.
value-idle-off-timeout = idling off, { $minutes } min timeout when on
value-idle-off = idling off
value-idle-unknown-timeout = idling unknown, { $minutes } min timeout
value-idle-unknown = idling unknown

## Durations (`s`, `ss`, `m`, `mm`, `h` are already padded: `05`)

duration-seconds = { $s }s
duration-minutes = { $m }m { $ss }s
duration-hours = { $h }h { $mm }m

## Plan summaries and confirmation reasons

plan-cdc = CDC compute: { $values }
plan-with-risks = { $changes } ({ $risks })
plan-change = { $from } -> { $to }
plan-already = already { $value }
plan-unknown-from = { $to } (currently unknown)
plan-no-change = no change
plan-no-change-already = no change, already { $values }
risk-capacity-down = capacity goes down
risk-cost-up = cost x{ $factor }
risk-idling-customer = turns on idling for a customer-facing service
risk-idling = turns on idling

## The status message of an operation

status = **/{ $command }** `{ $service }` { $id }: { $summary }
    Requested by { $actor }. { $stage }
stage-confirm = Waiting for confirmation.
stage-applying = Sending the change to ClickHouse Cloud…
stage-watching = Accepted; waiting for the API to report the new configuration (usually { $window }).
window-under = under { $duration }
outcome-confirmed = ✅ Confirmed after { $took }.
outcome-noop = Nothing to change.
outcome-timed-out = ⚠️ Not confirmed before the deadline.
outcome-failed = ❌ Failed.
outcome-superseded = Superseded by { $by }.
outcome-cancelled = Cancelled by { $actor }.
outcome-expired = Expired: nobody confirmed in time. Nothing was sent.

## Thread follow-ups and private answers of the engine

noop = `{ $service }` already has { $current }. Nothing was sent.
confirm-prompt = This change needs a confirmation ({ $reasons }). Press **{ button-confirm }** or **{ button-cancel }** within { $timeout }.
confirmed-by = Confirmed by { $name }.
accepted-with-id = The API accepted the change (request id `{ $request_id }`). Usually takes { $window }; I will post here when it shows.
accepted = The API accepted the change. Usually takes { $window }; I will post here when it shows.
supersedes = This request supersedes { $older }; the API converges on the latest target.
superseded = Superseded by { $by } (requested by { $actor }); the API converges on that newer target, so this thread stops here.
progress = Still waiting after { $elapsed } (usual: { $window }). I keep checking until { $deadline } have passed.
poll-trouble = Checking the service failed: { $message } I keep trying.
detail-confirmed = ✅ Confirmed: the API now reports { $seen } ({ $took } after the request).
detail-timed-out = ⚠️ Not confirmed after { $waited }. Last seen: { $seen }. The change may still be in progress: check { $place }, or run `/scaling-status`.
detail-nothing-seen = nothing (no successful read)
detail-check-cdc = the ClickPipes page of the service in the Cloud console
detail-check-service = the service's Settings > Scaling page in the Cloud console
detail-failed = ❌ { $message }
confirm-buttons-missing = Could not post the confirmation buttons, so nothing was sent.
confirm-collect-failed = The confirmation could not be collected ({ $error }); nothing was sent.
not-decider = Only the requester or a member of a confirmer role may decide on this change.
unknown-service = No service called `{ $typed }` in this organization. Use a service name or id (autocomplete lists them).
unknown-service-aliases = No service called `{ $typed }`. Configured aliases: { $aliases }; a service name or id from the organization works too.
denied = You are not allowed to run /{ $command } on `{ $service }` in this channel. Ask an admin to add a policy rule for one of your roles.
started = Started { $id }: `/{ $command }` on `{ $service }`: { $summary }. { $next }
started-confirm = It needs a confirmation: use the buttons on the status message in this channel. Follow-ups go to the thread on that message.
started-follow = Follow-ups go to the thread on the status message in this channel.

## Refused requests (scaling rules). `bound` is min or max.

# `got` below may be this: a number too large (small) to hold, as typed.
rule-got-or-more = { $n } or more
rule-got-or-less = { $n } or less
rule-cores = { $hint ->
    [yes] cores must be a whole number from 1 to { $max } (got { $got }); the limit is configurable up to { $spec_max }
   *[no] cores must be a whole number from 1 to { $max } (got { $got })
}
rule-replicas = { $primary ->
    [yes] replicas must be a whole number from { $min } to { $max } for the primary service of a warehouse (got { $got })
   *[no] replicas must be a whole number from { $min } to { $max } (got { $got })
}
rule-memory-allowed = a multiple of 4 from { $mem_min } to { $max } GB per replica
# Appended to rule-memory-given and rule-memory-current when the organization caps memory.
rule-memory-cap = ; { $max } GB is this organization's per-replica cap
rule-memory-given = { $bound ->
    [min] min memory
   *[max] max memory
} must be { $allowed } (got { $got }){ $cap }
rule-memory-current = the service's current { $bound ->
    [min] min memory
   *[max] max memory
} is { $got } GB, outside what is allowed ({ $allowed }){ $cap }; give { $bound ->
    [min] min memory
   *[max] max memory
} as well
rule-order-min = min memory must be from { $mem_min } to { $max } GB per replica, the service's current max memory (got { $min }); give max memory as well to go higher
rule-order-max = max memory must be from { $min } GB, the service's current min memory, to { $limit } GB per replica (got { $max }); give min memory as well to go lower
rule-order = min memory must not be above max memory: both must be multiples of 4 from { $mem_min } to { $limit } GB per replica with min ≤ max (got min { $min }, max { $max })
rule-memory-unknown = { $given ->
    [min] min memory was given alone, but the service reports no current max memory; give max memory as well
   *[max] max memory was given alone, but the service reports no current min memory; give min memory as well
} (multiples of 4 from { $mem_min } to { $limit } GB per replica, min ≤ max)
rule-fixed-horizontal = memory: this service uses horizontal autoscaling, where every replica has one fixed size, so min memory must equal max memory (got { $min }–{ $max } GB); give one size, a multiple of 4 from { $mem_min } to { $limit } GB
rule-fixed-profile = memory: profile { $profile } has no vertical autoscaling, so min memory must equal max memory (got { $min }–{ $max } GB); give one size, a multiple of 4 from { $mem_min } to { $limit } GB
rule-horizontal-count = replicas: a horizontal-mode service takes a min–max replica range, not a fixed count (got { $got }); give min-replicas and max-replicas (from 1 to { $max }), or mode:vertical to switch to a fixed count
rule-basic-tier = Basic-tier services run a single replica and cannot scale; upgrade to Scale or Enterprise (this service's tier is { $tier }; idling can still be changed)
rule-nothing-given = give at least one of count (from 1 to { $replicas_max }), min-replicas/max-replicas (horizontal mode), mode (vertical or horizontal) or min/max memory (multiples of 4 from { $mem_min } to { $memory_max } GB per replica)
rule-idle-timeout = idle timeout must be a whole number of minutes from { $min } to { $max }, i.e. up to one week (got { $got })
rule-timeout-idling-off = idle timeout only applies when idling is on (got { $got } with idling off); turn idling off without a timeout, or turn it on with a timeout from { $min } to { $max } minutes
rule-duration-unreadable = duration must be a length like 30m, 4h, 1h30m or 2d, from 1 minute to 30 days (got { $input })
rule-duration-range = duration must be from 1 minute to 30 days (got { $input })

## ClickHouse Cloud API errors. `rid` is cloud-request-id or nothing.

cloud-request-id = {" "}(request id { $id })
cloud-op-list-organizations = list organizations
cloud-op-get-organization = read the organization
cloud-op-list-services = list services
cloud-op-get-service = get service
cloud-op-update-replica-scaling = update replica scaling
cloud-op-get-cdc-scaling = get CDC scaling
cloud-op-update-cdc-scaling = update CDC scaling
cloud-op-list-clickpipes = list ClickPipes
cloud-op-get-clickpipe = get ClickPipe
cloud-op-change-service-state = change service state
cloud-timeout = Cannot reach the ClickHouse Cloud API at { $base_url } after { $attempts } { $attempts ->
    [one] attempt
   *[other] attempts
}: it did not answer in time. Try again later.
cloud-connect = Cannot reach the ClickHouse Cloud API at { $base_url } after { $attempts } { $attempts ->
    [one] attempt
   *[other] attempts
}: the connection failed. Try again later.
cloud-decode = The ClickHouse Cloud API sent an answer to "{ $op }" that clickscale cannot read{ $rid }. The API may have changed; please report this.
cloud-config = clickscale cannot call the Cloud API: { $message }.
cloud-400 = The API rejected the request: { $message }{ $rid }
cloud-401 = The ClickHouse Cloud API rejected the API key (check CLICKHOUSE_KEY_ID / CLICKHOUSE_KEY_SECRET){ $rid }.
cloud-403-permission = The API key is missing the permission `{ $permission }` on this service, needed to { $op }{ $rid }.
cloud-403 = The API key is not allowed to { $op }{ $rid }: check its role.
cloud-404-cdc = No CDC compute found: either the service is unknown or no DB ClickPipe has been provisioned on this service yet{ $rid }.
cloud-404-clickpipe = Unknown ClickPipe or service{ $rid }.
cloud-404-organization = Unknown organization{ $rid }.
cloud-404 = Unknown service: check the service id or alias{ $rid }.
cloud-409 = The service is busy with another change: { $message }{ $rid }. Try again in a few minutes.
cloud-424-idle = The service is idle, and ClickPipes calls need it running. It can be woken (awake), then the command retried{ $rid }.
cloud-424 = The service is not running, and { $op } needs it running: { $message }{ $rid }.
cloud-429 = The ClickHouse Cloud API is rate limiting this API key (still after { $attempts } { $attempts ->
    [one] attempt
   *[other] attempts
}){ $rid }. Try again in a minute.
cloud-5xx = The ClickHouse Cloud API failed (HTTP { $status }) after { $attempts } { $attempts ->
    [one] attempt
   *[other] attempts
}{ $rid }. Try again later.
cloud-other = The ClickHouse Cloud API answered HTTP { $status }: { $message }{ $rid }.

## /scaling-status

scaling-header = **`{ $name }`** (`{ $id }`){ $state }
scaling-config-error = Configuration: could not read it: { $error }
scaling-cdc = CDC compute: { $cdc }
scaling-cdc-idle = not readable while the service is idle (ClickPipes calls need it running)
scaling-cdc-none = none: no DB ClickPipe has been set up on this service yet
scaling-read-error = could not read it: { $error }
scaling-pipes = DB ClickPipes: { $pipes }
scaling-pipe-state-unknown = state unknown
scaling-pipes-error = DB ClickPipes: could not read them: { $error }
scaling-in-flight-none = In flight: nothing.
scaling-in-flight = In flight:
scaling-in-flight-op = - { $id } `/{ $command }` by { $actor }: { $summary } (started { $ago } ago)
scaling-replicas-horizontal = { $min }–{ $max } (horizontal autoscaling)
scaling-unknown = unknown
scaling-memory = { $gb } GB per replica
scaling-memory-range = { $min }–{ $max } GB per replica
scaling-replicas-memory = Replicas: { $replicas }; memory: { $memory }
scaling-idle-on-timeout = on, { $minutes } min timeout
scaling-idle-on = on
scaling-idle-off = off
scaling-idling = Idling: { $idle }

## Discord: buttons and errors

button-confirm = Confirm
button-cancel = Cancel
buttons-expired = These buttons have expired: this change is no longer waiting for a decision.
buttons-already-decided = Someone else decided on this change a moment ago.
error-internal = Something went wrong on my side; nothing was changed. If it happens again, give an admin this reference: `{ $reference }`.
error-unreadable-option = I could not read one of the options of this command. Check the values and try again (reference `{ $reference }`).
error-outdated-command = This command does not match the version of the bot that is running (the command list may still be updating). Try again in a minute (reference `{ $reference }`).
error-guild-only = This command works in a server channel only, not in direct messages.

## Console (`clickscale console`)

console-banner-sim =
    clickscale console: simulated ClickHouse Cloud at { $url } (org { $org }). You are { $name } ({ $roles }).
    Services: { $services }
    Try: /replicas service:analytics-staging count:4
console-banner-api =
    clickscale console: ClickHouse Cloud API at { $url } (org { $org }). You are { $name } ({ $roles }).
    Services: { $services }
    Try: /scaling-status service:<name>
console-no-roles = no roles
console-roles = roles { $roles }
console-services-any = any service name or id of the organization
console-services-aliases = { $aliases } (or any service name or id)
console-interactive-hint = Type `help` for the commands, `quit` or Ctrl-D to leave.
console-interrupted = Interrupted: no more input is read.
console-read-failed = error: reading input failed: { $error }
console-parse-error = error: { $error } Nothing was sent.
console-refused = refused: { $reason } Nothing was sent.
console-refused-status = refused: { $reason }
console-buttons = { $row }   (type a label or number)
console-edited = edited
console-earlier-message = { $n } of an earlier run
console-no-buttons = No buttons are waiting, so `{ $choice }` does nothing. Buttons appear when a change needs a confirmation.
console-no-such-button = has no button { $choice }: { $row }
console-click-refused = (only you see this) { $reason } The buttons are still waiting.
console-click-expired = The buttons expired before your click arrived.
console-unanswered = No more input: { $n } unanswered { $n ->
    [one] confirmation expires now; nothing is sent for it.
   *[other] confirmations expire now; nothing is sent for them.
}
console-waiting = Waiting for { $n } { $n ->
    [one] operation
   *[other] operations
} in flight to settle (Ctrl-C to leave now)…
console-leaving = Leaving with { $n } { $n ->
    [one] operation
   *[other] operations
} in flight: a change already accepted still happens in ClickHouse Cloud; check it with /scaling-status.
console-summary = Summary: { $parts }.
console-summary-nothing = Summary: nothing was run.
console-summary-confirmed = { $n } confirmed
console-summary-noop = { $n } no-op
console-summary-cancelled = { $n } cancelled
console-summary-expired = { $n } expired
console-summary-superseded = { $n } superseded
console-summary-timed-out = { $n } timed out
console-summary-unknown = { $n } with unknown outcome
console-summary-failed = { $n } failed
console-summary-refused = { $n } refused
console-summary-invalid = { $n } invalid { $n ->
    [one] input
   *[other] inputs
}

## Follow-ups: revert options, reminders, timed reverts, history

cmd-cdc-scale-revert-name = revert
cmd-cdc-scale-revert-description = When to scale back: after-snapshot (default when scaling up), a duration like 4h, or never
cmd-cdc-scale-for-name = for
cmd-cdc-scale-for-description = Scale back after this long, e.g. 4h (same as revert:4h)
cmd-cdc-scale-reason-name = reason
cmd-cdc-scale-reason-description = Why it stays scaled up (required with revert:never; recorded in the audit log)
cmd-replicas-for-name = for
cmd-replicas-for-description = Restore the previous values after this long, e.g. 4h (5m to 7d)
cmd-scaling-history-name = scaling-history
cmd-scaling-history-description = Show recent scaling requests, outcomes, reminders and acknowledgements
cmd-scaling-history-service-name = service
cmd-scaling-history-service-description = Only this service (alias, name or id)

followup-bad-revert = `revert:` takes `after-snapshot`, `never`, or a duration such as `4h` (5m to 7d); got `{ $input }`.
followup-bad-duration = `for:` takes a duration such as `30m`, `4h` or `2d` (5m to 7d); got `{ $input }`.
followup-both = Use either `revert:` or `for:`, not both (`for:4h` means the same as `revert:4h`).
followup-never-without-reason = `revert:never` needs `reason:` (it is recorded in the audit log), e.g. `reason:backfill runs all week`.
followup-reason-without-never = `reason:` goes with `revert:never`; leave it out otherwise.
followup-after-snapshot-not-up = `revert:after-snapshot` only applies when CDC scales up; this change does not. Use `revert:<duration>` or leave it out.
followup-not-supported = /{ $command } does not take `revert:` or `for:`.

resumed-confirm = ↻ clickscale restarted; picking this up again: waiting for the confirmation.
resumed-apply = ↻ clickscale restarted; picking this up again: sending the change again (it sets absolute values, so repeating it is safe).
resumed-watch = ↻ clickscale restarted; picking this up again: watching for the new configuration.

target-replicas = { $n } { $n ->
    [one] replica
   *[other] replicas
}
target-memory-range = { $min }–{ $max } GB per replica
target-memory-min = at least { $min } GB per replica
target-memory-max = at most { $max } GB per replica
target-idle-on-timeout = idling on, { $minutes } min timeout
target-idle-on = idling on
target-idle-off = idling off
target-idle-timeout = { $minutes } min idle timeout

kept-on-request = Kept on purpose (`revert:never`): “{ $reason }”. No scale-down reminder; the reason is in the audit log.
followup-failed = ⚠️ I could not schedule the scale-down reminder (database unavailable). Please scale down by hand when done.
after-snapshot-scheduled = After the snapshot: I check the DB ClickPipes of `{ $service }` every { $every } and will ask on-call to scale back to { $restore } once none is in Provisioning, Setup, Snapshot or Resync.
timed-scheduled = Timed change: I will restore { $restore } at { $until } (warning { $warning } before).
pipe-finished = `{ $name }` ({ $state })
pipe-loading = `{ $name }` is in { $state }
no-db-pipes = no DB ClickPipes
reminder-again = Reminder:{" "}
snapshot-done = { $again }The initial load on `{ $service }` has finished: { $pipes }. CDC is still scaled up to { $current } (for { $scaled_for }; it was { $restore }). Scale down now, snooze, or keep it with a reason.
escalation = Escalation: nobody answered for { $waited }. { $reminder }
escalation-elsewhere = Escalation: CDC on `{ $service }` is still scaled up after its initial load and nobody answered. See <#{ $thread }>.
timed-warning = The timed change on `{ $service }` ends in { $left }: then I restore { $restore }. Extend it by 1h, or revert now.
still-loading = Not scaling down: { $pipes }. I will ask again once the load has finished.
already-back = The service is already back at { $restore }; nothing left to restore. Closing this reminder.
scaling-down = { $who } asked to scale back to { $restore }: operation { $op } has its own thread.
auto-scaling-down = Nobody answered: scaling back to { $restore } automatically, as configured (operation { $op }).
reverting = Time is up: restoring { $restore } (operation { $op }).
snoozed = Snoozed for { $duration } by { $who }. I will check again then.
kept = { $who } keeps the current configuration: “{ $reason }”. No more reminders for this change.
extended = Extended by 1h by { $who }: now restoring at { $until }.
reminder-answered = ✔ answered
check-failed = Checking the ClickPipes failed: { $message } I will try again.
answer-busy = Someone is answering this reminder right now; try again in a few seconds.
answer-done = This reminder was answered already.
answer-gone = This reminder no longer exists.
answer-not-allowed = Only on-call, the requester or a confirmer may answer this reminder.
answer-db-error = The bot could not read this reminder (database unavailable); try again in a minute.
answer-internal = Something went wrong while answering; nothing changed. Try again in a minute.
keep-needs-reason = Keep needs a reason; it is recorded in the audit log.
timed-no-snooze = A timed change can be extended or reverted, not snoozed.
snapshot-no-extend = Use Snooze to be reminded later.
button-scale-down = Scale down now
button-snooze-1h = Snooze 1h
button-snooze-4h = Snooze 4h
button-keep = Keep…
button-extend = Extend 1h
button-revert-now = Revert now
keep-modal-title = Keep the current configuration
keep-modal-reason = Why? (goes to the audit log)

history-unavailable = The history is unavailable right now (database error); try again in a minute.
history-all = all services
history-empty = No scaling history for { $scope } yet.
history-title = **Scaling history** for { $scope } (newest first, times UTC):
history-line = `{ $when }`{ $op }{ $service } { $action } by { $actor }{ $request }{ $detail }
history-request = {" "}(request id `{ $id }`)
history-outcome-confirmed = confirmed
history-outcome-noop = nothing to change
history-outcome-timed-out = not confirmed in time
history-outcome-failed = failed
history-outcome-superseded = superseded
history-outcome-cancelled = cancelled
history-outcome-expired = expired
history-auto-scale-down = automatic scale-down after escalation
action-requested = requested
action-confirmed = confirmed
action-cancelled = cancelled
action-api_call = API call
action-outcome = outcome
action-reminder = reminder
action-escalated = escalated
action-acknowledged = acknowledged
action-kept = kept
action-snoozed = snoozed
action-extended = extended
action-reverted = reverted
console-no-reminder = No reminder is waiting for that answer, so it does nothing.
console-private = (only you see this) { $text }
console-timed-note = Note: the revert at the end runs only while clickscale runs on this database; if none runs then, it happens on the next start.
console-timed-note-sim = Note: the revert at the end runs only while this console runs (the --sim store ends with it; give --database-url to keep it).
console-clock-scaled = Demo clock: follow-ups run on the simulator’s clock, { $factor }× faster than yours (a `for:1h` or Snooze 1h lasts { $hour } here), and the times and durations they show are the simulator’s.
console-not-understood = Not understood: `{ $line }`. Commands start with a slash: { $commands }; also { $words }, or a button label ({ $buttons }) or number.
console-unknown-command = Unknown command `/{ $name }`. Commands: { $commands }; also { $words }, or a button label ({ $buttons }) or number.
console-reminder-hint = (type a label)
console-reminder-hint-keep = (type a label; { $keep } takes a reason: `{ $keep }: why`)
console-help-header = Commands (options are name:value; quote values with spaces in "double" or 'single' quotes; command and option names and keywords ignore case):
console-help-service = service alias, name or id
console-help-cdc-scale = DB ClickPipes (CDC) compute: whole cores, 4 GB memory per core
console-help-cores = CPU cores
console-help-revert = after-snapshot (default when scaling up), a duration like 4h, or never
console-help-reason = why it stays scaled up (required with revert:never)
console-help-replicas = replica count and per-replica memory bounds (give at least one)
console-help-count = number of replicas
console-help-min-memory = minimum memory per replica in GB (multiple of 4)
console-help-max-memory = maximum memory per replica in GB (multiple of 4)
console-help-idle = automatic idling on or off, and its timeout
console-help-enabled = true or false (also yes/no, on/off, any case)
console-help-timeout = minutes without queries before idling
console-help-scaling-status = configuration, CDC compute, DB ClickPipes and operations in flight
console-help-scaling-history = recent requests, outcomes, reminders and answers from the audit log
console-help-history-service = only this service
console-help-for = restore the previous values after this long, e.g. 4h (5m to 7d)
console-help-buttons = press a button on the newest message that has buttons
console-help-reminders = answer the newest reminder (labels in any language work)
console-help-help = this text
console-help-quit = leave once the operations in flight have settled (Ctrl-D too; Ctrl-C twice leaves at once)
console-reminders-dropped = { $n ->
    [one] 1 reminder is still open; it ends with this run (--sim keeps its store in memory; give --database-url to keep it).
   *[other] { $n } reminders are still open; they end with this run (--sim keeps its store in memory; give --database-url to keep them).
}
console-reminders-open = { $n ->
    [one] 1 reminder is still open; it carries on the next time clickscale runs on this database.
   *[other] { $n } reminders are still open; they carry on the next time clickscale runs on this database.
}
scaling-reminder-snapshot-watching = Follow-up of { $op }: scale-down reminder once the initial loads finish (next check in { $due }).
scaling-reminder-snapshot-posted = Follow-up of { $op }: scale-down reminder posted, waiting for on-call (next step in { $due }).
scaling-reminder-timed = Follow-up of { $op }: timed change, next step (warning or revert) in { $due }.

## Outcomes the bot cannot know for sure, joining, supersession by settings

outcome-unknown = ❔ Outcome unknown: the API never answered the change.
unanswered = No answer from the API to the change ({ $error }). It may or may not have reached ClickHouse Cloud, so this is not a failure: I keep watching what the API reports and settle on that.
unanswered-resent = The API answered the change when I sent it again (it sets absolute values, so repeating it is safe).
detail-unknown = ❔ Outcome unknown: the API never answered the change, and after { $waited } it reports { $seen }, not the target. Check { $place }, or run `/scaling-status`, before asking again.
already-in-flight = The same change is already in flight as { $id } (asked by { $actor }); nothing was sent again. Its follow-ups go to its thread.
attention-no-auto = Not scaling down automatically: { $pipes }. A failed or degraded pipe needs a person to decide; please look at the pipes, then answer here.
reminder-replaced = ↪ superseded by a newer post below
reminder-automatic = ⚙ settled automatically (nobody answered)

## Console: what is wrong with a command's options (the option list follows each)
console-option-problem = { $problem } Options of /{ $command }: { $options }.
console-option-required = { $name } (required, { $kind })
console-option-optional = { $name } ({ $kind })
console-kind-text = text
console-kind-integer = integer
console-kind-boolean = true/false
console-option-not-an-option = `{ $name }` is not an option: write options as name:value (e.g. service:analytics-prod).
console-option-no-name = An option has no name before its colon.
console-option-no-closing-quote = The value of `{ $option }` has no closing quote.
console-option-space-after-quote = Put a space after the closing quote of `{ $option }`.
console-option-needs-value = `{ $option }` needs a value.
console-option-not-whole-number = `{ $option }` must be a whole number, not `{ $value }`.
console-option-not-boolean = `{ $option }` must be true or false (also yes/no, on/off), not `{ $value }`.
console-option-unknown = /{ $command } has no option `{ $name }`.
console-option-given-twice = `{ $option }` is given twice.
console-option-missing = /{ $command } needs { $options }.
console-option-nothing-to-change = Give at least one of { $options }: there is nothing to change otherwise.

## Horizontal autoscaling (/replicas min-replicas, max-replicas, mode)
cmd-replicas-min-replicas-name = min-replicas
cmd-replicas-min-replicas-description = Fewest replicas in horizontal mode
cmd-replicas-max-replicas-name = max-replicas
cmd-replicas-max-replicas-description = Most replicas in horizontal mode
cmd-replicas-mode-name = mode
cmd-replicas-mode-description = Autoscaling mode: vertical (fixed count) or horizontal (replica range)
console-help-min-replicas = fewest replicas (horizontal mode)
console-help-max-replicas = most replicas (horizontal mode)
console-help-mode = vertical or horizontal
console-option-not-one-of = `{ $option }` must be one of { $allowed }, not `{ $value }`.
rule-replica-bound = { $bound ->
    [min] min-replicas
   *[max] max-replicas
} must be a whole number from { $min } to { $max } (got { $got })
rule-replica-order = min-replicas must not be above max-replicas: both from 1 to { $limit }, min ≤ max (got min { $min }, max { $max })
rule-replica-range-unknown = { $given ->
    [min] min-replicas was given alone, but the service reports no max replicas; give max-replicas as well
   *[max] max-replicas was given alone, but the service reports no min replicas; give min-replicas as well
} (from 1 to { $limit })
rule-count-with-range = count is a fixed replica count (vertical mode) and cannot go with min-replicas/max-replicas (horizontal mode); give one or the other (from 1 to { $max })
rule-range-in-vertical = min-replicas/max-replicas apply in horizontal mode only and this service is (or is switching to) vertical mode; add mode:horizontal, or give count (from 1 to { $max })

## Read scheduler: when the API budget, not the API, makes a confirmation slower

budget-slower = { $watched ->
    [one] 1 service is
   *[other] { $watched } services are
} being watched on this API key, and its budget ({ $requests } requests per { $window }, shared with every tool that uses the key) lets each be read only about once every { $round }. The confirmation may come up to { $round } after ClickHouse Cloud shows the change: the budget, not the API, is what makes it slower.
## Discord as it fails (issue 14): the bot's permissions in the channel

chat-permissions-missing = I cannot report on this change in this channel, so nothing was sent: I lack { $missing } here. Ask a server admin to grant the bot these permissions in this channel (or use a channel where it has them).
permission-view-channel = View Channel
permission-send-messages = Send Messages
permission-create-public-threads = Create Public Threads
permission-send-messages-in-threads = Send Messages in Threads
