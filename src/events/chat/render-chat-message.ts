// One entry point for the chat kinds an endpoint may have.
import type { ChatKind, ChatMessage, ChatRenderInput } from './chat-message.ts';
import { renderDingtalk } from './dingtalk.ts';
import { renderFeishu } from './feishu.ts';
import { renderSlack } from './slack.ts';
import { renderWecom } from './wecom.ts';

const RENDERERS: Record<ChatKind, (input: ChatRenderInput) => ChatMessage> = {
  feishu: (input) => renderFeishu(input),
  dingtalk: renderDingtalk,
  wecom: renderWecom,
  slack: renderSlack,
};

export function renderChatMessage(kind: ChatKind, input: ChatRenderInput): ChatMessage {
  return RENDERERS[kind](input);
}
