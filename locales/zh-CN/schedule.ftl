## Scaling schedules (/scaling-schedule) and waking idle services.
