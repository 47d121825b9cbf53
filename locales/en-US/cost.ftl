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
