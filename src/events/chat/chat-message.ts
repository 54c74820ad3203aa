// What every chat renderer takes and gives: an event in, the URL to post to (DingTalk signs in
// the query string) and the JSON body of that bot's own message format out.
import type { EventEnvelope } from '../envelope.ts';

export const CHAT_KINDS = ['feishu', 'dingtalk', 'wecom', 'slack'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface ChatRenderInput {
  envelope: EventEnvelope;
  /** The bot's webhook URL as the operator copied it from the chat app. */
  url: string;
  /** The bot's own signing secret, for the kinds that sign (Feishu, DingTalk); else unused. */
  secret?: string;
  /** The moment of sending: signatures carry it and the chat servers check it (1 hour). */
  now: Date;
}

export interface ChatMessage {
  url: string;
  body: Record<string, unknown>;
}
