// WeCom (企业微信) group robot ("群机器人"):
// https://developer.work.weixin.qq.com/document/path/91770
// Body: `msgtype` `markdown` with `content`, at most 4096 bytes of UTF-8. The robot has no
// signing of its own: the `key` in its URL is the secret, so the URL must never be logged.
import type { ChatMessage, ChatRenderInput } from './chat-message.ts';
import { cutToBytes, summarizeEvent } from './event-summary.ts';

const MAX_CONTENT_BYTES = 4096;

export function renderWecom(input: ChatRenderInput): ChatMessage {
  const summary = summarizeEvent(input.envelope);
  const content = [
    `### ${summary.title}`,
    ...summary.fields.map(([label, value]) => `> **${label}**: ${value}`),
    `<font color="comment">${summary.footer}</font>`,
  ].join('\n');
  return {
    url: input.url,
    body: { msgtype: 'markdown', markdown: { content: cutToBytes(content, MAX_CONTENT_BYTES) } },
  };
}
