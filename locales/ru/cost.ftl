## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

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
