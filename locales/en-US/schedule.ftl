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
cmd-scaling-schedule-description = Show a service's scaling schedule: its entries, the one in force now, and the baseline
cmd-scaling-schedule-service-name = service
cmd-scaling-schedule-service-description = Service alias, name or id
console-help-scaling-schedule = the scaling schedule (beta): entries, the one in force now, the baseline
schedule-header = **`{ $name }`** (`{ $id }`): scaling schedule
schedule-none = No scaling schedule is set on this service: the baseline applies at all times.
schedule-not-enabled = Scaling schedules (beta) are not enabled for this organization; ClickHouse support can turn them on.
schedule-read-error = Could not read the scaling schedule: { $error }
schedule-active-marker = ← in force now
schedule-none-active = No entry is in force now.
schedule-baseline = Outside the entries (baseline): { $settings }

## A ClickPipe in a reminder's check that the bot could not understand.
reminder-pipe-not-understood = not understood by the bot (see the log)
