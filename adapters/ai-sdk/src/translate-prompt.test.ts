import type { LanguageModelV4Prompt } from '@ai-sdk/provider';
import type { ChatMessage } from '@routekit/core';
import { describe, expect, it } from 'vitest';
import { applyEngineText, textLeaves, translatePrompt } from './translate-prompt.js';
import { toChatRequest } from './to-chat-request.js';

const image = new Uint8Array([137, 80, 78, 71]);
const prompt: LanguageModelV4Prompt = [
  { role: 'system', content: 'You help ana@example.com.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Look at this, ana@example.com' },
      { type: 'file', data: { type: 'data', data: image }, mediaType: 'image/png' },
      { type: 'file', data: { type: 'text', text: 'notes for ana@example.com' }, mediaType: 'text/plain' },
    ],
    providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
  },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'thinking' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { email: 'ana@example.com' } },
      { type: 'text', text: 'Looking up ana@example.com' },
    ],
  },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { type: 'json', value: { owner: 'ana@example.com' } } }] },
];

/** Stands in for the PII feature: every text leaf with the address gets a placeholder. */
const redact = (messages: ChatMessage[]): ChatMessage[] => {
  const leaves = textLeaves(messages).map((text) => text.replaceAll('ana@example.com', '<EMAIL_1>'));
  let index = 0;
  return translatePrompt(prompt, () => leaves[index++]!).messages;
};

describe('translatePrompt and applyEngineText', () => {
  it('builds OpenAI-shaped messages: system, user text and image, assistant text then tool calls, one tool message per result', () => {
    const { messages } = translatePrompt(prompt);
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look at this, ana@example.com' },
        { type: 'image_url', image_url: { url: 'routekit:image/png' } },
        { type: 'text', text: 'notes for ana@example.com' },
      ],
    });
    expect(messages[2]).toMatchObject({ content: [{ type: 'text', text: 'Looking up ana@example.com' }], tool_calls: [{ id: 'c1', function: { name: 'lookup', arguments: '{"email":"ana@example.com"}' } }] });
    expect(messages[3]).toEqual({ role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '{"owner":"ana@example.com"}' }] });
  });

  it('puts only the engine\'s changed texts back, keeping files, reasoning and provider options', () => {
    const sent = translatePrompt(prompt).messages;
    const delegated = applyEngineText(prompt, sent, redact(sent));
    expect(JSON.stringify(delegated)).not.toContain('ana@example.com');
    expect(delegated[0]).toEqual({ role: 'system', content: 'You help <EMAIL_1>.' });
    expect(delegated[1]).toMatchObject({ providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } });
    const user = delegated[1]!.content as Array<{ type: string; data?: { type: string; data?: unknown; text?: string } }>;
    expect(user[1]?.data?.data).toBe(image);
    expect(user[2]?.data?.text).toBe('notes for <EMAIL_1>');
    expect(delegated[2]?.content).toEqual([
      { type: 'reasoning', text: 'thinking' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { email: '<EMAIL_1>' } },
      { type: 'text', text: 'Looking up <EMAIL_1>' },
    ]);
    expect(delegated[3]?.content[0]).toMatchObject({ output: { type: 'json', value: { owner: '<EMAIL_1>' } } });
  });

  it('keeps the very same prompt when the engine changed nothing', () => {
    const sent = translatePrompt(prompt).messages;
    expect(applyEngineText(prompt, sent, sent)).toBe(prompt);
    expect(applyEngineText(prompt, sent, [...sent])).toBe(prompt);
  });

  it('refuses an engine change that is not only text, rather than guess', () => {
    const sent = translatePrompt(prompt).messages;
    expect(() => applyEngineText(prompt, sent, sent.slice(1))).toThrow(/shape/);
  });
});

describe('toChatRequest', () => {
  it('carries tools, tool choice, structured output and sampling; folds what OpenAI cannot carry into a digest', () => {
    const base = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }] };
    const request = toChatRequest('auto', {
      ...base,
      tools: [{ type: 'function', name: 'weather', description: 'w', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'tool', toolName: 'weather' },
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'person' },
      maxOutputTokens: 100,
      temperature: 0.2,
      stopSequences: ['END'],
    }, true);
    expect(request).toMatchObject({
      model: 'auto',
      tools: [{ type: 'function', function: { name: 'weather', description: 'w', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object' } } },
      max_tokens: 100,
      temperature: 0.2,
      stop: ['END'],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request['x-ai-sdk-options']).toBeUndefined();
    const withReasoning = toChatRequest('auto', { ...base, reasoning: 'high' }, false);
    const withOtherReasoning = toChatRequest('auto', { ...base, reasoning: 'low' }, false);
    expect(withReasoning['x-ai-sdk-options']).toEqual(expect.any(String));
    expect(withReasoning['x-ai-sdk-options']).not.toBe(withOtherReasoning['x-ai-sdk-options']);
    expect(toChatRequest('auto', { ...base, responseFormat: { type: 'json' } }, false).response_format).toEqual({ type: 'json_object' });
  });
});
