// Simplified Chinese: the strategy form and the condition feedback.
// Part of the catalogue zh-CN.ts assembles; its type is the English catalogue's shape for
// these keys, so a key missing here is a type error.
import type { Child } from 'hono/jsx';
import type { Messages } from '../en.ts';

export const form: Pick<Messages, 'form' | 'condition' | 'problem'> = {
  form: {
    newTitle: '新建策略',
    editTitle: (name: string) => `编辑 ${name}`,
    viewerNotice: '您以只读用户身份登录：服务器将拒绝保存。',
    save: '保存',
    create: '创建',
    saved: '已保存。',
    changedSinceOpened:
      '自您打开以来，此策略已被他人修改：您的编辑未保存。请刷新页面查看当前版本，然后重新修改。',
    fields: {
      name: { label: '名称', hint: '唯一' },
      title: { label: '标题' },
      type: {
        label: '类型',
        valueLabels: { single: '单次（只有一个周期）', periodic: '周期（按 Cron 表达式）' },
      },
      mode: {
        label: '发放方式',
        valueLabels: {
          add: '增加（每次发放固定额度）',
          top_up: '补足（把余额提高到目标值）',
          reset: '重置（把余额设为指定值）',
        },
      },
      amount: { label: '额度' },
      model: { label: '模型', hint: '留空：使用网关默认模型' },
      periodic_expr: { label: 'Cron 表达式', hint: '周期策略' },
      timezone: { label: '时区', hint: 'IANA 时区名；留空：使用守护进程的默认时区' },
      condition: { label: '条件' },
      max_exec_per_user: { label: '每个用户最多发放次数', hint: '0 表示不限' },
      missed_runs: {
        label: '错过的周期',
        valueLabels: { skip: '跳过（只发放最近一次）', catch_up: '补发（逐个发放）' },
      },
      max_catch_up: { label: '最多补发周期数' },
      start_at: { label: '开始时间', hint: 'ISO 8601，带时区偏移，可选' },
      end_at: { label: '结束时间', hint: 'ISO 8601，带时区偏移，可选' },
      max_users_per_occurrence: { label: '预算：每个周期最多用户数', hint: '可选' },
      max_amount_per_occurrence: { label: '预算：每个周期最多额度', hint: '可选' },
      expires_after: { label: '额度批次：发放后多久过期', hint: 'P30D、PT12H、end_of_month；可选' },
      expires_at: { label: '额度批次：过期时间', hint: 'ISO 8601，仅单次策略；可选' },
      rollover_max: { label: '额度批次：最多结转', hint: '周期策略；结转到下一周期；可选' },
      priority: { label: '额度批次：消耗优先级', hint: '数值越小越先消耗' },
      enabled: { label: '启用', hint: '扫描时按它发放' },
    },
    amountLabels: {
      add: '每次发放额度',
      top_up: '补足到',
      reset: '重置为',
    },
    amountMeaning:
      '增加：每次发放加上的额度 · 补足：把每个用户的余额提高到的值（只发送差额）· 重置：把每个用户的余额设为的值',
    functions: (n: number) => `函数（${n} 个）`,
    noCron: '没有 Cron 表达式（单次策略）。',
    schedule: {
      timeZoneAt: '时区：',
      useZone: (zone: Child): Child[] => ['（请使用 ', zone, '）'],
      unavailable: (status: number) => `暂时无法获取接下来的触发时间（HTTP ${status}）。`,
    },
  },
  condition: {
    notChecked: '无法校验该条件。',
    valid: '有效',
    readsAs: ' —— 规范写法：',
    position: (line: number, column: number) => `第 ${line} 行第 ${column} 列`,
    conditionField: '条件',
    writeOne: (example: Child): Child[] => ['请填写条件，例如 ', example, '。'],
  },
  problem: {
    at: (line: number, column: number, message: string) =>
      `第 ${line} 行第 ${column} 列：${message}`,
  },
};
