## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.
