// Simplified Chinese: a strategy's actions and its held occurrences.
// Part of the catalogue zh-CN.ts assembles; its type is the English catalogue's shape for
// these keys, so a key missing here is a type error.
import type { Messages } from '../en.ts';

export const actions: Pick<Messages, 'actions' | 'held' | 'closedHolds'> = {
  actions: {
    edit: '编辑',
    enable: '启用',
    disable: '停用',
    runNow: '立即运行',
    questions: {
      enable: (n: string) => `启用策略 ${n}？此后扫描将按它发放。`,
      disable: (n: string) => `停用策略 ${n}？扫描将不再按它发放。`,
      run: (n: string) => `立即运行策略 ${n}？符合条件的用户会马上获得发放。`,
      approve: (n: string) => `批准 ${n} 被暂扣的周期？它会超出预算立即发放。`,
      dismiss: (n: string) => `作废 ${n} 被暂扣的周期？该周期将永远不会发放。`,
      'approve-all': (n: string) => `批准 ${n} 所有被暂扣的周期？每个周期都会超出预算立即发放。`,
    },
    gatewayDown: '网关不可用（熔断器已打开）：发放已暂停，网关恢复后会继续发送；详见概览。',
    refused: (action: string, why: string) => `${action}被拒绝：${why}`,
    changedSinceRead:
      '自页面加载以来，此策略已被他人修改，因此未执行任何操作。请查看它的当前版本后再试。',
    names: {
      enable: '启用',
      disable: '停用',
      run: '运行',
      approve: '批准',
      dismiss: '作废',
      'approve-all': '全部批准',
    },
    enabled: '已启用。',
    disabled: '已停用（其被暂扣的周期已释放）。',
    dismissed: (when: string) => `已作废 ${when}：未发放任何额度。`,
    approvedAll: (runs: number, granted: number) =>
      `已批准并运行 ${runs} 个被暂扣的周期：发放 ${granted} 笔。`,
    capUsers: (n: number) => `${n} 个用户`,
    capAmount: (amount: string) => `额度 ${amount}`,
    heldOutcome: (users: number, amount: string, caps: string) =>
      ` 因预算被暂扣：将向 ${users} 个用户共发放 ${amount}（上限：${caps}）；未发放任何额度。`,
    capsJoin: '，',
    ran: (approved: boolean, matched: string, granted: string, failed: string, held: string) =>
      `${approved ? '已批准并运行' : '已运行'}：符合条件 ${matched}，已发放 ${granted}，失败 ${failed}。${held}`,
  },
  held: {
    title: '因预算被暂扣',
    intro:
      '在提高上限，或批准某个周期（超出上限发放一次）、作废某个周期（关闭，不发放）之前，这些周期都不会发放。',
    occurrence: '周期',
    users: '用户数',
    amount: '总额度',
    caps: '上限（用户数，额度）',
    actions: '操作',
    approve: '批准',
    approveAt: (when: string) => `批准 ${when}`,
    dismissAt: (when: string) => `作废 ${when}`,
    approveQuestion: (name: string, when: string) =>
      `批准 ${name} 在 ${when} 的周期？它会超出预算立即发放。`,
    dismissQuestion: (name: string, when: string) =>
      `作废 ${name} 在 ${when} 的周期？该周期将永远不会发放。`,
    approveAll: (n: number) => `全部批准（${n} 个）`,
  },
  closedHolds: {
    title: '已关闭且未发放的暂扣',
    occurrence: '周期',
    closed: '关闭时间',
    why: '原因',
    meaning: {
      superseded: '已被取代：更新的周期已到期（错过的周期：跳过）',
      dismissed: '已被操作员作废',
      released: '已释放：策略已停用',
    },
  },
};
