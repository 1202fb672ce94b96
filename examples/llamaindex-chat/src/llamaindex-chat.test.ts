import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, Receipt } from '@routekit/core';
import { createRoutedChat, type RoutedChat } from './create-routed-chat.js';
import { defaultQuestions, runConversation } from './run-conversation.js';

let chat: RoutedChat;
beforeAll(async () => {
  chat = await createRoutedChat({ environment: {}, mock: {} });
});
afterAll(() => chat.close());

describe('examples/llamaindex-chat (smoke)', () => {
  it('runs the demo conversations on the mock upstream: streamed answers, a receipt each, PII kept from the model, a repeated opening from the cache', async () => {
    expect(chat.demo).toBeDefined();
    let output = '';
    const receipts: Receipt[] = await runConversation(chat, defaultQuestions, (text) => {
      output += text;
    });
    expect(receipts).toHaveLength(3);
    expect(receipts.every((receipt) => receipt.status === 'ok' && receipt.winner !== null && receipt.cache?.status !== 'hit')).toBe(true);
    const [again] = await runConversation(chat, defaultQuestions.slice(0, 1), () => {});
    expect(again!.cache?.status).toBe('hit');
    expect(output).toContain('Mock answer from gpt-4.1');
    expect(output).toContain('[routekit] openai/gpt-4.1');
    const sent = chat.demo!.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);
    expect(sent).toHaveLength(3);
    expect(JSON.stringify(sent)).not.toContain('jane.doe@example.com');
    // The engine sends the whole conversation so far, as a chat engine does.
    expect(sent[2]!.messages.filter((message) => message.role === 'user')).toHaveLength(3);
  });
});
