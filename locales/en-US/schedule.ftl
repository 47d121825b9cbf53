## Scaling schedules (/scaling-schedule) and waking idle services.

## Waking an idle service (Wake and continue).
button-wake = Wake and continue
started-wake = The service is idle: press **{ button-wake }** on the status message in this channel to wake it and carry on. Follow-ups go to the thread on that message.
stage-wake = The service is idle; waiting for someone to wake it.
stage-waking = Waking the service…
wake-prompt = `{ $service }` is idle, and its ClickPipes settings can be read and changed only while it runs. Press **{ button-wake }** to wake it (it runs, and is billed, until it idles again); I then carry on with this change here. Or **{ button-cancel }**. Within { $timeout }.
wake-requested = { $name } asked to wake the service. Waiting until it runs…
woke = The service runs. Carrying on: { $summary }.
wake-timed-out = The service did not report running within { $waited } of the wake request (last state { $state }). Nothing was changed; try again when it runs.
resumed-wake = ↻ clickscale restarted; picking this up again: the service is idle, waiting for someone to wake it.
resumed-waking = ↻ clickscale restarted; picking this up again: waiting until the service runs.
outcome-applies-on-wake = ✅ Recorded; it applies when the service wakes.
detail-applies-on-wake = ✅ The API shows the change ({ $seen }, { $took } after the request). The service is idle, so it takes effect when the service wakes (at its next query, or a wake from the Cloud console).
console-summary-applies-on-wake = { $n } applying when the service wakes
scaling-in-flight-awaiting-wake = — waits for a wake: press **{ button-wake }** on its status message
scaling-in-flight-waking = — waking the service, then it carries on

## Cloud API operations used for schedules.
cloud-op-get-scaling-schedule = get the scaling schedule

## Scaling schedules in /scaling-status and after a baseline change.
weekday = { $day ->
    [0] Sun
    [1] Mon
    [2] Tue
    [3] Wed
    [4] Thu
    [5] Fri
    [6] Sat
   *[other] ?
}
scaling-effective = In force now (schedule entry `{ $entry }`, until { $until } UTC): replicas { $replicas }; memory { $memory }. The lines above are the baseline.
scaling-schedule = Scaling schedule: { $entries }
scaling-schedule-entry = `{ $name }` { $days } { $start }–{ $end } UTC
schedule-holds = A scaling schedule entry (`{ $entry }`) is in force until { $until } UTC: until then the service runs with the entry's configuration, and this baseline applies after it ends.

## Entries of a list answer the bot could not understand (one note per listing).
listing-skipped-services = { $n ->
    [one] One service in the organization's list could not be understood and was left out (the log names it).
   *[other] { $n } services in the organization's list could not be understood and were left out (the log names them).
}
listing-skipped-pipes = { $n ->
    [one] One more ClickPipe could not be understood and is not shown (the log names it).
   *[other] { $n } more ClickPipes could not be understood and are not shown (the log names them).
}

## /scaling-schedule
cmd-scaling-schedule-name = scaling-schedule
cmd-scaling-schedule-description = Show a service's scaling schedule, or add, replace, remove or clear its entries
cmd-scaling-schedule-service-name = service
cmd-scaling-schedule-service-description = Service alias, name or id
console-help-scaling-schedule = the scaling schedule (beta): entries, the one in force now, the baseline; with action:set, remove or clear, changes it
schedule-header = **`{ $name }`** (`{ $id }`): scaling schedule
schedule-none = No scaling schedule is set on this service: the baseline applies at all times.
schedule-not-enabled = Scaling schedules (beta) are not enabled for this organization; ClickHouse support can turn them on.
schedule-read-error = Could not read the scaling schedule: { $error }
schedule-active-marker = ← in force now
schedule-none-active = No entry is in force now.
schedule-baseline = Outside the entries (baseline): { $settings }

## A ClickPipe in a reminder's check that the bot could not understand.
reminder-pipe-not-understood = not understood by the bot (see the log)

## /scaling-schedule changes (action:set, remove, clear)
cmd-scaling-schedule-action-name = action
cmd-scaling-schedule-action-description = show (default), set (add or replace an entry), remove (one entry) or clear
cmd-scaling-schedule-name-name = name
cmd-scaling-schedule-name-description = Entry name (set, remove)
cmd-scaling-schedule-days-name = days
cmd-scaling-schedule-days-description = Weekdays in UTC, e.g. mon-fri, sat,sun, daily
cmd-scaling-schedule-start-hour-name = start-hour
cmd-scaling-schedule-start-hour-description = UTC hour the entry starts (0-23)
cmd-scaling-schedule-end-hour-name = end-hour
cmd-scaling-schedule-end-hour-description = UTC hour the entry ends, exclusive (1-24; below start-hour: overnight)
cmd-scaling-schedule-mode-name = mode
cmd-scaling-schedule-mode-description = Autoscaling mode in the entry: vertical (fixed count) or horizontal (range)
cmd-scaling-schedule-count-name = count
cmd-scaling-schedule-count-description = Fixed number of replicas in the entry (vertical mode)
cmd-scaling-schedule-min-replicas-name = min-replicas
cmd-scaling-schedule-min-replicas-description = Fewest replicas in the entry (horizontal mode)
cmd-scaling-schedule-max-replicas-name = max-replicas
cmd-scaling-schedule-max-replicas-description = Most replicas in the entry (horizontal mode)
cmd-scaling-schedule-min-memory-gb-name = min-memory-gb
cmd-scaling-schedule-min-memory-gb-description = Minimum memory per replica in GB in the entry (multiple of 4, at least 8)
cmd-scaling-schedule-max-memory-gb-name = max-memory-gb
cmd-scaling-schedule-max-memory-gb-description = Maximum memory per replica in GB in the entry (multiple of 4, at least 8)
cmd-scaling-schedule-idle-name = idle
cmd-scaling-schedule-idle-description = Let the service idle during the entry
console-help-schedule-action = show (default), set (add or replace the entry `name`), remove (the entry `name`) or clear (every entry)
console-help-schedule-name = the entry's name, up to 64 characters
console-help-schedule-days = weekdays in UTC: mon-fri, sat,sun, fri-mon, daily, weekdays, weekends or 0-6 (0 = Sunday)
console-help-schedule-start-hour = UTC hour the entry starts
console-help-schedule-end-hour = UTC hour the entry ends (exclusive; below start-hour: the window runs overnight)
console-help-schedule-mode = vertical (default: a fixed count) or horizontal (min-replicas to max-replicas at one memory size)
console-help-schedule-count = fixed replica count during the entry (vertical)
console-help-schedule-idle = let the service idle during the entry (true or false)
cloud-op-post-scaling-schedule = replace the scaling schedule
schedule-entry-line = { $window }: { $settings }
schedule-none-short = no scaling schedule
value-no-schedule-entry = no entry `{ $name }`
risk-window-capacity-down = less capacity during a schedule window
risk-window-cost-up = cost x{ $factor } during the entry's window
schedule-rule-name-missing = give the entry's `name` (up to 64 characters)
schedule-rule-name-invalid = an entry name is 1 to { $max } characters without backticks, @ or line breaks (got { $got })
schedule-rule-days-missing = give `days`, the weekdays in UTC: e.g. mon-fri, sat,sun, daily, or numbers 0-6 (0 = Sunday)
schedule-rule-days-unreadable = `days`: { $got } is not a weekday; use mon, tue, wed, thu, fri, sat, sun, ranges like mon-fri, daily, weekdays, weekends, or numbers 0-6 (0 = Sunday)
schedule-rule-hours-missing = give `start-hour` (0-23) and `end-hour` (1-24, exclusive), in UTC; an end below the start runs overnight
schedule-rule-start-hour = `start-hour` must be a UTC hour from 0 to 23 (got { $got })
schedule-rule-end-hour = `end-hour` must be a UTC hour from 1 to 24, exclusive (24 = midnight; got { $got })
schedule-rule-same-hours = `start-hour` and `end-hour` are both { $hour }: the window would be empty; an end below the start runs overnight
schedule-rule-nothing-set = the entry sets nothing: give `count` (vertical), `mode:horizontal` with `min-replicas` and `max-replicas`, memory bounds, or `idle`
schedule-rule-memory-pair = give both `min-memory-gb` and `max-memory-gb` (multiples of 4, at least 8), or neither to keep the baseline's memory
schedule-rule-horizontal-incomplete = a horizontal entry needs `min-replicas`, `max-replicas` and one memory size (`min-memory-gb` equal to `max-memory-gb`)
schedule-rule-range-in-vertical = `min-replicas`/`max-replicas` are for a horizontal entry: add `mode:horizontal`, or give `count` for a fixed replica count
schedule-rule-count-in-horizontal = a horizontal entry scales between `min-replicas` and `max-replicas`, not a fixed `count` (got { $got })
schedule-rule-overlap = this window overlaps the entry `{ $other }` ({ $day } { $hour } UTC is in both); change the hours or days, or replace `{ $other }` by giving its name
schedule-rule-no-entries = the service has no scaling schedule, so there is no entry `{ $name }` to remove
schedule-rule-no-such-entry = the schedule has no entry `{ $name }`; its entries are { $known }
schedule-rule-unreadable = the schedule's entry `{ $name }` could not be understood by the bot, and a change replaces the whole schedule, so it would be lost; change the schedule in the Cloud console instead
schedule-rule-not-for-action = `action:{ $action }` takes no { $options }; to add or replace an entry use `action:set`
