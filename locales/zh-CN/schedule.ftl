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
