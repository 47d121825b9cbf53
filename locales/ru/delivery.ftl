## Getting messages to people when Discord fails: permissions, private fallbacks, retries.

# Почему строку не удалось опубликовать там, где ей место.
undeliverable-permission = боту больше не разрешено писать там
undeliverable-gone = ветка или канал удалены
undeliverable-locked = ветка в архиве и закрыта
undeliverable-refused = Discord отклонил сообщение
undeliverable-no-thread = не удалось опубликовать в канале сообщение о статусе или его ветку
delivery-private-first = #{ $op }: не могу писать в ветку этой операции: { $why }. Её новости будут приходить вам сюда, лично, пока Discord позволяет отвечать на эту команду (15 минут); после этого — в журнал аудита (`/scaling-history`, `clickscale audit`).
    { $line }
delivery-private = #{ $op }: { $line }
action-undelivered = не доставлено
unknown-service-closest = Возможно, вы имели в виду { $names }?
unknown-service-listed = Известные сервисы: { $names }.
