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
cmd-scaling-schedule-description = 查看服务的扩缩容计划：各条目、当前生效的条目和基线配置
cmd-scaling-schedule-service-name = 服务
cmd-scaling-schedule-service-description = 服务别名、名称或 id
console-help-scaling-schedule = 扩缩容计划（测试版）：条目、当前生效的条目、基线配置
schedule-header = **`{ $name }`**（`{ $id }`）：扩缩容计划
schedule-none = 此服务未设置扩缩容计划：始终使用基线配置。
schedule-not-enabled = 此组织未启用扩缩容计划（测试版）；可联系 ClickHouse 支持开启。
schedule-read-error = 无法读取扩缩容计划：{ $error }
schedule-active-marker = ← 当前生效
schedule-none-active = 当前没有生效的条目。
schedule-baseline = 条目之外（基线配置）：{ $settings }

## A ClickPipe in a reminder's check that the bot could not understand.
reminder-pipe-not-understood = 机器人无法解析（见日志）
