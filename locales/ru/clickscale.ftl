# clickscale: все тексты бота и консоли на русском.
# Источник: locales/en-US/clickscale.ftl. Переменные { $…}, текст в `обратных кавычках`,
# имена команд (/scaling-status), имена опций (min-memory-gb), requestId и коды HTTP
# не переводятся; единицы пишутся по-русски (ГБ, мин, с).

## Общее

list-separator = {", "}
list-and = { $rest } и { $last }
list-or = { $rest } или { $last }

## Слэш-команды Discord (имена: строчные буквы, цифры, - или _, не длиннее 32 символов)

cmd-cdc-scale-name = cdc-масштаб
cmd-cdc-scale-description = Масштабировать CDC-вычисления DB ClickPipes сервиса (целые ядра, 4 ГБ памяти на ядро)
cmd-cdc-scale-service-name = сервис
cmd-cdc-scale-service-description = Псевдоним, имя или id сервиса
cmd-cdc-scale-cores-name = ядра
cmd-cdc-scale-cores-description = Ядра CPU для CDC-вычислений; память — 4 ГБ на ядро
cmd-replicas-name = реплики
cmd-replicas-description = Изменить число реплик сервиса и/или границы памяти на реплику
cmd-replicas-service-name = сервис
cmd-replicas-service-description = Псевдоним, имя или id сервиса
cmd-replicas-count-name = количество
cmd-replicas-count-description = Число реплик
cmd-replicas-min-memory-gb-name = мин-память-gb
cmd-replicas-min-memory-gb-description = Минимальная память на реплику в ГБ (кратно 4, не меньше 8)
cmd-replicas-max-memory-gb-name = макс-память-gb
cmd-replicas-max-memory-gb-description = Максимальная память на реплику в ГБ (кратно 4, не меньше 8)
cmd-idle-name = простой
cmd-idle-description = Включить или выключить автоматический простой сервиса и задать его тайм-аут
cmd-idle-service-name = сервис
cmd-idle-service-description = Псевдоним, имя или id сервиса
cmd-idle-enabled-name = включён
cmd-idle-enabled-description = Разрешить сервису простаивать (масштабироваться до нуля), когда он не используется
cmd-idle-timeout-minutes-name = тайм-аут-минуты
cmd-idle-timeout-minutes-description = Сколько минут без запросов до перехода в простой (не меньше 5)
cmd-scaling-status-name = статус-масштабирования
cmd-scaling-status-description = Показать настройки масштабирования сервиса, CDC-вычисления и операции в работе
cmd-scaling-status-service-name = сервис
cmd-scaling-status-service-description = Псевдоним, имя или id сервиса

## Значения, которые сообщает API

describe-state = , состояние { $state }
describe-idle-on-timeout = простой включён, тайм-аут { $minutes } мин{ $state }
describe-idle-on = простой включён{ $state }
describe-idle-off = простой выключен{ $state }
describe-replicas = { $count } { $count ->
    [one] реплика
    [few] реплики
   *[many] реплик
}
describe-replicas-unknown = число реплик неизвестно
describe-memory = , { $min }–{ $max } ГБ на реплику

## Значения плана (`4 ядра / 16 ГБ -> 8 ядер / 32 ГБ`); `cores`, `count`, `min`, `max` — числа

value-cdc = { $cores } { $cores ->
    [one] ядро
    [few] ядра
    [many] ядер
   *[other] ядра
} / { $memory } ГБ
value-mode-vertical = вертикальное автомасштабирование
value-mode-horizontal = горизонтальное автомасштабирование
value-mode-other = режим автомасштабирования { $mode }
value-replicas = { $count } { $count ->
    [one] реплика
    [few] реплики
   *[many] реплик
}
value-replica-range = { $min }–{ $max } { $max ->
    [one] реплика
    [few] реплики
   *[many] реплик
}
value-memory = { $gb } ГБ на реплику
value-memory-range = { $min }–{ $max } ГБ на реплику
value-idle-on-timeout = простой включён, тайм-аут { $minutes } мин
value-idle-on = простой включён
value-idle-off-timeout = простой выключен, тайм-аут после включения { $minutes } мин
value-idle-off = простой выключен
value-idle-unknown-timeout = простой неизвестен, тайм-аут { $minutes } мин
value-idle-unknown = простой неизвестен

## Длительности (`s`, `ss`, `m`, `mm`, `h` уже дополнены нулём: `05`)

duration-seconds = { $s } с
duration-minutes = { $m } мин { $ss } с
duration-hours = { $h } ч { $mm } мин

## Сводка плана и причины подтверждения

plan-cdc = CDC-вычисления: { $values }
plan-with-risks = { $changes } ({ $risks })
plan-change = { $from } -> { $to }
plan-already = уже { $value }
plan-unknown-from = { $to } (текущее значение неизвестно)
plan-no-change = без изменений
plan-no-change-already = без изменений, уже { $values }
risk-capacity-down = мощность уменьшается
risk-cost-up = стоимость x{ $factor }
risk-idling-customer = включает простой для сервиса, которым пользуются клиенты
risk-idling = включает простой

## Статусное сообщение операции

status = **/{ $command }** `{ $service }` { $id }: { $summary }
    Запросил(а) { $actor }. { $stage }
stage-confirm = Ждём подтверждения.
stage-applying = Отправляем изменение в ClickHouse Cloud…
stage-watching = Принято; ждём, когда API покажет новую конфигурацию (обычно { $window }).
window-under = до { $duration }
outcome-confirmed = ✅ Подтверждено через { $took }.
outcome-noop = Менять нечего.
outcome-timed-out = ⚠️ Не подтверждено до крайнего срока.
outcome-failed = ❌ Не удалось.
outcome-superseded = Заменено операцией { $by }.
outcome-cancelled = Отменено: { $actor }.
outcome-expired = Время вышло: никто не подтвердил вовремя. Ничего не отправлено.

## Сообщения в ветке и личные ответы

noop = У `{ $service }` уже { $current }. Ничего не отправлено.
confirm-prompt = Это изменение нужно подтвердить ({ $reasons }). Нажмите **{ button-confirm }** или **{ button-cancel }** в течение { $timeout }.
confirmed-by = Подтвердил(а) { $name }.
accepted-with-id = API приняло изменение (request id `{ $request_id }`). Обычно это занимает { $window }; я напишу здесь, когда оно применится.
accepted = API приняло изменение. Обычно это занимает { $window }; я напишу здесь, когда оно применится.
supersedes = Этот запрос заменяет { $older }; API приводит сервис к последней цели.
superseded = Заменено операцией { $by } (запросил(а) { $actor }); API приводит сервис к этой новой цели, поэтому эта ветка здесь заканчивается.
progress = Всё ещё ждём, прошло { $elapsed } (обычно { $window }). Продолжаю проверять, пока не пройдёт { $deadline }.
poll-trouble = Не удалось проверить сервис: { $message } Продолжаю попытки.
detail-confirmed = ✅ Подтверждено: API теперь показывает { $seen } (через { $took } после запроса).
detail-timed-out = ⚠️ Не подтверждено за { $waited }. Последнее значение: { $seen }. Изменение может ещё выполняться: проверьте { $place } или выполните `/scaling-status`.
detail-nothing-seen = ничего (ни одного успешного чтения)
detail-check-cdc = страницу ClickPipes сервиса в консоли Cloud
detail-check-service = страницу Settings > Scaling сервиса в консоли Cloud
detail-failed = ❌ { $message }
confirm-buttons-missing = Не удалось показать кнопки подтверждения, поэтому ничего не отправлено.
confirm-collect-failed = Не удалось получить подтверждение ({ $error }); ничего не отправлено.
not-decider = Решать по этому изменению может только автор запроса или участник роли подтверждающих.
unknown-service = В этой организации нет сервиса `{ $typed }`. Укажите имя или id сервиса (автодополнение их показывает).
unknown-service-aliases = Нет сервиса `{ $typed }`. Настроенные псевдонимы: { $aliases }; подойдёт и имя или id сервиса из организации.
denied = Вам нельзя выполнять /{ $command } для `{ $service }` в этом канале. Попросите администратора добавить правило политики для одной из ваших ролей.
started = Запущено { $id }: `/{ $command }` для `{ $service }`: { $summary }. { $next }
started-confirm = Нужно подтверждение: воспользуйтесь кнопками на статусном сообщении в этом канале. Дальнейшие сообщения будут в ветке этого сообщения.
started-follow = Дальнейшие сообщения будут в ветке статусного сообщения в этом канале.

## Отказы (правила масштабирования)

# `got` below may be this: a number too large (small) to hold, as typed.
rule-got-or-more = { $n } или больше
rule-got-or-less = { $n } или меньше
rule-cores = { $hint ->
    [yes] cores должно быть целым числом от 1 до { $max } (получено { $got }); предел настраивается до { $spec_max }
   *[no] cores должно быть целым числом от 1 до { $max } (получено { $got })
}
rule-replicas = { $primary ->
    [yes] число реплик должно быть целым от { $min } до { $max } для основного сервиса warehouse (получено { $got })
   *[no] число реплик должно быть целым от { $min } до { $max } (получено { $got })
}
rule-memory-allowed = кратно 4, от { $mem_min } до { $max } ГБ на реплику
rule-memory-cap = ; { $max } ГБ — предел памяти на реплику в этой организации
rule-memory-given = { $bound ->
    [min] минимальная память
   *[max] максимальная память
} должна быть { $allowed } (получено { $got }){ $cap }
rule-memory-current = текущая { $bound ->
    [min] минимальная
   *[max] максимальная
} память сервиса — { $got } ГБ, вне допустимого ({ $allowed }){ $cap }; укажите и { $bound ->
    [min] минимальную
   *[max] максимальную
} память
rule-order-min = минимальная память должна быть от { $mem_min } до { $max } ГБ на реплику — текущей максимальной памяти сервиса (получено { $min }); чтобы поднять выше, укажите и максимальную память
rule-order-max = максимальная память должна быть от { $min } ГБ (текущая минимальная память сервиса) до { $limit } ГБ на реплику (получено { $max }); чтобы опустить ниже, укажите и минимальную память
rule-order = минимальная память не может быть больше максимальной: обе должны быть кратны 4, от { $mem_min } до { $limit } ГБ на реплику, мин ≤ макс (получено мин { $min }, макс { $max })
rule-memory-unknown = { $given ->
    [min] указана только минимальная память, а текущую максимальную сервис не сообщает; укажите и максимальную память
   *[max] указана только максимальная память, а текущую минимальную сервис не сообщает; укажите и минимальную память
} (кратно 4, от { $mem_min } до { $limit } ГБ на реплику, мин ≤ макс)
rule-fixed-horizontal = память: сервис использует горизонтальное автомасштабирование, где у каждой реплики один фиксированный размер, поэтому минимальная память должна равняться максимальной (получено { $min }–{ $max } ГБ); укажите один размер, кратный 4, от { $mem_min } до { $limit } ГБ
rule-fixed-profile = память: у профиля { $profile } нет вертикального автомасштабирования, поэтому минимальная память должна равняться максимальной (получено { $min }–{ $max } ГБ); укажите один размер, кратный 4, от { $mem_min } до { $limit } ГБ
rule-horizontal-count = реплики: сервису в горизонтальном режиме нужен диапазон реплик мин–макс, а не фиксированное число (получено { $got }); укажите min-replicas и max-replicas (от 1 до { $max }) или mode:vertical, чтобы перейти на фиксированное число
rule-basic-tier = Сервисы уровня Basic работают на одной реплике и не масштабируются; перейдите на Scale или Enterprise (уровень этого сервиса: { $tier }; простой по-прежнему можно менять)
rule-nothing-given = укажите хотя бы одно: число реплик count (от 1 до { $replicas_max }), min-replicas/max-replicas (горизонтальный режим), mode (vertical или horizontal) или мин./макс. память (кратно 4, от { $mem_min } до { $memory_max } ГБ на реплику)
rule-idle-timeout = тайм-аут простоя должен быть целым числом минут от { $min } до { $max }, то есть не больше недели (получено { $got })
rule-timeout-idling-off = тайм-аут простоя действует, только когда простой включён (получено { $got } при выключенном простое); выключайте простой без тайм-аута или включайте его с тайм-аутом от { $min } до { $max } минут
rule-duration-unreadable = длительность должна выглядеть как 30m, 4h, 1h30m или 2d, от 1 минуты до 30 дней (получено { $input })
rule-duration-range = длительность должна быть от 1 минуты до 30 дней (получено { $input })

## Ошибки API ClickHouse Cloud

cloud-request-id = {" "}(request id { $id })
cloud-op-list-organizations = получить список организаций
cloud-op-get-organization = прочитать данные организации
cloud-op-list-services = получить список сервисов
cloud-op-get-service = прочитать сервис
cloud-op-update-replica-scaling = изменить масштабирование реплик
cloud-op-get-cdc-scaling = прочитать CDC-масштабирование
cloud-op-update-cdc-scaling = изменить CDC-масштабирование
cloud-op-list-clickpipes = получить список ClickPipes
cloud-op-get-clickpipe = прочитать ClickPipe
cloud-op-change-service-state = изменить состояние сервиса
cloud-timeout = Не удаётся связаться с API ClickHouse Cloud по адресу { $base_url } после { $attempts } { $attempts ->
    [one] попытки
   *[other] попыток
}: ответа нет. Попробуйте позже.
cloud-connect = Не удаётся связаться с API ClickHouse Cloud по адресу { $base_url } после { $attempts } { $attempts ->
    [one] попытки
   *[other] попыток
}: соединение не установлено. Попробуйте позже.
cloud-decode = API ClickHouse Cloud прислало ответ на «{ $op }», который clickscale не может прочитать{ $rid }. Возможно, API изменилось; пожалуйста, сообщите об этом.
cloud-config = clickscale не может обратиться к Cloud API: { $message }.
cloud-400 = API отклонило запрос: { $message }{ $rid }
cloud-401 = API ClickHouse Cloud отклонило ключ API (проверьте CLICKHOUSE_KEY_ID / CLICKHOUSE_KEY_SECRET){ $rid }.
cloud-403-permission = У ключа API нет разрешения `{ $permission }` на этот сервис, а оно нужно, чтобы { $op }{ $rid }.
cloud-403 = Ключу API не разрешено { $op }{ $rid }: проверьте его роль.
cloud-404-cdc = CDC-вычисления не найдены: либо сервис неизвестен, либо на нём ещё не создан ни один DB ClickPipe{ $rid }.
cloud-404-clickpipe = Неизвестный ClickPipe или сервис{ $rid }.
cloud-404-organization = Неизвестная организация{ $rid }.
cloud-404 = Неизвестный сервис: проверьте id или псевдоним сервиса{ $rid }.
cloud-409 = Сервис занят другим изменением: { $message }{ $rid }. Попробуйте через несколько минут.
cloud-424-idle = Сервис простаивает, а вызовам ClickPipes нужно, чтобы он работал. Его можно разбудить (awake) и повторить команду{ $rid }.
cloud-424 = Сервис не запущен, а чтобы { $op }, он должен работать: { $message }{ $rid }.
cloud-429 = API ClickHouse Cloud ограничивает частоту запросов для этого ключа API (даже после { $attempts } { $attempts ->
    [one] попытки
   *[other] попыток
}){ $rid }. Попробуйте через минуту.
cloud-5xx = Сбой API ClickHouse Cloud (HTTP { $status }) после { $attempts } { $attempts ->
    [one] попытки
   *[other] попыток
}{ $rid }. Попробуйте позже.
cloud-other = API ClickHouse Cloud ответило HTTP { $status }: { $message }{ $rid }.

## /scaling-status

scaling-header = **`{ $name }`** (`{ $id }`){ $state }
scaling-config-error = Конфигурация: не удалось прочитать: { $error }
scaling-cdc = CDC-вычисления: { $cdc }
scaling-cdc-idle = недоступны, пока сервис простаивает (вызовам ClickPipes нужно, чтобы он работал)
scaling-cdc-none = нет: на этом сервисе ещё не настроен ни один DB ClickPipe
scaling-read-error = не удалось прочитать: { $error }
scaling-pipes = DB ClickPipes: { $pipes }
scaling-pipe-state-unknown = состояние неизвестно
scaling-pipes-error = DB ClickPipes: не удалось прочитать: { $error }
scaling-in-flight-none = В работе: ничего.
scaling-in-flight = В работе:
scaling-in-flight-op = - { $id } `/{ $command }`, запросил(а) { $actor }: { $summary } (запущено { $ago } назад)
scaling-replicas-horizontal = { $min }–{ $max } (горизонтальное автомасштабирование)
scaling-unknown = неизвестно
scaling-memory = { $gb } ГБ на реплику
scaling-memory-range = { $min }–{ $max } ГБ на реплику
scaling-replicas-memory = Реплики: { $replicas }; память: { $memory }
scaling-idle-on-timeout = включён, тайм-аут { $minutes } мин
scaling-idle-on = включён
scaling-idle-off = выключен
scaling-idling = Простой: { $idle }

## Discord: кнопки и ошибки

button-confirm = Подтвердить
button-cancel = Отмена
buttons-expired = Срок действия этих кнопок истёк: изменение больше не ждёт решения.
buttons-already-decided = Кто-то другой только что принял решение по этому изменению.
error-internal = У меня что-то пошло не так; ничего не изменено. Если это повторится, передайте администратору этот код: `{ $reference }`.
error-unreadable-option = Не удалось прочитать одну из опций команды. Проверьте значения и попробуйте снова (код `{ $reference }`).
error-outdated-command = Эта команда не соответствует запущенной версии бота (список команд, возможно, ещё обновляется). Попробуйте через минуту (код `{ $reference }`).
error-guild-only = Эта команда работает только в канале сервера, не в личных сообщениях.

## Консоль (`clickscale console`)

console-banner-sim =
    clickscale console: симуляция ClickHouse Cloud по адресу { $url } (org { $org }). Вы — { $name } ({ $roles }).
    Сервисы: { $services }
    Попробуйте: /replicas service:analytics-staging count:4
console-banner-api =
    clickscale console: API ClickHouse Cloud по адресу { $url } (org { $org }). Вы — { $name } ({ $roles }).
    Сервисы: { $services }
    Попробуйте: /scaling-status service:<имя>
console-no-roles = без ролей
console-roles = роли { $roles }
console-services-any = любое имя или id сервиса организации
console-services-aliases = { $aliases } (или любое имя или id сервиса)
console-interactive-hint = Введите `help`, чтобы увидеть команды; `quit` или Ctrl-D — выход.
console-interrupted = Прервано: ввод больше не читается.
console-read-failed = ошибка: не удалось прочитать ввод: { $error }
console-parse-error = ошибка: { $error } Ничего не отправлено.
console-refused = отказано: { $reason } Ничего не отправлено.
console-refused-status = отказано: { $reason }
console-buttons = { $row }   (введите надпись или номер кнопки)
console-edited = изменено
console-earlier-message = { $n } из прошлого запуска
console-no-buttons = Нет кнопок, ожидающих нажатия, поэтому `{ $choice }` ничего не делает. Кнопки появляются, когда изменение нужно подтвердить.
console-no-such-button = нет кнопки { $choice }: { $row }
console-click-refused = (видно только вам) { $reason } Кнопки по-прежнему ждут.
console-click-expired = Срок действия кнопок истёк раньше, чем пришло ваше нажатие.
console-unanswered = Ввода больше нет: { $n } { $n ->
    [one] неотвеченное подтверждение истекает сейчас; для него ничего не отправляется.
    [few] неотвеченных подтверждения истекают сейчас; для них ничего не отправляется.
   *[many] неотвеченных подтверждений истекают сейчас; для них ничего не отправляется.
}
console-waiting = Ждём завершения { $n } { $n ->
    [one] операции
   *[other] операций
} в работе (Ctrl-C — выйти сразу)…
console-leaving = Выход, в работе { $n } { $n ->
    [one] операция
    [few] операции
   *[many] операций
}: уже принятое изменение всё равно произойдёт в ClickHouse Cloud; проверьте его через /scaling-status.
console-summary = Итог: { $parts }.
console-summary-nothing = Итог: ничего не запускалось.
console-summary-confirmed = подтверждено: { $n }
console-summary-noop = без изменений: { $n }
console-summary-cancelled = отменено: { $n }
console-summary-expired = истекло: { $n }
console-summary-superseded = заменено: { $n }
console-summary-timed-out = не подтверждено вовремя: { $n }
console-summary-unknown = исход неизвестен: { $n }
console-summary-failed = не удалось: { $n }
console-summary-refused = отказано: { $n }
console-summary-invalid = некорректный ввод: { $n }

## Follow-ups: revert options, reminders, timed reverts, history

cmd-cdc-scale-revert-name = откат
cmd-cdc-scale-revert-description = Когда вернуть обратно: after-snapshot (по умолчанию при увеличении), длительность вроде 4h или never
cmd-cdc-scale-for-name = на-время
cmd-cdc-scale-for-description = Вернуть обратно через это время, например 4h (то же, что revert:4h)
cmd-cdc-scale-reason-name = причина
cmd-cdc-scale-reason-description = Почему оставить увеличенным (обязательно с revert:never; пишется в журнал аудита)
cmd-replicas-for-name = на-время
cmd-replicas-for-description = Вернуть прежние значения через это время, например 4h (от 5m до 7d)
cmd-scaling-history-name = история-масштабирования
cmd-scaling-history-description = Последние запросы на масштабирование, результаты, напоминания и ответы
cmd-scaling-history-service-name = сервис
cmd-scaling-history-service-description = Только этот сервис (псевдоним, имя или id)

followup-bad-revert = `revert:` принимает `after-snapshot`, `never` или длительность вроде `4h` (от 5m до 7d); получено `{ $input }`.
followup-bad-duration = `for:` принимает длительность вроде `30m`, `4h` или `2d` (от 5m до 7d); получено `{ $input }`.
followup-both = Укажите либо `revert:`, либо `for:`, но не оба (`for:4h` означает то же, что `revert:4h`).
followup-never-without-reason = Для `revert:never` нужен `reason:` (он пишется в журнал аудита), например `reason:бэкфилл идёт всю неделю`.
followup-reason-without-never = `reason:` указывается только с `revert:never`; иначе уберите его.
followup-after-snapshot-not-up = `revert:after-snapshot` имеет смысл только при увеличении CDC; это изменение его не увеличивает. Используйте `revert:<длительность>` или не указывайте опцию.
followup-not-supported = /{ $command } не принимает `revert:` и `for:`.

resumed-confirm = ↻ clickscale перезапущен; продолжаю: жду подтверждения.
resumed-apply = ↻ clickscale перезапущен; продолжаю: отправляю изменение повторно (оно задаёт абсолютные значения, повтор безопасен).
resumed-watch = ↻ clickscale перезапущен; продолжаю: жду новую конфигурацию.

target-replicas = { $n } { $n ->
    [one] реплика
    [few] реплики
   *[many] реплик
}
target-memory-range = { $min }–{ $max } ГБ на реплику
target-memory-min = не меньше { $min } ГБ на реплику
target-memory-max = не больше { $max } ГБ на реплику
target-idle-on-timeout = простой включён, тайм-аут { $minutes } мин
target-idle-on = простой включён
target-idle-off = простой выключен
target-idle-timeout = тайм-аут простоя { $minutes } мин

kept-on-request = Оставлено намеренно (`revert:never`): «{ $reason }». Напоминания об уменьшении не будет; причина записана в журнал аудита.
followup-failed = ⚠️ Не удалось запланировать напоминание об уменьшении (база данных недоступна). Пожалуйста, уменьшите вручную, когда закончите.
after-snapshot-scheduled = После снапшота: каждые { $every } я проверяю DB ClickPipes сервиса `{ $service }` и попрошу дежурных вернуть { $restore }, когда ни один не будет в Provisioning, Setup, Snapshot или Resync.
timed-scheduled = Изменение на время: верну { $restore } в { $until } (предупрежу за { $warning }).
pipe-finished = `{ $name }` ({ $state })
pipe-loading = `{ $name }` в состоянии { $state }
no-db-pipes = DB ClickPipes нет
reminder-again = Напоминание:{" "}
snapshot-done = { $again }Начальная загрузка на `{ $service }` завершена: { $pipes }. CDC всё ещё увеличен до { $current } (уже { $scaled_for }; было { $restore }). Уменьшите сейчас, отложите или оставьте с указанием причины.
escalation = Эскалация: никто не ответил за { $waited }. { $reminder }
escalation-elsewhere = Эскалация: CDC на `{ $service }` всё ещё увеличен после начальной загрузки, и никто не ответил. См. <#{ $thread }>.
timed-warning = Изменение на время для `{ $service }` заканчивается через { $left }: затем я верну { $restore }. Продлите на 1 ч или откатите сейчас.
still-loading = Не уменьшаю: { $pipes }. Спрошу снова, когда загрузка закончится.
already-back = Сервис уже вернулся к { $restore }; возвращать нечего. Закрываю напоминание.
scaling-down = { $who } попросил(а) вернуть { $restore }: у операции { $op } своя ветка.
auto-scaling-down = Никто не ответил: возвращаю { $restore } автоматически, как настроено (операция { $op }).
reverting = Время вышло: возвращаю { $restore } (операция { $op }).
snoozed = { $who } отложил(а) на { $duration }. Тогда проверю снова.
kept = { $who } оставляет текущую конфигурацию: «{ $reason }». Напоминаний по этому изменению больше не будет.
extended = { $who } продлил(а) на 1 ч: теперь возврат в { $until }.
reminder-answered = ✔ отвечено
check-failed = Не удалось проверить ClickPipes: { $message } Попробую ещё раз.
answer-busy = Кто-то отвечает на это напоминание прямо сейчас; повторите через несколько секунд.
answer-done = На это напоминание уже ответили.
answer-gone = Этого напоминания больше нет.
answer-not-allowed = Отвечать на это напоминание могут только дежурные, автор запроса или подтверждающие.
answer-db-error = Бот не смог прочитать напоминание (база данных недоступна); повторите через минуту.
answer-internal = При ответе что-то пошло не так; ничего не изменилось. Повторите через минуту.
keep-needs-reason = Чтобы оставить, нужна причина; она пишется в журнал аудита.
timed-no-snooze = Изменение на время можно продлить или откатить, но не отложить.
snapshot-no-extend = Чтобы напомнить позже, используйте «Отложить».
button-scale-down = Уменьшить сейчас
button-snooze-1h = Отложить на 1 ч
button-snooze-4h = Отложить на 4 ч
button-keep = Оставить…
button-extend = Продлить на 1 ч
button-revert-now = Откатить сейчас
keep-modal-title = Оставить текущую конфигурацию
keep-modal-reason = Почему? (пишется в журнал аудита)

history-unavailable = История сейчас недоступна (ошибка базы данных); повторите через минуту.
history-all = все сервисы
history-empty = Истории масштабирования для { $scope } пока нет.
history-title = **История масштабирования** для { $scope } (сначала новые, время UTC):
history-line = `{ $when }`{ $op }{ $service } { $action }: { $actor }{ $request }{ $detail }
history-request = {" "}(id запроса `{ $id }`)
history-outcome-confirmed = подтверждено
history-outcome-noop = менять нечего
history-outcome-timed-out = не подтверждено вовремя
history-outcome-failed = не удалось
history-outcome-superseded = заменено
history-outcome-cancelled = отменено
history-outcome-expired = истекло
history-auto-scale-down = автоматическое уменьшение после эскалации
action-requested = запрос
action-confirmed = подтверждение
action-cancelled = отмена
action-api_call = вызов API
action-outcome = результат
action-reminder = напоминание
action-escalated = эскалация
action-acknowledged = принято
action-kept = оставлено
action-snoozed = отложено
action-extended = продлено
action-reverted = откат
console-no-reminder = Нет напоминания, ожидающего такого ответа, поэтому ничего не происходит.
console-private = (видно только вам) { $text }
console-timed-note = Внимание: откат в конце выполняется, только пока clickscale работает с этой базой данных; если в тот момент он не запущен, откат произойдёт при следующем запуске.
console-timed-note-sim = Внимание: откат в конце выполняется, только пока работает эта консоль (хранилище --sim закончится вместе с ней; чтобы сохранить, укажите --database-url).
console-clock-scaled = Демо-часы: напоминания и возвраты идут по часам симулятора, в { $factor } раз быстрее ваших (`for:1h` или «Отложить на 1 ч» длится здесь { $hour }), и время и длительности в них — по часам симулятора.
console-not-understood = Не понято: `{ $line }`. Команды начинаются с косой черты: { $commands }; также { $words }, надпись кнопки ({ $buttons }) или её номер.
console-unknown-command = Неизвестная команда `/{ $name }`. Команды: { $commands }; также { $words }, надпись кнопки ({ $buttons }) или её номер.
console-reminder-hint = (введите надпись кнопки)
console-reminder-hint-keep = (введите надпись кнопки; «{ $keep }» требует причину: `{ $keep }: почему`)
console-help-header = Команды (параметры в виде имя:значение; значения с пробелами берите в "двойные" или 'одинарные' кавычки; регистр в именах команд, параметров и ключевых словах не важен):
console-help-service = псевдоним, имя или id сервиса
console-help-cdc-scale = вычислительные ресурсы DB ClickPipes (CDC): целые ядра, 4 ГБ памяти на ядро
console-help-cores = ядра CPU
console-help-revert = after-snapshot (по умолчанию при увеличении), длительность вроде 4h или never
console-help-reason = почему ресурсы остаются увеличенными (обязательно при revert:never)
console-help-replicas = число реплик и границы памяти на реплику (укажите хотя бы одно)
console-help-count = число реплик
console-help-min-memory = минимум памяти на реплику в ГБ (кратно 4)
console-help-max-memory = максимум памяти на реплику в ГБ (кратно 4)
console-help-idle = автоматический простой вкл/выкл и его тайм-аут
console-help-enabled = true или false (также yes/no, on/off, в любом регистре)
console-help-timeout = минут без запросов до перехода в простой
console-help-scaling-status = конфигурация, ресурсы CDC, DB ClickPipes и операции в работе
console-help-scaling-history = недавние запросы, итоги, напоминания и ответы из журнала аудита
console-help-history-service = только этот сервис
console-help-for = вернуть прежние значения через это время, например 4h (от 5m до 7d)
console-help-buttons = нажать кнопку на самом новом сообщении с кнопками
console-help-reminders = ответить на самое новое напоминание (подходят надписи на любом языке)
console-help-help = этот текст
console-help-quit = выйти, когда операции в работе завершатся (также Ctrl-D; Ctrl-C дважды — выйти сразу)
console-reminders-dropped = { $n ->
    [one] { $n } напоминание ещё открыто; оно закончится вместе с этим запуском (--sim хранит данные в памяти; чтобы сохранить, укажите --database-url).
    [few] { $n } напоминания ещё открыты; они закончатся вместе с этим запуском (--sim хранит данные в памяти; чтобы сохранить, укажите --database-url).
   *[many] { $n } напоминаний ещё открыто; они закончатся вместе с этим запуском (--sim хранит данные в памяти; чтобы сохранить, укажите --database-url).
}
console-reminders-open = { $n ->
    [one] { $n } напоминание ещё открыто; оно продолжится при следующем запуске clickscale с этой базой данных.
    [few] { $n } напоминания ещё открыты; они продолжатся при следующем запуске clickscale с этой базой данных.
   *[many] { $n } напоминаний ещё открыто; они продолжатся при следующем запуске clickscale с этой базой данных.
}
scaling-reminder-snapshot-watching = Продолжение { $op }: напомню об уменьшении, когда закончатся начальные загрузки (следующая проверка через { $due }).
scaling-reminder-snapshot-posted = Продолжение { $op }: напоминание об уменьшении отправлено, ждём дежурных (следующий шаг через { $due }).
scaling-reminder-timed = Продолжение { $op }: изменение на время, следующий шаг (предупреждение или откат) через { $due }.

## Исходы, которые бот не может знать наверняка, присоединение, замена по настройкам

outcome-unknown = ❔ Исход неизвестен: API так и не ответило на изменение.
unanswered = API не ответило на изменение ({ $error }). Оно могло дойти до ClickHouse Cloud, а могло и нет, поэтому это не ошибка: я продолжаю следить за тем, что показывает API, и подведу итог по нему.
unanswered-resent = API ответило на изменение, когда я отправил его повторно (оно задаёт абсолютные значения, повтор безопасен).
detail-unknown = ❔ Исход неизвестен: API так и не ответило на изменение, и через { $waited } оно показывает { $seen }, а не цель. Проверьте { $place } или выполните `/scaling-status`, прежде чем просить снова.
already-in-flight = Такое же изменение уже выполняется как { $id } (запросил(а) { $actor }); повторно ничего не отправлено. Сообщения о нём идут в его ветку.
attention-no-auto = Автоматически не уменьшаю: { $pipes }. Если пайп упал или работает с ошибками, решать должен человек: посмотрите на пайпы и ответьте здесь.
reminder-replaced = ↪ заменено более новым сообщением ниже
reminder-automatic = ⚙ закрыто автоматически (никто не ответил)

## Console: what is wrong with a command's options (the option list follows each)
console-option-problem = { $problem } Параметры /{ $command }: { $options }.
console-option-required = { $name } (обязательный, { $kind })
console-option-optional = { $name } ({ $kind })
console-kind-text = текст
console-kind-integer = целое число
console-kind-boolean = true/false
console-option-not-an-option = `{ $name }` — не параметр: параметры пишутся как имя:значение (например, service:analytics-prod).
console-option-no-name = У параметра нет имени перед двоеточием.
console-option-no-closing-quote = У значения `{ $option }` нет закрывающей кавычки.
console-option-space-after-quote = Поставьте пробел после закрывающей кавычки `{ $option }`.
console-option-needs-value = Параметру `{ $option }` нужно значение.
console-option-not-whole-number = `{ $option }` должен быть целым числом, а не `{ $value }`.
console-option-not-boolean = `{ $option }` должен быть true или false (также yes/no, on/off), а не `{ $value }`.
console-option-unknown = У /{ $command } нет параметра `{ $name }`.
console-option-given-twice = `{ $option }` указан дважды.
console-option-missing = /{ $command } требует { $options }.
console-option-nothing-to-change = Укажите хотя бы один из параметров: { $options }: иначе менять нечего.

## Horizontal autoscaling (/replicas min-replicas, max-replicas, mode)
cmd-replicas-min-replicas-name = min-replicas
cmd-replicas-min-replicas-description = Наименьшее число реплик в горизонтальном режиме
cmd-replicas-max-replicas-name = max-replicas
cmd-replicas-max-replicas-description = Наибольшее число реплик в горизонтальном режиме
cmd-replicas-mode-name = mode
cmd-replicas-mode-description = Режим автомасштабирования: vertical (фиксированное число) или horizontal (диапазон реплик)
console-help-min-replicas = наименьшее число реплик (горизонтальный режим)
console-help-max-replicas = наибольшее число реплик (горизонтальный режим)
console-help-mode = vertical или horizontal
console-option-not-one-of = `{ $option }` должен быть одним из { $allowed }, а не `{ $value }`.
rule-replica-bound = { $bound ->
    [min] min-replicas
   *[max] max-replicas
} должно быть целым числом от { $min } до { $max } (получено { $got })
rule-replica-order = min-replicas не может быть больше max-replicas: оба от 1 до { $limit }, мин ≤ макс (получено мин { $min }, макс { $max })
rule-replica-range-unknown = { $given ->
    [min] указано только min-replicas, а сервис не сообщает максимальное число реплик; укажите и max-replicas
   *[max] указано только max-replicas, а сервис не сообщает минимальное число реплик; укажите и min-replicas
} (от 1 до { $limit })
rule-count-with-range = count — фиксированное число реплик (вертикальный режим), его нельзя указывать вместе с min-replicas/max-replicas (горизонтальный режим); укажите что-то одно (от 1 до { $max })
rule-range-in-vertical = min-replicas/max-replicas действуют только в горизонтальном режиме, а сервис в вертикальном режиме (или переходит в него); добавьте mode:horizontal или укажите count (от 1 до { $max })

## Read scheduler: when the API budget, not the API, makes a confirmation slower

budget-slower = Через этот API-ключ { $watched ->
    [one] отслеживается { $watched } сервис
    [few] отслеживаются { $watched } сервиса
   *[other] отслеживаются { $watched } сервисов
}, а его лимит ({ $requests } запросов за { $window }, общий для всех инструментов с этим ключом) позволяет проверять каждый лишь примерно раз в { $round }. Подтверждение может прийти на { $round } позже, чем ClickHouse Cloud покажет изменение: задержка из-за лимита, а не из-за API.
## Discord as it fails (issue 14): the bot's permissions in the channel

chat-permissions-missing = Я не смогу сообщать о ходе этого изменения в этом канале, поэтому ничего не отправлено: здесь мне не хватает прав { $missing }. Попросите администратора сервера выдать боту эти права в этом канале (или воспользуйтесь каналом, где они у него есть).
permission-view-channel = «Просматривать канал»
permission-send-messages = «Отправлять сообщения»
permission-create-public-threads = «Создавать публичные ветки»
permission-send-messages-in-threads = «Отправлять сообщения в ветках»
