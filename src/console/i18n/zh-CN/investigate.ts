// Simplified Chinese: why not? and the unknown grants.
// Part of the catalogue zh-CN.ts assembles; its type is the English catalogue's shape for
// these keys, so a key missing here is a type error.
import type { Child } from 'hono/jsx';
import type { Messages } from '../en.ts';

export const investigate: Pick<Messages, 'whyNot' | 'unknown'> = {
  whyNot: {
    title: '为何未发放？',
    strategy: '策略',
    userId: '用户 ID',
    occurrence: '周期（可选）',
    occurrencePlaceholder: 'next 或 ISO 时间',
    explain: '解释',
    unavailable: '解释发放决定',
    verdict: '结论：',
    occurrenceIs: (occurrence: Child): Child[] => ['周期：', occurrence],
    noneDue: '尚无到期的周期',
    decided: ' ← 决定结论',
    conditionTitle: '条件',
    ledgerRow: '账本记录',
    verdicts: {
      no_such_user: '没有这个用户',
      granted: '已发放',
      pending: '待发送',
      unknown_outcome: '结果未知',
      failed: '发放失败',
      disabled: '策略已停用',
      not_due_yet: '尚未到期',
      outside_window: '不在生效时间内',
      occurrence_done: '该周期已完成',
      condition_false: '不满足条件',
      condition_unknown: '条件无法判断',
      capped: '已达次数上限',
      held_by_budget: '因预算暂扣',
      would_grant: '将会发放',
    },
    results: { true: '真', false: '假', unknown: '未知' },
  },
  unknown: {
    title: '结果未知的发放',
    intro: (applied: Child, retry: Child): Child[] => [
      '对每笔发放，先比较用户当前在网关的余额与这笔发放的效果（之后的用量会降低余额），再处理：若已到账，标记为',
      applied,
      '；若要在下次扫描时用同一个幂等键重新发送，选择',
      retry,
      '。',
    ],
    appliedWord: '已发放',
    retryWord: '重试',
    perStrategy: (route: Child): Child[] => [
      ' 按策略逐个列出：此服务器没有 ',
      route,
      '，因此不显示已删除策略的发放。',
    ],
    none: '没有结果未知的发放。',
    resolveQuestion: '处理所选的发放？',
    markApplied: '标记为已发放',
    retry: '重试',
    selectSome: '请至少选择一笔发放，并选择“已发放”或“重试”。',
    resolveCount: (n: number, resolution: string) => `将 ${n} 笔发放处理为“${resolution}”？`,
    resolutions: { applied: '已发放', retry: '重试' },
    resolved: (n: number) => `已处理 ${n} 笔。`,
    resolvedAs: (n: number, resolution: string) => `已将 ${n} 笔处理为“${resolution}”。`,
    refused: (failures: string) => `已拒绝：${failures}`,
    guidance: {
      add: '增加方式：发送前不读取余额（“发放前余额”为空）；若当前余额比用户原有余额高出约这笔额度，即已到账（查网关日志中该幂等键的记录更可靠）。',
      top_up:
        '补足方式：发放读取了“发放前余额”，并把与目标值的差额发送出去；若当前余额接近目标值而不是接近发放前余额，即已到账。',
      reset:
        '重置方式：发放把余额设为目标值；无论“发放前余额”是多少，若当前余额等于目标值（减去之后的用量），即已到账。',
    },
    expiryGuidance:
      '额度批次到期（“批次到期”）：该记录以负数变动收回到期批次的剩余额度；若当前余额比用户原有余额低约这笔额度，即已生效。',
    lotExpiry: '批次到期',
    notRead: (n: number) => `未读取（超过 ${n} 个用户）`,
    unreadable: '无法读取：',
    balanceTitle: (at: string, protocol: string, used: string) =>
      `读取于 ${at}（${protocol}，已用 ${used}）`,
    select: '选择',
    selectGrant: (id: number, user: string) => `选择 ${user} 的发放 ${id}`,
    gatewayBalanceNow: '网关当前余额',
    lastError: '最近错误',
    since: '起始时间',
  },
};
