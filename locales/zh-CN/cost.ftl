## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

## Money (estimates): src/scaling/cost.rs prices, src/i18n.rs `money` formats the number.
# An amount; $amount is already grouped for the language (1,008.50).
money = US${ $amount }
# A cost increase with its money: "cost x4.0: +$0.60/h (…)".
risk-cost-money = { $risk }：{ $money }
cost-hourly-more = 每小时 +{ $hourly }，若保持不变约每天 { $daily }、每月 { $monthly }
cost-hourly-less = 每小时 −{ $hourly }，约每天节省 { $daily }、每月节省 { $monthly }
cost-no-rate-cdc = 无费用估算：未配置 DB ClickPipes 计算费率（`cost.cdc_unit_hour`）
cost-no-tier = 无费用估算：未配置组织的套餐等级（`cost.organization_tier`）
cost-no-rate-service = 无费用估算：未为套餐 `{ $tier }`（{ $provider } { $region }）配置服务计算费率（`cost.service_rates`）
cost-estimate-note = 金额均为按所配置费率的估算（未设置合同价格时使用公开标价）。
# In the after-snapshot reminder, its repeats and the escalation.
reminder-cost = 与之前的规格相比，至今已多花费 { $so_far }（每小时多 { $hourly }）。
episode-resource-cdc = DB ClickPipes 计算
episode-resource-service = 服务计算
episode-open = `{ $service }` { $resource }：自 { $since } 起扩容（{ $duration }），每小时多 { $hourly }，至今比之前多花费 { $cost }
episode-closed = `{ $service }` { $resource }：{ $since } 至 { $until } 扩容（{ $duration }），比之前多花费 { $cost }
episodes-title = 扩容记录及比之前规格多出的费用：
status-extra-cost = 当前额外费用：自 { $since } 起每小时 { $hourly }（{ $resource }），至今 { $cost }。

## Chart
chart-title = { $service }：过去 { $days } 天的扩缩容
chart-legend-scaled-up = 已扩容
chart-panel-cdc = CDC 核数（DB ClickPipes）
chart-panel-replicas = 副本数
chart-panel-memory = 每副本内存，GB（最小–最大）
chart-panel-events = 事件
chart-marker-request = 请求
chart-marker-confirmation = 已确认
chart-marker-reminder = 提醒
chart-marker-answer = 回复
chart-marker-escalation = 升级
chart-marker-not-applied = 未生效
chart-no-data = 此期间没有报告的数值
chart-episode-cost = { $duration }，{ $cost }
chart-footer = 时间为 UTC，{ $from } – { $to }。来自审计日志（{ $entries } 条）；数值为 API 报告的值。
chart-truncated = 只绘制了此期间最新的条目。
chart-days-needs-service = `days:` 设置服务图表的时间范围：请同时提供 `service:`。
chart-days-out-of-range = 不允许 `days:{ $days }`：图表覆盖 1 到 { $max } 天（未提供时为 7 天）。
chart-failed = 无法绘制图表（内部错误，详见机器人日志）。
cmd-scaling-history-days-name = 天数
cmd-scaling-history-days-description = 服务图表覆盖的天数（1–31，默认 7）
console-help-history-days = 服务图表覆盖的天数（1–31，默认 7）
console-chart-written = { $days } 天的图表已写入 { $path }
console-chart-not-written = 无法将图表写入 { $path }：{ $error }
chart-not-sent = Discord 未接受图表附件，因此未显示图表；上面的历史记录是完整的。

## Weekly digest (src/ops/digest.rs, `/scaling-digest`)
digest-title = **每周扩缩容摘要**，{ $from } – { $to } UTC
digest-still-up = 仍处于扩容状态：
digest-still-up-none = 无
digest-week-cost = 本周的扩容，比之前的规格多花费 { $total }：
digest-week-cost-none = 无
digest-week-item = `{ $service }` { $resource }：本周 { $cost }（共扩容 { $duration }）
digest-kept = 有意保留：
digest-kept-none = 无
digest-kept-item = `{ $service }` { $op }，由 { $who } 于 { $at } 保留：“{ $reason }”
digest-kept-no-reason = 未说明原因
digest-unanswered = 未得到回应：
digest-unanswered-none = 无
digest-unanswered-item = `{ $service }` { $op }：{ $reminders } 条提醒无人回应，{ $escalations } 次升级
digest-more = ……另有 { $count } 项
digest-unavailable = 摘要不可用：无法读取存储（原因见机器人日志）。
cmd-scaling-digest-name = 扩缩容摘要
cmd-scaling-digest-description = 最近 7 天的每周摘要：扩容、其费用、保留原因、无人回应的提醒
console-help-scaling-digest = 最近 7 天的每周摘要（立即显示）
