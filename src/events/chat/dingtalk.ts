// DingTalk custom robot ("自定义机器人"):
// https://open.dingtalk.com/document/robots/custom-robot-access (message types) and
// https://open.dingtalk.com/document/robots/customize-robot-security-settings (signing).
// Body: `msgtype` `markdown` with `title` (the notification preview) and `text`. Signing ("加签")
// adds `timestamp` (milliseconds) and `sign` to the URL's query: base64 of HMAC-SHA256 keyed by
// the secret over `timestamp + "\n" + secret`, URL-encoded.
import { createHmac } from 'node:crypto';
import type { ChatMessage, ChatRenderInput } from './chat-message.ts';
import { summarizeEvent } from './event-summary.ts';

export function dingtalkSign(timestampMs: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function renderDingtalk(input: ChatRenderInput): ChatMessage {
  const summary = summarizeEvent(input.envelope);
  const text = [
    `#### ${summary.title}`,
    ...summary.fields.map(([label, value]) => `- **${label}**: ${value}`),
    '',
    `###### ${summary.footer}`,
  ].join('\n');
  const body = { msgtype: 'markdown', markdown: { title: summary.title, text } };
  if (input.secret === undefined) return { url: input.url, body };
  const url = new URL(input.url);
  const timestamp = String(input.now.getTime());
  url.searchParams.set('timestamp', timestamp);
  // URLSearchParams percent-encodes base64's `+`, `/` and `=`, as the documented urlEncode does.
  url.searchParams.set('sign', dingtalkSign(timestamp, input.secret));
  return { url: url.toString(), body };
}
