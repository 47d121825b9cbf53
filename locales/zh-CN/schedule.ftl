## Scaling schedules (/scaling-schedule) and waking idle services.

## 唤醒空闲服务（唤醒并继续）。
button-wake = 唤醒并继续
started-wake = 服务处于空闲状态：请在本频道的状态消息上点击 **{ button-wake }** 唤醒它并继续。后续消息会发在该消息的子区中。
stage-wake = 服务处于空闲状态，等待有人唤醒它。
stage-waking = 正在唤醒服务…
wake-prompt = `{ $service }` 处于空闲状态，只有在运行时才能读取和修改其 ClickPipes 设置。点击 **{ button-wake }** 唤醒它（它会一直运行并计费，直到再次空闲）；然后我会在这里继续此变更。或点击 **{ button-cancel }**。请在 { $timeout } 内操作。
wake-requested = { $name } 请求唤醒服务。正在等待服务运行…
woke = 服务已运行。继续：{ $summary }。
wake-timed-out = 发出唤醒请求后 { $waited } 内服务未进入 running 状态（最后状态 { $state }）。未做任何变更；请在服务运行后重试。
resumed-wake = ↻ clickscale 已重启，继续处理：服务处于空闲状态，等待有人唤醒它。
resumed-waking = ↻ clickscale 已重启，继续处理：等待服务运行。
outcome-applies-on-wake = ✅ 已记录；服务唤醒后生效。
detail-applies-on-wake = ✅ API 已显示此变更（{ $seen }，请求后 { $took }）。服务处于空闲状态，因此将在服务唤醒时生效（下一次查询时，或从 Cloud 控制台唤醒时）。
console-summary-applies-on-wake = 唤醒后生效 { $n }
scaling-in-flight-awaiting-wake = — 等待唤醒：在其状态消息上按 **{ button-wake }**
scaling-in-flight-waking = — 正在唤醒服务，随后继续

## Cloud API operations used for schedules.
cloud-op-get-scaling-schedule = 获取扩缩容计划

## /scaling-status 中的扩缩容计划，以及基线变更之后。
weekday = { $day ->
    [0] 周日
    [1] 周一
    [2] 周二
    [3] 周三
    [4] 周四
    [5] 周五
    [6] 周六
   *[other] ?
}
scaling-effective = 当前生效（计划条目 `{ $entry }`，至 UTC { $until }）：副本 { $replicas }；内存 { $memory }。以上各行为基线配置。
scaling-schedule = 扩缩容计划：{ $entries }
scaling-schedule-entry = `{ $name }` { $days } UTC { $start }–{ $end }
schedule-holds = 扩缩容计划条目（`{ $entry }`）生效至 UTC { $until }：在此之前服务按该条目的配置运行，此基线配置在条目结束后生效。

## 机器人无法解析的列表条目（每个列表只提示一次）。
listing-skipped-services = 组织的服务列表中有 { $n } 个服务无法解析，已略过（日志中有具体名称）。
listing-skipped-pipes = 另有 { $n } 个 ClickPipe 无法解析，未显示（日志中有具体名称）。

## /scaling-schedule
cmd-scaling-schedule-name = 扩缩容计划
cmd-scaling-schedule-description = 查看服务的扩缩容计划，或添加、替换、删除、清空其条目
cmd-scaling-schedule-service-name = 服务
cmd-scaling-schedule-service-description = 服务别名、名称或 id
console-help-scaling-schedule = 扩缩容计划（测试版）：条目、当前生效的条目、基线配置；使用 action:set、remove 或 clear 可修改它
schedule-header = **`{ $name }`**（`{ $id }`）：扩缩容计划
schedule-none = 此服务未设置扩缩容计划：始终使用基线配置。
schedule-not-enabled = 此组织未启用扩缩容计划（测试版）；可联系 ClickHouse 支持开启。
schedule-read-error = 无法读取扩缩容计划：{ $error }
schedule-active-marker = ← 当前生效
schedule-none-active = 当前没有生效的条目。
schedule-baseline = 条目之外（基线配置）：{ $settings }

## A ClickPipe in a reminder's check that the bot could not understand.
reminder-pipe-not-understood = 机器人无法解析（见日志）

## /scaling-schedule changes (action:set, remove, clear)
cmd-scaling-schedule-action-name = action
cmd-scaling-schedule-action-description = show（默认）、set（添加或替换条目）、remove（删除一个条目）或 clear
cmd-scaling-schedule-name-name = name
cmd-scaling-schedule-name-description = 条目名称（set、remove）
cmd-scaling-schedule-days-name = days
cmd-scaling-schedule-days-description = UTC 星期几，例如 mon-fri、sat,sun、daily
cmd-scaling-schedule-start-hour-name = start-hour
cmd-scaling-schedule-start-hour-description = 条目开始的 UTC 小时（0-23）
cmd-scaling-schedule-end-hour-name = end-hour
cmd-scaling-schedule-end-hour-description = 条目结束的 UTC 小时，不含（1-24；小于 start-hour：跨午夜）
cmd-scaling-schedule-mode-name = mode
cmd-scaling-schedule-mode-description = 条目中的自动扩缩容模式：vertical（固定数量）或 horizontal（范围）
cmd-scaling-schedule-count-name = count
cmd-scaling-schedule-count-description = 条目中的固定副本数（垂直模式）
cmd-scaling-schedule-min-replicas-name = min-replicas
cmd-scaling-schedule-min-replicas-description = 条目中的最少副本数（水平模式）
cmd-scaling-schedule-max-replicas-name = max-replicas
cmd-scaling-schedule-max-replicas-description = 条目中的最多副本数（水平模式）
cmd-scaling-schedule-min-memory-gb-name = min-memory-gb
cmd-scaling-schedule-min-memory-gb-description = 条目中每个副本的最小内存（GB，4 的倍数，至少 8）
cmd-scaling-schedule-max-memory-gb-name = max-memory-gb
cmd-scaling-schedule-max-memory-gb-description = 条目中每个副本的最大内存（GB，4 的倍数，至少 8）
cmd-scaling-schedule-idle-name = idle
cmd-scaling-schedule-idle-description = 条目期间允许服务空闲
console-help-schedule-action = show（默认）、set（添加或替换条目 `name`）、remove（删除条目 `name`）或 clear（全部条目）
console-help-schedule-name = 条目名称，最多 64 个字符
console-help-schedule-days = UTC 星期几：mon-fri、sat,sun、fri-mon、daily、weekdays、weekends 或 0-6（0 = 星期日）
console-help-schedule-start-hour = 条目开始的 UTC 小时
console-help-schedule-end-hour = 条目结束的 UTC 小时（不含；小于 start-hour：窗口跨午夜）
console-help-schedule-mode = vertical（默认：固定数量）或 horizontal（以单一内存大小在 min-replicas 到 max-replicas 之间）
console-help-schedule-count = 条目期间的固定副本数（垂直模式）
console-help-schedule-idle = 条目期间允许服务空闲（true 或 false）
cloud-op-post-scaling-schedule = 替换扩缩容计划
schedule-entry-line = { $window }：{ $settings }
schedule-none-short = 没有扩缩容计划
value-no-schedule-entry = 没有条目 `{ $name }`
risk-window-capacity-down = 计划窗口内容量降低
risk-window-cost-up = 条目窗口内成本 x{ $factor }
schedule-rule-name-missing = 请给出条目名称 `name`（最多 64 个字符）
schedule-rule-name-invalid = 条目名称为 1 到 { $max } 个字符，不含反引号、@ 或换行（收到 { $got }）
schedule-rule-days-missing = 请给出 `days`，UTC 星期几：例如 mon-fri、sat,sun、daily，或数字 0-6（0 = 星期日）
schedule-rule-days-unreadable = `days`：{ $got } 不是星期几；请用 mon、tue、wed、thu、fri、sat、sun、mon-fri 这样的范围、daily、weekdays、weekends，或数字 0-6（0 = 星期日）
schedule-rule-hours-missing = 请给出 UTC 的 `start-hour`（0-23）和 `end-hour`（1-24，不含）；结束早于开始即跨午夜
schedule-rule-start-hour = `start-hour` 必须是 0 到 23 的 UTC 小时（收到 { $got }）
schedule-rule-end-hour = `end-hour` 必须是 1 到 24 的 UTC 小时，不含（24 = 午夜；收到 { $got }）
schedule-rule-same-hours = `start-hour` 和 `end-hour` 都是 { $hour }：窗口为空；结束早于开始即跨午夜
schedule-rule-nothing-set = 该条目什么也没设置：请给出 `count`（垂直）、带 `min-replicas` 和 `max-replicas` 的 `mode:horizontal`、内存范围或 `idle`
schedule-rule-memory-pair = 请同时给出 `min-memory-gb` 和 `max-memory-gb`（4 的倍数，至少 8），或都不给以沿用基线配置的内存
schedule-rule-horizontal-incomplete = 水平条目需要 `min-replicas`、`max-replicas` 和单一内存大小（`min-memory-gb` 等于 `max-memory-gb`）
schedule-rule-range-in-vertical = `min-replicas`/`max-replicas` 用于水平条目：请加上 `mode:horizontal`，或给出固定副本数 `count`
schedule-rule-count-in-horizontal = 水平条目在 `min-replicas` 与 `max-replicas` 之间扩缩，而不是固定的 `count`（收到 { $got }）
schedule-rule-overlap = 此窗口与条目 `{ $other }` 重叠（UTC { $day } { $hour } 同时属于两者）；请修改小时或星期，或给出其名称以替换 `{ $other }`
schedule-rule-no-entries = 该服务没有扩缩容计划，因此没有可删除的条目 `{ $name }`
schedule-rule-no-such-entry = 计划中没有条目 `{ $name }`；现有条目：{ $known }
schedule-rule-unreadable = 机器人无法理解计划条目 `{ $name }`，而更改会替换整个计划，它将会丢失；请改在 Cloud 控制台中修改计划
schedule-rule-not-for-action = `action:{ $action }` 不接受 { $options }；要添加或替换条目请使用 `action:set`
