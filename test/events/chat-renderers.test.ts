// Each chat kind's message as its bot documents it (URLs in src/events/chat/*.ts), and the
// signatures of Feishu and DingTalk recomputed here from their documented algorithms.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHAT_KINDS } from '../../src/events/chat/chat-message.ts';
import { renderChatMessage } from '../../src/events/chat/render-chat-message.ts';
import { renderFeishu } from '../../src/events/chat/feishu.ts';
import type { EventEnvelope } from '../../src/events/envelope.ts';

const envelope: EventEnvelope = {
  type: 'occurrence.held',
  timestamp: '2026-12-07T02:00:00Z',
  data: { strategy_id: 7, strategy: 'monthly <vip> & co', users: 1200, amount: 50 },
};
const now = new Date('2026-12-07T02:00:05.250Z');
const secret = 'SECdemo-secret-0123';
const hmacBase64 = (key: string, message: string) =>
  createHmac('sha256', key).update(message).digest('base64');

describe('Feishu / Lark custom bot', () => {
  const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/abc';

  it('renders an interactive card, unsigned without a secret', () => {
    const { url: target, body } = renderChatMessage('feishu', { envelope, url, now });
    expect(target).toBe(url);
    expect(body).toEqual({
      msg_type: 'interactive',
      card: {
        header: {
          title: { tag: 'plain_text', content: 'Occurrence held: budget approval needed' },
          template: 'orange',
        },
        elements: [
          {
            tag: 'div',
            text: {
              tag: 'lark_md',
              content:
                '**strategy_id**: 7\n**strategy**: monthly <vip> & co\n**users**: 1200\n**amount**: 50',
            },
          },
          {
            tag: 'note',
            elements: [{ tag: 'plain_text', content: 'occurrence.held at 2026-12-07T02:00:00Z' }],
          },
        ],
      },
    });
  });

  it('signs with timestamp (seconds) and sign = base64 HMAC keyed by "timestamp\\nsecret" over ""', () => {
    const { body } = renderChatMessage('feishu', { envelope, url, now, secret });
    const timestamp = '1796608805';
    expect(body.timestamp).toBe(timestamp);
    expect(body.sign).toBe(hmacBase64(`${timestamp}\n${secret}`, ''));
    expect(body.msg_type).toBe('interactive');
  });

  it('renders msg_type text when asked', () => {
    const { body } = renderFeishu({ envelope, url, now }, 'text');
    expect(body).toEqual({
      msg_type: 'text',
      content: {
        text:
          'Occurrence held: budget approval needed\n**strategy_id**: 7\n' +
          '**strategy**: monthly <vip> & co\n**users**: 1200\n**amount**: 50\n' +
          'occurrence.held at 2026-12-07T02:00:00Z',
      },
    });
  });
});

describe('DingTalk custom robot', () => {
  const url = 'https://oapi.dingtalk.com/robot/send?access_token=tok123';

  it('renders markdown with a title, unsigned without a secret', () => {
    const { url: target, body } = renderChatMessage('dingtalk', { envelope, url, now });
    expect(target).toBe(url);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: 'Occurrence held: budget approval needed',
        text:
          '#### Occurrence held: budget approval needed\n- **strategy_id**: 7\n' +
          '- **strategy**: monthly <vip> & co\n- **users**: 1200\n- **amount**: 50\n\n' +
          '###### occurrence.held at 2026-12-07T02:00:00Z',
      },
    });
  });

  it('signs in the query: timestamp (ms) and sign = urlencoded base64 HMAC(secret, "timestamp\\nsecret")', () => {
    const { url: target } = renderChatMessage('dingtalk', { envelope, url, now, secret });
    const timestamp = '1796608805250';
    const sign = encodeURIComponent(hmacBase64(secret, `${timestamp}\n${secret}`));
    expect(target).toBe(`${url}&timestamp=${timestamp}&sign=${sign}`);
  });

  it('percent-encodes + / = of the base64 signature (a secret whose sign has them)', () => {
    const secrets = Array.from({ length: 50 }, (_, i) => `SEC${i}`);
    const tricky = secrets.find((s) => /[+/]/.test(hmacBase64(s, `1796608805250\n${s}`)))!;
    const { url: target } = renderChatMessage('dingtalk', { envelope, url, now, secret: tricky });
    const raw = /[?&]sign=([^&]*)/.exec(target)![1]!;
    expect(raw).not.toMatch(/[+/=]/);
    expect(decodeURIComponent(raw)).toBe(hmacBase64(tricky, `1796608805250\n${tricky}`));
  });
});

describe('WeCom group robot', () => {
  const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1';

  it('renders msgtype markdown with content', () => {
    const { url: target, body } = renderChatMessage('wecom', { envelope, url, now, secret });
    expect(target).toBe(url);
    expect(body).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '### Occurrence held: budget approval needed\n> **strategy_id**: 7\n' +
          '> **strategy**: monthly <vip> & co\n> **users**: 1200\n> **amount**: 50\n' +
          '<font color="comment">occurrence.held at 2026-12-07T02:00:00Z</font>',
      },
    });
  });

  it('keeps content within 4096 bytes of UTF-8, not splitting a character', () => {
    const big = { ...envelope, data: { note: '配额'.repeat(3000) } };
    const { body } = renderChatMessage('wecom', { envelope: big, url, now });
    const content = (body.markdown as { content: string }).content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content).toMatch(/额…$|配…$/);
    expect(content).not.toContain('\uFFFD');
  });
});

describe('Slack incoming webhook', () => {
  const url = 'https://hooks.slack.com/services/T0/B0/x';

  it('renders text and blocks, escaping & < > in mrkdwn', () => {
    const { url: target, body } = renderChatMessage('slack', { envelope, url, now });
    expect(target).toBe(url);
    expect(body).toEqual({
      text: 'Occurrence held: budget approval needed',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: 'Occurrence held: budget approval needed' },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*strategy_id*: 7\n*strategy*: monthly &lt;vip&gt; &amp; co\n' +
              '*users*: 1200\n*amount*: 50',
          },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'occurrence.held at 2026-12-07T02:00:00Z' }],
        },
      ],
    });
  });

  it('keeps a section within 3000 characters', () => {
    const big = { ...envelope, data: { note: 'x'.repeat(5000) } };
    const { body } = renderChatMessage('slack', { envelope: big, url, now });
    const section = (body.blocks as { type: string; text?: { text: string } }[])[1]!;
    expect(section.text!.text).toHaveLength(3000);
  });
});

describe('every chat kind', () => {
  it.each(CHAT_KINDS)('%s shows an unknown event type by its name', (kind) => {
    const other = { type: 'lot.renamed', timestamp: '2026-12-07T02:00:00Z', data: {} };
    const { body } = renderChatMessage(kind, { envelope: other, url: 'https://x.test/h', now });
    expect(JSON.stringify(body)).toContain('lot.renamed');
  });
});
