// Simplified Chinese: the overview and its badges.
// Part of the catalogue zh-CN.ts assembles; its type is the English catalogue's shape for
// these keys, so a key missing here is a type error.
import type { Child } from 'hono/jsx';
import type { Messages } from '../en.ts';

export const overview: Pick<Messages, 'overview' | 'attention'> = {
  overview: {
    title: '概览',
    asOf: (at: Child): Child[] => ['统计截至 ', at],
    statsFailed: (status: number) => `无法读取统计数据（HTTP ${status}）。`,
    gatewayTitle: '网关',
    gatewayLine: (gateway: Child, database: Child): Child[] => [
      '网关：',
      gateway,
      '；数据库：',
      database,
    ],
    checkUnknown: '未知',
    checkOk: '正常',
    breaker: '熔断器：',
    breakerNotReported: '未上报（/metrics 受保护或未启用）',
    breakerOpen: '已熔断——发放已暂停',
    breakerClosed: '正常',
    attentionTitle: '待处理',
    chartTitle: (days: number) => `近 ${days} 天每日发放额度`,
    chartHint: (zone: string) =>
      `按周期所在日期（${zone}）统计的已发放额度，仅含周期策略；单次策略计入上方总计。`,
    chartLabel: '各策略每日发放额度图表（数字见下方表格）',
    chartAxisDay: '日期',
    chartAxisAmount: '额度',
    theNumbers: '具体数字',
    nothingGranted: '这些天里周期策略没有发放任何额度。',
    day: '日期',
    grantedHeading: '已发放（成功的发放）',
    periods: { today: '今日', this_month: '本月', all_time: '累计' },
    grantsApplied: (n: number) => `已成功发放 ${n} 笔`,
  },
  attention: {
    none: '无',
    unknown: '结果未知',
    failed: '失败（扫描时重试）',
    held: '被暂扣的周期',
    failedBy: '各策略的失败发放：',
    heldBy: '各策略被暂扣的周期：',
    heldNotReported: '此服务器不报告被暂扣的周期。',
  },
};
