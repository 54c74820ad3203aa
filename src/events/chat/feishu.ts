// Feishu / Lark custom bot ("自定义机器人"):
// https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
// (Lark: https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot)
// Body: `msg_type` `interactive` with a `card` (header + lark_md text), or `text`. With signature
// verification on, the body also carries `timestamp` (Unix seconds) and `sign`: base64 of
// HMAC-SHA256 keyed by `timestamp + "\n" + secret` over an empty message.
import { createHmac } from 'node:crypto';
import type { ChatMessage, ChatRenderInput } from './chat-message.ts';
import { summarizeEvent } from './event-summary.ts';

export type FeishuStyle = 'card' | 'text';

export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

export function renderFeishu(input: ChatRenderInput, style: FeishuStyle = 'card'): ChatMessage {
  const summary = summarizeEvent(input.envelope);
  const lines = summary.fields.map(([label, value]) => `**${label}**: ${value}`);
  const message =
    style === 'card'
      ? {
          msg_type: 'interactive',
          card: {
            header: { title: { tag: 'plain_text', content: summary.title }, template: 'orange' },
            elements: [
              { tag: 'div', text: { tag: 'lark_md', content: lines.join('\n') } },
              { tag: 'note', elements: [{ tag: 'plain_text', content: summary.footer }] },
            ],
          },
        }
      : {
          msg_type: 'text',
          content: { text: [summary.title, ...lines, summary.footer].join('\n') },
        };
  if (input.secret === undefined) return { url: input.url, body: message };
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  return {
    url: input.url,
    body: { timestamp, sign: feishuSign(timestamp, input.secret), ...message },
  };
}
