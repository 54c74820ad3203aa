// Simplified Chinese: the frame every page shares, sign-in, and the words many pages use.
// Part of the catalogue zh-CN.ts assembles; its type is the English catalogue's shape for
// these keys, so a key missing here is a type error.
import type { Child } from 'hono/jsx';
import type { Messages } from '../en.ts';

export const shell: Pick<Messages, 'languageName' | 'frame' | 'common' | 'csrf' | 'signIn'> = {
  languageName: '简体中文',
  frame: {
    product: 'quota-manager',
    titleSuffix: ' · quota-manager',
    skip: '跳到正文',
    navLabel: '控制台',
    nav: {
      overview: '概览',
      strategies: '策略',
      'why-not': '为何未发放？',
      'unknown-grants': '结果未知的发放',
      users: '用户',
      sources: '数据源',
      audit: '审计',
      webhooks: 'Webhook',
    },
    roles: { admin: '管理员', viewer: '只读' },
    signOut: '退出登录',
    signOutEverywhere: '在所有设备上退出',
    languageLabel: '语言',
  },
  common: {
    none: '无',
    yes: '是',
    no: '否',
    once: '单次',
    any: '全部',
    filter: '筛选',
    pager: { label: '分页', next: '下一页', first: '第一页' },
    confirmTitle: '请确认',
    confirm: '确认',
    cancel: '取消',
    refusedTitle: '已拒绝',
    refused: (reason: string) => `已拒绝：${reason}。`,
    notSignedIn: '未登录',
    formTooLarge: '表单过大',
    noSuchAsset: '没有这个资源文件',
    unavailable: (what: string, route: Child): Child[] => [
      `此服务器不支持${what}：它不响应 `,
      route,
      '（API 版本较旧）。',
    ],
    notAvailableHere: '此服务器不支持',
    httpStatus: (status: number) => `HTTP ${status}`,
    colon: '：',
    withHint: (label: string, hint: string) => `${label}（${hint}）`,
    parenthesized: (text: string) => `（${text}）`,
    inTheZoneOf: (whose: 'strategy' | 'daemon') =>
      whose === 'strategy' ? '策略所在时区' : '守护进程所在时区',
  },
  csrf: {
    foreign: '请求来自其他站点',
    missingToken: '表单缺少安全令牌（请刷新页面）',
  },
  signIn: {
    title: '登录',
    tokenLabel: 'API 令牌（管理员或只读）',
    submit: '登录',
    hint: '令牌加密保存在服务器上，仅用于本次会话（8 小时）；浏览器只持有一个随机的会话 ID。',
    notAccepted: '该令牌未被接受。',
    apiRateLimited: '来自您地址的请求过多，令牌未经校验。请稍后重试。',
    apiFailed: (status: number) => `API 无法校验该令牌（HTTP ${status}）。请稍后重试。`,
    tooManyAttempts: (seconds: number) => `来自您地址的登录尝试过多。请在 ${seconds} 秒后重试。`,
    enterToken: '请输入 API 令牌。',
    crossSite: '已拒绝跨站登录',
  },
};
