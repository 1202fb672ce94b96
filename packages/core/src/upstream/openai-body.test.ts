import { describe, expect, it } from 'vitest';
import { openAiBody } from './openai-chat-completions.js';

describe('openAiBody', () => {
  it('keeps a pass-through field named __proto__ as a field, never as the body\'s prototype', () => {
    const request = JSON.parse('{"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}],"__proto__":{"polluted":true},"x-routing-hints":{}}');
    const body = openAiBody(request);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(body))).toEqual({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], ['__proto__']: { polluted: true } });
    expect(Object.keys(body)).not.toContain('x-routing-hints');
  });
});
