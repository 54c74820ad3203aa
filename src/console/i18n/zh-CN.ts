// 控制台的简体中文词句。类型是 Messages（en.ts 的形状）：少一个键、多一个键或参数不同都是类型错误。
// Terms follow what operators in China use: 策略 (strategy), 额度 (quota), 发放 (grant),
// 账本 (ledger), 周期 (occurrence), 触发时间 (fire time), 暂扣 (held by the budget), 熔断 (circuit
// breaker). Machine words the operator types or reads back from the API (wire values in <code>,
// setting names, ISO 8601, IANA, Cron, Webhook, GitHub) stay as they are.
import type { Messages } from './en.ts';
import { shell } from './zh-CN/shell.ts';
import { overview } from './zh-CN/overview.ts';
import { strategies } from './zh-CN/strategies.ts';
import { actions } from './zh-CN/actions.ts';
import { form } from './zh-CN/form.ts';
import { investigate } from './zh-CN/investigate.ts';
import { people } from './zh-CN/people.ts';
import { integrations } from './zh-CN/integrations.ts';

export const zhCN: Messages = {
  ...shell,
  ...overview,
  ...strategies,
  ...actions,
  ...form,
  ...investigate,
  ...people,
  ...integrations,
};
