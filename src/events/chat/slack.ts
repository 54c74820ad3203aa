// Slack incoming webhook: https://api.slack.com/messaging/webhooks, blocks per
// https://api.slack.com/reference/block-kit/blocks. Body: `text` (the notification and fallback
// text) and `blocks` (header, a mrkdwn section, a context line). Text objects are limited to
// 150 characters in a header and 3000 in a section; `&`, `<` and `>` are escaped as Slack asks
// (https://api.slack.com/reference/surfaces/formatting#escaping). No signing: the URL is the
// secret.
import type { ChatMessage, ChatRenderInput } from './chat-message.ts';
import { summarizeEvent } from './event-summary.ts';

const MAX_HEADER = 150;
const MAX_SECTION = 3000;

const escapeMrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const cut = (text: string, max: number) =>
  text.length <= max ? text : text.slice(0, max - 1) + '…';

export function renderSlack(input: ChatRenderInput): ChatMessage {
  const summary = summarizeEvent(input.envelope);
  const section = summary.fields
    .map(([label, value]) => `*${escapeMrkdwn(label)}*: ${escapeMrkdwn(value)}`)
    .join('\n');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(summary.title, MAX_HEADER) } },
  ];
  if (section !== '')
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(section, MAX_SECTION) } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeMrkdwn(summary.footer) }],
  });
  return { url: input.url, body: { text: escapeMrkdwn(summary.title), blocks } };
}
