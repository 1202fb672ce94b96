import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import { exactRequestKey, SEMANTIC_MAX_CHARACTERS, semanticRequestKey } from './request-key.js';

const base: ChatRequest = { model: 'auto', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }], temperature: 0.2 };

describe('exactRequestKey', () => {
  it('ignores key order, stream, stream_options and user', () => {
    const reordered: ChatRequest = { temperature: 0.2, messages: base.messages, model: 'other', stream: true, stream_options: { include_usage: true }, user: 'u1' };
    expect(exactRequestKey(reordered, 'auto')).toBe(exactRequestKey(base, 'auto'));
  });

  it('changes with the model string and with every field that changes the answer', () => {
    const key = exactRequestKey(base, 'auto');
    expect(exactRequestKey(base, 'openai/gpt-4.1')).not.toBe(key);
    for (const change of [{ temperature: 0.3 }, { top_p: 0.5 }, { max_tokens: 10 }, { stop: ['\n'] }, { seed: 1 }, { response_format: { type: 'json_object' as const } }, { tool_choice: 'none' as const }, { vendor_field: 1 }]) {
      expect(exactRequestKey({ ...base, ...change }, 'auto')).not.toBe(key);
    }
  });
});

describe('semanticRequestKey', () => {
  it('keeps the last user message apart and hashes everything before it', () => {
    const key = semanticRequestKey(base, 'auto')!;
    expect(key.prompt).toBe('Hi there');
    const otherQuestion = semanticRequestKey({ ...base, messages: [base.messages[0]!, { role: 'user', content: 'Hello' }] }, 'auto')!;
    expect(otherQuestion.context).toBe(key.context);
    const otherSystem = semanticRequestKey({ ...base, messages: [{ role: 'system', content: 'Be long.' }, base.messages[1]!] }, 'auto')!;
    expect(otherSystem.context).not.toBe(key.context);
    expect(semanticRequestKey({ ...base, temperature: 0 }, 'auto')!.context).not.toBe(key.context);
  });

  it('has no key for images, tool results or an assistant last turn', () => {
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'tool', tool_call_id: 'c', content: '42' }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'assistant', content: 'Hi' }] }, 'auto')).toBeNull();
  });
});

describe('semanticRequestKey on long prompts', () => {
  it('leaves prompts over SEMANTIC_MAX_CHARACTERS to the exact cache, so embedding never blocks the event loop for long', () => {
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(SEMANTIC_MAX_CHARACTERS) }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(SEMANTIC_MAX_CHARACTERS / 4) }] }, 'auto')).not.toBeNull();
  });
});
