## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

## Money (estimates): src/scaling/cost.rs prices, src/i18n.rs `money` formats the number.
# An amount; $amount is already grouped for the language (1 008,50).
money = { $amount } $
# A cost increase with its money: "cost x4.0: +$0.60/h (…)".
risk-cost-money = { $risk }: { $money }
cost-hourly-more = +{ $hourly } в час, ≈ { $daily } в день, ≈ { $monthly } в месяц, если оставить так
cost-hourly-less = −{ $hourly } в час, ≈ { $daily } в день, ≈ { $monthly } экономии в месяц
cost-no-rate-cdc = без оценки в деньгах: тариф на вычисления DB ClickPipes не настроен (`cost.cdc_unit_hour`)
cost-no-tier = без оценки в деньгах: не указан тарифный план организации (`cost.organization_tier`)
cost-no-rate-service = без оценки в деньгах: не настроен тариф на вычисления сервиса для плана `{ $tier }` в { $provider } { $region } (`cost.service_rates`)
cost-estimate-note = Суммы — оценки по настроенным тарифам (публичные цены, если не заданы цены вашего договора).
# In the after-snapshot reminder, its repeats and the escalation.
reminder-cost = Сверх прежнего размера это уже стоило { $so_far } (на { $hourly } в час больше).
episode-resource-cdc = вычисления DB ClickPipes
episode-resource-service = вычисления сервиса
episode-open = `{ $service }`, { $resource }: увеличено с { $since } ({ $duration }), на { $hourly } в час больше, сверх прежнего размера уже { $cost }
episode-closed = `{ $service }`, { $resource }: увеличено с { $since } по { $until } ({ $duration }), { $cost } сверх прежнего размера
episodes-title = Увеличения мощности и их стоимость сверх прежнего размера:
status-extra-cost = Дополнительные расходы сейчас: { $hourly } в час с { $since } ({ $resource }), уже { $cost }.
