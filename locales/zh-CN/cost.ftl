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
