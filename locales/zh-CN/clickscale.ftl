# clickscale：机器人和控制台显示的所有文字（简体中文）。
# 原文见 locales/en-US/clickscale.ftl。变量 { $…}、`反引号` 中的文字、命令名（/scaling-status）、
# 选项名（min-memory-gb）、requestId、GB 和 HTTP 状态码保持不译。

## 通用

list-separator = 、
list-and = { $rest }和{ $last }
list-or = { $rest }或{ $last }

## Discord 斜杠命令（名称：小写字母、数字、- 或 _，最多 32 个字符）

cmd-cdc-scale-name = cdc-扩缩容
cmd-cdc-scale-description = 调整服务 DB ClickPipes 共用的 CDC 计算资源（整数核心，每核心 4 GB 内存）
cmd-cdc-scale-service-name = 服务
cmd-cdc-scale-service-description = 服务别名、名称或 id
cmd-cdc-scale-cores-name = 核心数
cmd-cdc-scale-cores-description = CDC 计算资源的 CPU 核心数；内存按每核心 4 GB 分配
cmd-replicas-name = 副本
cmd-replicas-description = 修改服务的副本数和/或每个副本的内存上下限
cmd-replicas-service-name = 服务
cmd-replicas-service-description = 服务别名、名称或 id
cmd-replicas-count-name = 数量
cmd-replicas-count-description = 副本数
cmd-replicas-min-memory-gb-name = 最小内存-gb
cmd-replicas-min-memory-gb-description = 每个副本的最小内存，单位 GB（4 的倍数，至少 8）
cmd-replicas-max-memory-gb-name = 最大内存-gb
cmd-replicas-max-memory-gb-description = 每个副本的最大内存，单位 GB（4 的倍数，至少 8）
cmd-idle-name = 空闲
cmd-idle-description = 开启或关闭服务的自动空闲，并设置超时时间
cmd-idle-service-name = 服务
cmd-idle-service-description = 服务别名、名称或 id
cmd-idle-enabled-name = 启用
cmd-idle-enabled-description = 服务不使用时允许其进入空闲（缩容到零）
cmd-idle-timeout-minutes-name = 超时分钟
cmd-idle-timeout-minutes-description = 无查询多少分钟后进入空闲（至少 5）
cmd-scaling-status-name = 扩缩容状态
cmd-scaling-status-description = 查看服务的扩缩容配置、CDC 计算资源和进行中的操作
cmd-scaling-status-service-name = 服务
cmd-scaling-status-service-description = 服务别名、名称或 id

## API 报告的数值

describe-state = ，状态 { $state }
describe-idle-on-timeout = 自动空闲已开启，超时 { $minutes } 分钟{ $state }
describe-idle-on = 自动空闲已开启{ $state }
describe-idle-off = 自动空闲已关闭{ $state }
describe-replicas = { $count } 个副本
describe-replicas-unknown = 副本数未知
describe-memory = ，每个副本 { $min }–{ $max } GB

## 计划中的值（`4 核 / 16 GB -> 8 核 / 32 GB`）；`cores`、`count`、`min`、`max` 是数字

value-cdc = { $cores } 核 / { $memory } GB
value-mode-vertical = 垂直自动扩缩容
value-mode-horizontal = 水平自动扩缩容
value-mode-other = 自动扩缩容模式 { $mode }
value-replicas = { $count } 个副本
value-replica-range = { $min }–{ $max } 个副本
value-memory = 每个副本 { $gb } GB
value-memory-range = 每个副本 { $min }–{ $max } GB
value-idle-on-timeout = 自动空闲已开启，超时 { $minutes } 分钟
value-idle-on = 自动空闲已开启
value-idle-off-timeout = 自动空闲已关闭，开启后超时 { $minutes } 分钟
value-idle-off = 自动空闲已关闭
value-idle-unknown-timeout = 自动空闲状态未知，超时 { $minutes } 分钟
value-idle-unknown = 自动空闲状态未知

## 时长（`s`、`ss`、`m`、`mm`、`h` 已补零：`05`）

duration-seconds = { $s } 秒
duration-minutes = { $m } 分 { $ss } 秒
duration-hours = { $h } 小时 { $mm } 分

## 计划摘要与确认原因

plan-cdc = CDC 计算资源：{ $values }
plan-with-risks = { $changes }（{ $risks }）
plan-change = { $from } -> { $to }
plan-already = 已是 { $value }
plan-unknown-from = { $to }（当前值未知）
plan-no-change = 无变化
plan-no-change-already = 无变化，已是 { $values }
risk-capacity-down = 容量下降
risk-cost-up = 成本 x{ $factor }
risk-idling-customer = 为面向客户的服务开启自动空闲
risk-idling = 开启自动空闲

## 操作的状态消息

status = **/{ $command }** `{ $service }` { $id }：{ $summary }
    由 { $actor } 发起。{ $stage }
stage-confirm = 等待确认。
stage-applying = 正在将变更发送到 ClickHouse Cloud…
stage-watching = 已接受；正在等待 API 报告新配置（通常{ $window }）。
window-under = 不到 { $duration }
outcome-confirmed = ✅ 已确认，用时 { $took }。
outcome-noop = 无需变更。
outcome-timed-out = ⚠️ 截止时间前未能确认。
outcome-failed = ❌ 失败。
outcome-superseded = 已被 { $by } 取代。
outcome-cancelled = 已被 { $actor } 取消。
outcome-expired = 已过期：无人及时确认。未发送任何内容。

## 子区消息与私密回复

noop = `{ $service }` 已经是 { $current }。未发送任何内容。
confirm-prompt = 此变更需要确认（{ $reasons }）。请在 { $timeout } 内点击 **{ button-confirm }** 或 **{ button-cancel }**。
confirmed-by = 已由 { $name } 确认。
accepted-with-id = API 已接受变更（request id `{ $request_id }`）。通常需要 { $window }；生效后我会在这里通知。
accepted = API 已接受变更。通常需要 { $window }；生效后我会在这里通知。
supersedes = 此请求取代 { $older }；API 会以最新目标为准。
superseded = 已被 { $by } 取代（由 { $actor } 发起）；API 会以该新目标为准，因此本子区到此结束。
progress = 已等待 { $elapsed }（通常：{ $window }）。我会继续检查，直到满 { $deadline }。
poll-trouble = 检查服务失败：{ $message }我会继续重试。
detail-confirmed = ✅ 已确认：API 现在报告 { $seen }（请求后 { $took }）。
detail-timed-out = ⚠️ { $waited } 后仍未确认。最后看到：{ $seen }。变更可能仍在进行中：请查看{ $place }，或运行 `/scaling-status`。
detail-nothing-seen = 无（没有成功读取）
detail-check-cdc = Cloud 控制台中该服务的 ClickPipes 页面
detail-check-service = Cloud 控制台中该服务的 Settings > Scaling 页面
detail-failed = ❌ { $message }
confirm-buttons-missing = 无法显示确认按钮，因此未发送任何内容。
confirm-collect-failed = 无法获取确认（{ $error }）；未发送任何内容。
not-decider = 只有发起人或确认者角色的成员可以对此变更做出决定。
unknown-service = 此组织中没有名为 `{ $typed }` 的服务。请使用服务名称或 id（自动补全会列出它们）。
unknown-service-aliases = 没有名为 `{ $typed }` 的服务。已配置的别名：{ $aliases }；也可以使用组织中的服务名称或 id。
denied = 你无权在此频道对 `{ $service }` 运行 /{ $command }。请让管理员为你的某个角色添加策略规则。
started = 已开始 { $id }：对 `{ $service }` 执行 `/{ $command }`：{ $summary }。{ $next }
started-confirm = 需要确认：请使用本频道状态消息上的按钮。后续消息会发在该消息的子区中。
started-follow = 后续消息会发在本频道状态消息的子区中。

## 拒绝请求（扩缩容规则）

# `got` below may be this: a number too large (small) to hold, as typed.
rule-got-or-more = { $n } 或更大
rule-got-or-less = { $n } 或更小
rule-cores = { $hint ->
    [yes] cores 必须是 1 到 { $max } 之间的整数（收到 { $got }）；上限最高可配置为 { $spec_max }
   *[no] cores 必须是 1 到 { $max } 之间的整数（收到 { $got }）
}
rule-replicas = { $primary ->
    [yes] 对于 warehouse 的主服务，副本数必须是 { $min } 到 { $max } 之间的整数（收到 { $got }）
   *[no] 副本数必须是 { $min } 到 { $max } 之间的整数（收到 { $got }）
}
rule-memory-allowed = 4 的倍数，每个副本 { $mem_min } 到 { $max } GB
rule-memory-cap = ；{ $max } GB 是此组织每个副本的内存上限
rule-memory-given = { $bound ->
    [min] 最小内存
   *[max] 最大内存
}必须是{ $allowed }（收到 { $got }）{ $cap }
rule-memory-current = 服务当前的{ $bound ->
    [min] 最小内存
   *[max] 最大内存
}为 { $got } GB，超出允许范围（{ $allowed }）{ $cap }；请同时指定{ $bound ->
    [min] 最小内存
   *[max] 最大内存
}
rule-order-min = 最小内存必须在每个副本 { $mem_min } GB 到服务当前最大内存 { $max } GB 之间（收到 { $min }）；如需更高，请同时指定最大内存
rule-order-max = 最大内存必须在服务当前最小内存 { $min } GB 到每个副本 { $limit } GB 之间（收到 { $max }）；如需更低，请同时指定最小内存
rule-order = 最小内存不能高于最大内存：两者都必须是 4 的倍数，每个副本 { $mem_min } 到 { $limit } GB，且最小 ≤ 最大（收到最小 { $min }，最大 { $max }）
rule-memory-unknown = { $given ->
    [min] 只指定了最小内存，但服务没有报告当前的最大内存；请同时指定最大内存
   *[max] 只指定了最大内存，但服务没有报告当前的最小内存；请同时指定最小内存
}（4 的倍数，每个副本 { $mem_min } 到 { $limit } GB，最小 ≤ 最大）
rule-fixed-horizontal = 内存：此服务使用水平自动扩缩容，每个副本只有一个固定大小，因此最小内存必须等于最大内存（收到 { $min }–{ $max } GB）；请指定一个大小，为 4 的倍数，{ $mem_min } 到 { $limit } GB
rule-fixed-profile = 内存：配置 { $profile } 不支持垂直自动扩缩容，因此最小内存必须等于最大内存（收到 { $min }–{ $max } GB）；请指定一个大小，为 4 的倍数，{ $mem_min } 到 { $limit } GB
rule-horizontal-count = 副本：水平模式的服务需要最小–最大副本范围，而不是固定数量（收到 { $got }）；请指定 min-replicas 和 max-replicas（1 到 { $max }），或用 mode:vertical 切换到固定数量
rule-basic-tier = Basic 级别的服务只运行一个副本，无法扩缩容；请升级到 Scale 或 Enterprise（此服务的级别为 { $tier }；仍可修改自动空闲）
rule-nothing-given = 请至少指定以下之一：副本数 count（1 到 { $replicas_max }）、min-replicas/max-replicas（水平模式）、mode（vertical 或 horizontal）或最小/最大内存（4 的倍数，每个副本 { $mem_min } 到 { $memory_max } GB）
rule-idle-timeout = 空闲超时必须是 { $min } 到 { $max } 之间的整数分钟，即最多一周（收到 { $got }）
rule-timeout-idling-off = 空闲超时只在开启自动空闲时有效（收到 { $got }，但自动空闲为关闭）；关闭自动空闲时不要指定超时，或在开启时指定 { $min } 到 { $max } 分钟的超时
rule-duration-unreadable = 时长应写成 30m、4h、1h30m 或 2d 这样的形式，范围为 1 分钟到 30 天（收到 { $input }）
rule-duration-range = 时长必须在 1 分钟到 30 天之间（收到 { $input }）

## ClickHouse Cloud API 错误

cloud-request-id = （request id { $id }）
cloud-op-list-organizations = 列出组织
cloud-op-get-organization = 读取组织信息
cloud-op-list-services = 列出服务
cloud-op-get-service = 读取服务
cloud-op-update-replica-scaling = 更新副本扩缩容
cloud-op-get-cdc-scaling = 读取 CDC 扩缩容
cloud-op-update-cdc-scaling = 更新 CDC 扩缩容
cloud-op-list-clickpipes = 列出 ClickPipes
cloud-op-get-clickpipe = 读取 ClickPipe
cloud-op-change-service-state = 更改服务状态
cloud-timeout = 尝试 { $attempts } 次后仍无法访问 { $base_url } 上的 ClickHouse Cloud API：未及时响应。请稍后再试。
cloud-connect = 尝试 { $attempts } 次后仍无法访问 { $base_url } 上的 ClickHouse Cloud API：连接失败。请稍后再试。
cloud-decode = ClickHouse Cloud API 对“{ $op }”的响应 clickscale 无法解析{ $rid }。API 可能已变更；请报告此问题。
cloud-config = clickscale 无法调用 Cloud API：{ $message }。
cloud-400 = API 拒绝了请求：{ $message }{ $rid }
cloud-401 = ClickHouse Cloud API 拒绝了该 API 密钥（请检查 CLICKHOUSE_KEY_ID / CLICKHOUSE_KEY_SECRET）{ $rid }。
cloud-403-permission = API 密钥缺少此服务上的权限 `{ $permission }`，该权限用于{ $op }{ $rid }。
cloud-403 = API 密钥无权{ $op }{ $rid }：请检查其角色。
cloud-404-cdc = 未找到 CDC 计算资源：可能是服务未知，或此服务上尚未创建任何 DB ClickPipe{ $rid }。
cloud-404-clickpipe = 未知的 ClickPipe 或服务{ $rid }。
cloud-404-organization = 未知的组织{ $rid }。
cloud-404 = 未知的服务：请检查服务 id 或别名{ $rid }。
cloud-409 = 服务正忙于另一项变更：{ $message }{ $rid }。请几分钟后再试。
cloud-424-idle = 服务处于空闲状态，而 ClickPipes 调用需要服务运行。可以先唤醒服务（awake），再重试命令{ $rid }。
cloud-424 = 服务未在运行，而{ $op }需要服务运行：{ $message }{ $rid }。
cloud-429 = ClickHouse Cloud API 正在对此 API 密钥限流（尝试 { $attempts } 次后仍是如此）{ $rid }。请一分钟后再试。
cloud-5xx = ClickHouse Cloud API 出错（HTTP { $status }），已尝试 { $attempts } 次{ $rid }。请稍后再试。
cloud-other = ClickHouse Cloud API 返回 HTTP { $status }：{ $message }{ $rid }。

## /scaling-status

scaling-header = **`{ $name }`**（`{ $id }`）{ $state }
scaling-config-error = 配置：无法读取：{ $error }
scaling-cdc = CDC 计算资源：{ $cdc }
scaling-cdc-idle = 服务空闲时无法读取（ClickPipes 调用需要服务运行）
scaling-cdc-none = 无：此服务上尚未设置任何 DB ClickPipe
scaling-read-error = 无法读取：{ $error }
scaling-pipes = DB ClickPipes：{ $pipes }
scaling-pipe-state-unknown = 状态未知
scaling-pipes-error = DB ClickPipes：无法读取：{ $error }
scaling-in-flight-none = 进行中：无。
scaling-in-flight = 进行中：
scaling-in-flight-op = - { $id } `/{ $command }`，发起人 { $actor }：{ $summary }（{ $ago } 前开始）
scaling-replicas-horizontal = { $min }–{ $max }（水平自动扩缩容）
scaling-unknown = 未知
scaling-memory = 每个副本 { $gb } GB
scaling-memory-range = 每个副本 { $min }–{ $max } GB
scaling-replicas-memory = 副本：{ $replicas }；内存：{ $memory }
scaling-idle-on-timeout = 开启，超时 { $minutes } 分钟
scaling-idle-on = 开启
scaling-idle-off = 关闭
scaling-idling = 自动空闲：{ $idle }

## Discord：按钮与错误

button-confirm = 确认
button-cancel = 取消
buttons-expired = 这些按钮已过期：此变更不再等待决定。
buttons-already-decided = 刚刚已有其他人对此变更做出了决定。
error-internal = 我这边出了点问题；没有做任何更改。如果再次发生，请把这个参考编号交给管理员：`{ $reference }`。
error-unreadable-option = 我无法读取此命令的某个选项。请检查数值后重试（参考编号 `{ $reference }`）。
error-outdated-command = 此命令与正在运行的机器人版本不匹配（命令列表可能仍在更新）。请一分钟后重试（参考编号 `{ $reference }`）。
error-guild-only = 此命令只能在服务器频道中使用，不能在私信中使用。

## 控制台（`clickscale console`）

console-banner-sim =
    clickscale console：模拟的 ClickHouse Cloud，地址 { $url }（org { $org }）。你是 { $name }（{ $roles }）。
    服务：{ $services }
    试试：/replicas service:analytics-staging count:4
console-banner-api =
    clickscale console：ClickHouse Cloud API，地址 { $url }（org { $org }）。你是 { $name }（{ $roles }）。
    服务：{ $services }
    试试：/scaling-status service:<名称>
console-no-roles = 无角色
console-roles = 角色 { $roles }
console-services-any = 组织中的任意服务名称或 id
console-services-aliases = { $aliases }（或任意服务名称或 id）
console-interactive-hint = 输入 `help` 查看命令，输入 `quit` 或按 Ctrl-D 退出。
console-interrupted = 已中断：不再读取输入。
console-read-failed = 错误：读取输入失败：{ $error }
console-parse-error = 错误：{ $error }未发送任何内容。
console-refused = 已拒绝：{ $reason }未发送任何内容。
console-refused-status = 已拒绝：{ $reason }
console-buttons = { $row }   （输入按钮文字或编号）
console-edited = 已编辑
console-earlier-message = 上次运行的 { $n }
console-no-buttons = 没有等待中的按钮，因此 `{ $choice }` 不起作用。变更需要确认时才会出现按钮。
console-no-such-button = 没有按钮 { $choice }：{ $row }
console-click-refused = （仅你可见）{ $reason }按钮仍在等待。
console-click-expired = 你的点击到达之前，按钮已过期。
console-unanswered = 没有更多输入：{ $n } 个未答复的确认现在过期；不会为其发送任何内容。
console-waiting = 正在等待 { $n } 个进行中的操作完成（按 Ctrl-C 立即退出）…
console-leaving = 退出时仍有 { $n } 个操作在进行中：已被接受的变更仍会在 ClickHouse Cloud 中生效；请用 /scaling-status 查看。
console-summary = 汇总：{ $parts }。
console-summary-nothing = 汇总：没有运行任何操作。
console-summary-confirmed = 已确认 { $n }
console-summary-noop = 无变化 { $n }
console-summary-cancelled = 已取消 { $n }
console-summary-expired = 已过期 { $n }
console-summary-superseded = 已被取代 { $n }
console-summary-timed-out = 超时 { $n }
console-summary-unknown = 结果未知 { $n }
console-summary-failed = 失败 { $n }
console-summary-refused = 已拒绝 { $n }
console-summary-invalid = 无效输入 { $n }

## Follow-ups: revert options, reminders, timed reverts, history

cmd-cdc-scale-revert-name = 回退
cmd-cdc-scale-revert-description = 何时缩回：after-snapshot（扩容时的默认值）、时长（如 4h）或 never
cmd-cdc-scale-for-name = 持续
cmd-cdc-scale-for-description = 经过这段时间后缩回，例如 4h（等同于 revert:4h）
cmd-cdc-scale-reason-name = 原因
cmd-cdc-scale-reason-description = 为什么保持扩容（revert:never 时必填；记入审计日志）
cmd-replicas-for-name = 持续
cmd-replicas-for-description = 经过这段时间后恢复原值，例如 4h（5m 到 7d）
cmd-scaling-history-name = 扩缩容历史
cmd-scaling-history-description = 显示最近的扩缩容请求、结果、提醒和确认
cmd-scaling-history-service-name = 服务
cmd-scaling-history-service-description = 仅此服务（别名、名称或 id）

followup-bad-revert = `revert:` 可取 `after-snapshot`、`never` 或时长，例如 `4h`（5m 到 7d）；收到的是 `{ $input }`。
followup-bad-duration = `for:` 需要时长，例如 `30m`、`4h` 或 `2d`（5m 到 7d）；收到的是 `{ $input }`。
followup-both = `revert:` 和 `for:` 只能用一个（`for:4h` 与 `revert:4h` 含义相同）。
followup-never-without-reason = `revert:never` 需要 `reason:`（会记入审计日志），例如 `reason:本周一直在回填`。
followup-reason-without-never = `reason:` 只与 `revert:never` 一起使用；否则请去掉。
followup-after-snapshot-not-up = `revert:after-snapshot` 只适用于 CDC 扩容；此次变更不是扩容。请使用 `revert:<时长>` 或不填。
followup-not-supported = /{ $command } 不接受 `revert:` 或 `for:`。

resumed-confirm = ↻ clickscale 已重启；继续处理：等待确认。
resumed-apply = ↻ clickscale 已重启；继续处理：重新发送变更（变更设置的是绝对值，重复发送是安全的）。
resumed-watch = ↻ clickscale 已重启；继续处理：等待新配置生效。

target-replicas = { $n } 个副本
target-memory-range = 每个副本 { $min }–{ $max } GB
target-memory-min = 每个副本至少 { $min } GB
target-memory-max = 每个副本至多 { $max } GB
target-idle-on-timeout = 空闲休眠开启，超时 { $minutes } 分钟
target-idle-on = 空闲休眠开启
target-idle-off = 空闲休眠关闭
target-idle-timeout = 空闲超时 { $minutes } 分钟

kept-on-request = 有意保持（`revert:never`）：“{ $reason }”。不会提醒缩容；原因已记入审计日志。
followup-failed = ⚠️ 无法安排缩容提醒（数据库不可用）。完成后请手动缩容。
after-snapshot-scheduled = 快照之后：我每 { $every } 检查一次 `{ $service }` 的 DB ClickPipes，当没有管道处于 Provisioning、Setup、Snapshot 或 Resync 时，会请值班人员缩回到 { $restore }。
timed-scheduled = 定时变更：我将在 { $until } 恢复 { $restore }（提前 { $warning } 提醒）。
pipe-finished = `{ $name }`（{ $state }）
pipe-loading = `{ $name }` 处于 { $state }
no-db-pipes = 没有 DB ClickPipes
reminder-again = 提醒：
snapshot-done = { $again }`{ $service }` 的初始加载已完成：{ $pipes }。CDC 仍扩容在 { $current }（已持续 { $scaled_for }；原为 { $restore }）。请立即缩容、稍后提醒，或说明原因后保持。
escalation = 升级：{ $waited } 内无人回应。{ $reminder }
escalation-elsewhere = 升级：`{ $service }` 的 CDC 在初始加载后仍处于扩容状态，且无人回应。见 <#{ $thread }>。
timed-warning = `{ $service }` 的定时变更将在 { $left } 后结束：届时我会恢复 { $restore }。可延长 1 小时，或立即回退。
still-loading = 暂不缩容：{ $pipes }。加载完成后我会再次询问。
already-back = 服务已恢复到 { $restore }；无需再恢复。关闭此提醒。
scaling-down = { $who } 要求缩回到 { $restore }：操作 { $op } 有自己的讨论串。
auto-scaling-down = 无人回应：按配置自动缩回到 { $restore }（操作 { $op }）。
reverting = 时间到：正在恢复 { $restore }（操作 { $op }）。
snoozed = { $who } 推迟了 { $duration }。届时我会再次检查。
kept = { $who } 保持当前配置：“{ $reason }”。此变更不再提醒。
extended = { $who } 延长了 1 小时：现在将于 { $until } 恢复。
reminder-answered = ✔ 已回应
check-failed = 检查 ClickPipes 失败：{ $message } 我会重试。
answer-busy = 有人正在回应此提醒；请几秒后重试。
answer-done = 此提醒已被回应。
answer-gone = 此提醒已不存在。
answer-not-allowed = 只有值班人员、请求者或确认人可以回应此提醒。
answer-db-error = 机器人无法读取此提醒（数据库不可用）；请一分钟后重试。
answer-internal = 回应时出错；没有任何更改。请一分钟后重试。
keep-needs-reason = 保持需要填写原因；原因会记入审计日志。
timed-no-snooze = 定时变更可以延长或回退，但不能推迟。
snapshot-no-extend = 如需稍后提醒，请使用“推迟”。
button-scale-down = 立即缩容
button-snooze-1h = 推迟 1 小时
button-snooze-4h = 推迟 4 小时
button-keep = 保持…
button-extend = 延长 1 小时
button-revert-now = 立即回退
keep-modal-title = 保持当前配置
keep-modal-reason = 原因？（记入审计日志）

history-unavailable = 历史记录暂不可用（数据库错误）；请一分钟后重试。
history-all = 所有服务
history-empty = { $scope } 还没有扩缩容历史。
history-title = { $scope } 的**扩缩容历史**（最新在前，时间为 UTC）：
history-line = `{ $when }`{ $op }{ $service } { $action }：{ $actor }{ $request }{ $detail }
history-request = （请求 id `{ $id }`）
history-outcome-confirmed = 已确认
history-outcome-noop = 无需变更
history-outcome-timed-out = 未及时确认
history-outcome-failed = 失败
history-outcome-superseded = 已被取代
history-outcome-cancelled = 已取消
history-outcome-expired = 已过期
history-auto-scale-down = 升级后自动缩容
action-requested = 请求
action-confirmed = 确认
action-cancelled = 取消
action-api_call = API 调用
action-outcome = 结果
action-reminder = 提醒
action-escalated = 升级
action-acknowledged = 已处理
action-kept = 保持
action-snoozed = 推迟
action-extended = 延长
action-reverted = 回退
console-no-reminder = 没有等待此回应的提醒，因此不做任何操作。
console-private = （仅你可见）{ $text }
console-timed-note = 注意：到期回退只在 clickscale 使用此数据库运行时执行；如果届时没有运行，将在下次启动时执行。
console-timed-note-sim = 注意：到期回退只在此控制台运行时执行（--sim 的存储随它结束；要保留请指定 --database-url）。
console-clock-scaled = 演示时钟：后续提醒和回退按模拟器的时钟运行，比你的时钟快 { $factor } 倍（`for:1h` 或“推迟 1 小时”在这里只需 { $hour }），其中显示的时间和时长也都是模拟器的。
console-not-understood = 无法理解：`{ $line }`。命令以斜杠开头：{ $commands }；也可输入 { $words }、按钮文字（{ $buttons }）或按钮编号。
console-unknown-command = 未知命令 `/{ $name }`。命令：{ $commands }；也可输入 { $words }、按钮文字（{ $buttons }）或按钮编号。
console-reminder-hint = （输入按钮文字）
console-reminder-hint-keep = （输入按钮文字；“{ $keep }”需要原因：`{ $keep }：原因`）
console-help-header = 命令（参数写作 名称:值；含空格的值用"双引号"或'单引号'括起；命令名、参数名和关键字不区分大小写）：
console-help-service = 服务别名、名称或 id
console-help-cdc-scale = DB ClickPipes（CDC）计算资源：整核，每核 4 GB 内存
console-help-cores = CPU 核数
console-help-revert = after-snapshot（扩容时的默认值）、如 4h 的时长，或 never
console-help-reason = 保持扩容的原因（revert:never 时必填）
console-help-replicas = 副本数及每副本内存上下限（至少给出一项）
console-help-count = 副本数
console-help-min-memory = 每副本最小内存，单位 GB（4 的倍数）
console-help-max-memory = 每副本最大内存，单位 GB（4 的倍数）
console-help-idle = 开启或关闭自动空闲及其超时
console-help-enabled = true 或 false（也可 yes/no、on/off，不区分大小写）
console-help-timeout = 无查询多少分钟后进入空闲
console-help-scaling-status = 配置、CDC 计算资源、DB ClickPipes 和进行中的操作
console-help-scaling-history = 审计日志中最近的请求、结果、提醒和回答
console-help-history-service = 仅此服务
console-help-for = 经过这段时间后恢复原值，例如 4h（5m 到 7d）
console-help-buttons = 按下最新一条带按钮消息上的按钮
console-help-reminders = 回答最新的提醒（任何语言的按钮文字都可以）
console-help-help = 本帮助
console-help-quit = 等进行中的操作结束后退出（也可 Ctrl-D；连按两次 Ctrl-C 立即退出）
console-reminders-dropped = 还有 { $n } 个提醒未结束；它们随本次运行结束（--sim 的存储在内存中；要保留请指定 --database-url）。
console-reminders-open = 还有 { $n } 个提醒未结束；下次 clickscale 使用此数据库运行时会继续。
scaling-reminder-snapshot-watching = { $op } 的后续：初始加载完成后提醒缩容（下次检查在 { $due } 后）。
scaling-reminder-snapshot-posted = { $op } 的后续：缩容提醒已发出，等待值班人员（下一步在 { $due } 后）。
scaling-reminder-timed = { $op } 的后续：定时变更，下一步（提醒或回退）在 { $due } 后。

## 无法确知的结果、加入进行中的操作、按设置取代

outcome-unknown = ❔ 结果未知：API 始终没有回应此变更。
unanswered = API 没有回应此变更（{ $error }）。它可能已到达 ClickHouse Cloud，也可能没有，所以这不算失败：我会继续查看 API 报告的状态，并以此为准。
unanswered-resent = 再次发送后 API 回应了此变更（变更设置的是绝对值，重复发送是安全的）。
detail-unknown = ❔ 结果未知：API 始终没有回应此变更，{ $waited } 后它报告的是 { $seen }，而不是目标值。再次请求前，请查看{ $place }，或运行 `/scaling-status`。
already-in-flight = 相同的变更已作为 { $id } 在进行中（由 { $actor } 发起）；未再次发送任何内容。后续消息会发到它的子区。
attention-no-auto = 不会自动缩容：{ $pipes }。管道失败或降级时需要人工决定；请先检查管道，然后在这里回复。
reminder-replaced = ↪ 已被下方更新的消息取代
reminder-automatic = ⚙ 已自动处理（无人回应）

## Console: what is wrong with a command's options (the option list follows each)
console-option-problem = { $problem }/{ $command } 的选项：{ $options }。
console-option-required = { $name }（必填，{ $kind }）
console-option-optional = { $name }（{ $kind }）
console-kind-text = 文本
console-kind-integer = 整数
console-kind-boolean = true/false
console-option-not-an-option = `{ $name }` 不是选项：选项写作 名称:值（例如 service:analytics-prod）。
console-option-no-name = 有一个选项的冒号前没有名称。
console-option-no-closing-quote = `{ $option }` 的值缺少右引号。
console-option-space-after-quote = 请在 `{ $option }` 的右引号后加一个空格。
console-option-needs-value = `{ $option }` 需要一个值。
console-option-not-whole-number = `{ $option }` 必须是整数，而不是 `{ $value }`。
console-option-not-boolean = `{ $option }` 必须是 true 或 false（也可用 yes/no、on/off），而不是 `{ $value }`。
console-option-unknown = /{ $command } 没有选项 `{ $name }`。
console-option-given-twice = `{ $option }` 重复给出。
console-option-missing = /{ $command } 需要 { $options }。
console-option-nothing-to-change = 请至少给出 { $options } 之一：否则没有可更改的内容。

## Horizontal autoscaling (/replicas min-replicas, max-replicas, mode)
cmd-replicas-min-replicas-name = min-replicas
cmd-replicas-min-replicas-description = 水平模式下的最少副本数
cmd-replicas-max-replicas-name = max-replicas
cmd-replicas-max-replicas-description = 水平模式下的最多副本数
cmd-replicas-mode-name = mode
cmd-replicas-mode-description = 自动扩缩容模式：vertical（固定数量）或 horizontal（副本范围）
console-help-min-replicas = 最少副本数（水平模式）
console-help-max-replicas = 最多副本数（水平模式）
console-help-mode = vertical 或 horizontal
console-option-not-one-of = `{ $option }` 必须是 { $allowed } 之一，而不是 `{ $value }`。
rule-replica-bound = { $bound ->
    [min] min-replicas
   *[max] max-replicas
} 必须是 { $min } 到 { $max } 的整数（收到 { $got }）
rule-replica-order = min-replicas 不能大于 max-replicas：两者都在 1 到 { $limit } 之间，且最小 ≤ 最大（收到最小 { $min }，最大 { $max }）
rule-replica-range-unknown = { $given ->
    [min] 只指定了 min-replicas，但服务未报告最大副本数；请同时指定 max-replicas
   *[max] 只指定了 max-replicas，但服务未报告最小副本数；请同时指定 min-replicas
}（1 到 { $limit }）
rule-count-with-range = count 是固定副本数（垂直模式），不能与 min-replicas/max-replicas（水平模式）同时使用；请只指定其一（1 到 { $max }）
rule-range-in-vertical = min-replicas/max-replicas 只适用于水平模式，而此服务处于（或正切换到）垂直模式；请加上 mode:horizontal，或指定 count（1 到 { $max }）

## Read scheduler: when the API budget, not the API, makes a confirmation slower

budget-slower = 此 API 密钥上正在监视 { $watched } 个服务，其额度（每 { $window } { $requests } 个请求，由使用该密钥的所有工具共享）只允许大约每 { $round } 检查每个服务一次。因此确认可能比 ClickHouse Cloud 显示变更晚最多 { $round }：变慢的原因是额度，而不是 API。
## Discord as it fails (issue 14): the bot's permissions in the channel

chat-permissions-missing = 我无法在此频道报告这次变更的进展，因此什么都没有发送：我在这里缺少以下权限：{ $missing }。请服务器管理员在此频道为机器人授予这些权限（或换一个它拥有这些权限的频道）。
permission-view-channel = “查看频道”
permission-send-messages = “发送消息”
permission-create-public-threads = “创建公开子区”
permission-send-messages-in-threads = “在子区中发送消息”
