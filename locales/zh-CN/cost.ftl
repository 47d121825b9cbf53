## Money and charts: cost estimates in plans, reminders, status, history and the weekly digest;
## chart labels.

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
