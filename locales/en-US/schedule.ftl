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
