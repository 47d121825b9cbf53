## Scaling schedules (/scaling-schedule) and waking idle services.

## Пробуждение простаивающего сервиса (Разбудить и продолжить).
button-wake = Разбудить и продолжить
started-wake = Сервис простаивает: нажмите **{ button-wake }** в статусном сообщении в этом канале, чтобы разбудить его и продолжить. Дальнейшие сообщения будут в ветке этого сообщения.
stage-wake = Сервис простаивает; жду, пока кто-нибудь его разбудит.
stage-waking = Бужу сервис…
wake-prompt = `{ $service }` простаивает, а его настройки ClickPipes можно читать и менять, только пока он работает. Нажмите **{ button-wake }**, чтобы разбудить его (он будет работать и тарифицироваться, пока снова не уйдёт в простой); затем я продолжу это изменение здесь. Или **{ button-cancel }**. В течение { $timeout }.
wake-requested = { $name } попросил(а) разбудить сервис. Жду, пока он заработает…
woke = Сервис работает. Продолжаю: { $summary }.
wake-timed-out = Сервис не перешёл в состояние running за { $waited } после запроса на пробуждение (последнее состояние { $state }). Ничего не изменено; повторите, когда он заработает.
resumed-wake = ↻ clickscale перезапущен; продолжаю: сервис простаивает, жду, пока кто-нибудь его разбудит.
resumed-waking = ↻ clickscale перезапущен; продолжаю: жду, пока сервис заработает.
outcome-applies-on-wake = ✅ Записано; применится, когда сервис проснётся.
detail-applies-on-wake = ✅ API показывает изменение ({ $seen }, через { $took } после запроса). Сервис простаивает, поэтому оно вступит в силу, когда сервис проснётся (при следующем запросе или после пробуждения из консоли Cloud).
console-summary-applies-on-wake = применится после пробуждения: { $n }
scaling-in-flight-awaiting-wake = — ждёт пробуждения сервиса: нажмите **{ button-wake }** на его сообщении о статусе
scaling-in-flight-waking = — сервис пробуждается, затем изменение продолжится

## Cloud API operations used for schedules.
cloud-op-get-scaling-schedule = получить расписание масштабирования

## Расписания масштабирования в /scaling-status и после изменения базовой конфигурации.
weekday = { $day ->
    [0] Вс
    [1] Пн
    [2] Вт
    [3] Ср
    [4] Чт
    [5] Пт
    [6] Сб
   *[other] ?
}
scaling-effective = Сейчас действует (запись расписания `{ $entry }`, до { $until } UTC): реплики { $replicas }; память { $memory }. Строки выше — базовая конфигурация.
scaling-schedule = Расписание масштабирования: { $entries }
scaling-schedule-entry = `{ $name }` { $days } { $start }–{ $end } UTC
schedule-holds = Действует запись расписания масштабирования (`{ $entry }`) до { $until } UTC: до этого сервис работает с её конфигурацией, а эта базовая конфигурация вступит в силу после её окончания.

## Записи ответа-списка, которые бот не смог разобрать (одно примечание на список).
listing-skipped-services = { $n ->
    [one] { $n } сервис из списка организации не удалось разобрать, он пропущен (в журнале указано, какой).
    [few] { $n } сервиса из списка организации не удалось разобрать, они пропущены (в журнале указано, какие).
   *[other] { $n } сервисов из списка организации не удалось разобрать, они пропущены (в журнале указано, какие).
}
listing-skipped-pipes = { $n ->
    [one] Ещё { $n } ClickPipe не удалось разобрать, он не показан (в журнале указано, какой).
    [few] Ещё { $n } ClickPipe не удалось разобрать, они не показаны (в журнале указано, какие).
   *[other] Ещё { $n } ClickPipe не удалось разобрать, они не показаны (в журнале указано, какие).
}

## /scaling-schedule
cmd-scaling-schedule-name = расписание-масштабирования
cmd-scaling-schedule-description = Показать расписание масштабирования сервиса или добавить, заменить, удалить, очистить записи
cmd-scaling-schedule-service-name = сервис
cmd-scaling-schedule-service-description = Псевдоним, имя или id сервиса
console-help-scaling-schedule = расписание масштабирования (бета): записи, действующая сейчас, базовая конфигурация; с action:set, remove или clear — изменяет его
schedule-header = **`{ $name }`** (`{ $id }`): расписание масштабирования
schedule-none = У этого сервиса нет расписания масштабирования: всегда действует базовая конфигурация.
schedule-not-enabled = Расписания масштабирования (бета) не включены для этой организации; их может включить поддержка ClickHouse.
schedule-read-error = Не удалось прочитать расписание масштабирования: { $error }
schedule-active-marker = ← действует сейчас
schedule-none-active = Сейчас не действует ни одна запись.
schedule-baseline = Вне записей (базовая конфигурация): { $settings }

## A ClickPipe in a reminder's check that the bot could not understand.
reminder-pipe-not-understood = бот не смог разобрать (см. журнал)

## /scaling-schedule changes (action:set, remove, clear)
cmd-scaling-schedule-action-name = action
cmd-scaling-schedule-action-description = show (по умолчанию), set (добавить или заменить запись), remove (одну запись) или clear
cmd-scaling-schedule-name-name = name
cmd-scaling-schedule-name-description = Имя записи (set, remove)
cmd-scaling-schedule-days-name = days
cmd-scaling-schedule-days-description = Дни недели по UTC, например mon-fri, sat,sun, daily
cmd-scaling-schedule-start-hour-name = start-hour
cmd-scaling-schedule-start-hour-description = Час UTC, когда запись начинает действовать (0-23)
cmd-scaling-schedule-end-hour-name = end-hour
cmd-scaling-schedule-end-hour-description = Час UTC, когда запись заканчивается, не включая его (1-24; меньше start-hour: через полночь)
cmd-scaling-schedule-mode-name = mode
cmd-scaling-schedule-mode-description = Режим автомасштабирования в записи: vertical (фиксированное число) или horizontal (диапазон)
cmd-scaling-schedule-count-name = count
cmd-scaling-schedule-count-description = Фиксированное число реплик в записи (вертикальный режим)
cmd-scaling-schedule-min-replicas-name = min-replicas
cmd-scaling-schedule-min-replicas-description = Наименьшее число реплик в записи (горизонтальный режим)
cmd-scaling-schedule-max-replicas-name = max-replicas
cmd-scaling-schedule-max-replicas-description = Наибольшее число реплик в записи (горизонтальный режим)
cmd-scaling-schedule-min-memory-gb-name = min-memory-gb
cmd-scaling-schedule-min-memory-gb-description = Минимальная память на реплику в ГБ в записи (кратно 4, не меньше 8)
cmd-scaling-schedule-max-memory-gb-name = max-memory-gb
cmd-scaling-schedule-max-memory-gb-description = Максимальная память на реплику в ГБ в записи (кратно 4, не меньше 8)
cmd-scaling-schedule-idle-name = idle
cmd-scaling-schedule-idle-description = Разрешить сервису простаивать во время записи
console-help-schedule-action = show (по умолчанию), set (добавить или заменить запись `name`), remove (удалить запись `name`) или clear (все записи)
console-help-schedule-name = имя записи, до 64 символов
console-help-schedule-days = дни недели по UTC: mon-fri, sat,sun, fri-mon, daily, weekdays, weekends или 0-6 (0 = воскресенье)
console-help-schedule-start-hour = час UTC, когда запись начинает действовать
console-help-schedule-end-hour = час UTC, когда запись заканчивается (не включая; меньше start-hour: окно идёт через полночь)
console-help-schedule-mode = vertical (по умолчанию: фиксированное число) или horizontal (от min-replicas до max-replicas при одном размере памяти)
console-help-schedule-count = фиксированное число реплик во время записи (вертикальный режим)
console-help-schedule-idle = разрешить сервису простаивать во время записи (true или false)
cloud-op-post-scaling-schedule = заменить расписание масштабирования
schedule-entry-line = { $window }: { $settings }
schedule-none-short = расписания масштабирования нет
value-no-schedule-entry = нет записи `{ $name }`
risk-window-capacity-down = меньше мощности в окне расписания
risk-window-cost-up = стоимость x{ $factor } в окне записи
schedule-rule-name-missing = укажите имя записи `name` (до 64 символов)
schedule-rule-name-invalid = имя записи: от 1 до { $max } символов, без обратных кавычек, @ и переводов строки (получено { $got })
schedule-rule-days-missing = укажите `days`, дни недели по UTC: например mon-fri, sat,sun, daily или числа 0-6 (0 = воскресенье)
schedule-rule-days-unreadable = `days`: { $got } не день недели; используйте mon, tue, wed, thu, fri, sat, sun, диапазоны вроде mon-fri, daily, weekdays, weekends или числа 0-6 (0 = воскресенье)
schedule-rule-hours-missing = укажите `start-hour` (0-23) и `end-hour` (1-24, не включая) по UTC; конец раньше начала — окно через полночь
schedule-rule-start-hour = `start-hour` должен быть часом UTC от 0 до 23 (получено { $got })
schedule-rule-end-hour = `end-hour` должен быть часом UTC от 1 до 24, не включая (24 = полночь; получено { $got })
schedule-rule-same-hours = `start-hour` и `end-hour` оба равны { $hour }: окно было бы пустым; конец раньше начала — окно через полночь
schedule-rule-nothing-set = запись ничего не задаёт: укажите `count` (вертикальный режим), `mode:horizontal` с `min-replicas` и `max-replicas`, границы памяти или `idle`
schedule-rule-memory-pair = укажите и `min-memory-gb`, и `max-memory-gb` (кратно 4, не меньше 8) или ни одной, чтобы оставить память базовой конфигурации
schedule-rule-horizontal-incomplete = горизонтальной записи нужны `min-replicas`, `max-replicas` и один размер памяти (`min-memory-gb` равен `max-memory-gb`)
schedule-rule-range-in-vertical = `min-replicas`/`max-replicas` — для горизонтальной записи: добавьте `mode:horizontal` или укажите `count` для фиксированного числа реплик
schedule-rule-count-in-horizontal = горизонтальная запись масштабируется между `min-replicas` и `max-replicas`, а не фиксированным `count` (получено { $got })
schedule-rule-overlap = это окно пересекается с записью `{ $other }` ({ $day } { $hour } UTC входит в обе); измените часы или дни либо замените `{ $other }`, указав её имя
schedule-rule-no-entries = у сервиса нет расписания масштабирования, поэтому записи `{ $name }` для удаления нет
schedule-rule-no-such-entry = в расписании нет записи `{ $name }`; его записи: { $known }
schedule-rule-unreadable = бот не смог разобрать запись расписания `{ $name }`, а изменение заменяет всё расписание, и она бы потерялась; измените расписание в консоли Cloud
schedule-rule-not-for-action = `action:{ $action }` не принимает { $options }; чтобы добавить или заменить запись, используйте `action:set`
