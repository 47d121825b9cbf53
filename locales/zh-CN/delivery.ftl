## Getting messages to people when Discord fails: permissions, private fallbacks, retries.

# 某条消息无法发到应去之处的原因。
undeliverable-permission = 机器人已无权在那里发消息
undeliverable-gone = 子区或频道已被删除
undeliverable-locked = 子区已归档并锁定
undeliverable-refused = Discord 拒绝了这条消息
undeliverable-no-thread = 无法在频道中发布状态消息或其子区
delivery-private-first = #{ $op }：无法在它的子区中发消息：{ $why }。在 Discord 允许我回复这条命令期间（15 分钟），它的进展会私下发给你；之后会记入审计日志（`/scaling-history`、`clickscale audit`）。
    { $line }
delivery-private = #{ $op }：{ $line }
action-undelivered = 未送达
unknown-service-closest = 你是否想输入 { $names }？
unknown-service-listed = 已知的服务：{ $names }。
