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

## Chart
chart-title = { $service }: масштабирование за { $days ->
    [one] последний { $days } день
    [few] последние { $days } дня
   *[many] последние { $days } дней
}
chart-legend-scaled-up = увеличено
chart-panel-cdc = Ядра CDC (DB ClickPipes)
chart-panel-replicas = Реплики
chart-panel-memory = Память на реплику, ГБ (мин.–макс.)
chart-panel-events = События
chart-marker-request = Запросы
chart-marker-confirmation = Подтверждено
chart-marker-reminder = Напоминания
chart-marker-answer = Ответы
chart-marker-escalation = Эскалации
chart-marker-not-applied = Не применено
chart-no-data = за этот период значений нет
chart-episode-cost = { $duration }, { $cost }
chart-footer = Время UTC, { $from } – { $to }. По журналу аудита (записей: { $entries }); значения — как их сообщил API.
chart-truncated = Показаны только последние записи периода.
chart-days-needs-service = `days:` задаёт период графика сервиса: укажите и `service:`.
chart-days-out-of-range = `days:{ $days }` недопустимо: график охватывает от 1 до { $max } дней (7, если не указано).
chart-failed = График не удалось построить (внутренняя ошибка; подробности в журнале бота).
cmd-scaling-history-days-name = дни
cmd-scaling-history-days-description = За сколько дней строить график сервиса (1–31, по умолчанию 7)
console-help-history-days = за сколько дней строить график сервиса (1–31, по умолчанию 7)
console-chart-written = График за { $days } дн. записан в { $path }
console-chart-not-written = Не удалось записать график в { $path }: { $error }
chart-not-sent = Discord не принял график как вложение, поэтому его здесь нет; история выше полная.

## Weekly digest (src/ops/digest.rs, `/scaling-digest`)
digest-title = **Недельная сводка масштабирования**, { $from } – { $to } UTC
digest-still-up = Всё ещё увеличено:
digest-still-up-none = ничего
digest-week-cost = Увеличения за неделю, { $total } сверх прежних размеров:
digest-week-cost-none = нет
digest-week-item = `{ $service }`, { $resource }: { $cost } за неделю (всего увеличено { $duration })
digest-kept = Оставлено намеренно:
digest-kept-none = ничего
digest-kept-item = `{ $service }` { $op }: оставил(а) { $who } { $at }: «{ $reason }»
digest-kept-no-reason = причина не указана
digest-unanswered = Без ответа:
digest-unanswered-none = ничего
digest-unanswered-item = `{ $service }` { $op }: { $reminders ->
    [one] { $reminders } напоминание
    [few] { $reminders } напоминания
   *[other] { $reminders } напоминаний
} без ответа, { $escalations ->
    [one] { $escalations } эскалация
    [few] { $escalations } эскалации
   *[other] { $escalations } эскалаций
}
digest-more = … и ещё { $count }
digest-unavailable = Сводка недоступна: не удалось прочитать хранилище (причина — в журнале бота).
cmd-scaling-digest-name = сводка-масштабирования
cmd-scaling-digest-description = Недельная сводка за 7 дней: увеличения, их стоимость, причины Keep, напоминания без ответа
console-help-scaling-digest = недельная сводка за последние 7 дней, сейчас
