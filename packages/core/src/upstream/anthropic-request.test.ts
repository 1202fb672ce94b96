import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import { toAnthropicRequest } from './anthropic-request.js';

describe('toAnthropicRequest', () => {
  it('translates a tool conversation with system text, images and results', () => {
    const request: ChatRequest = {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/sky.jpg' } },
          ],
        },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
      tool_choice: 'required',
      stop: 'END',
      temperature: 1.5,
      top_p: 0.9,
      max_tokens: 300,
      user: 'user-7',
      stream: true,
    };
    expect(toAnthropicRequest(request)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are terse.\n\nUse tools.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/sky.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
          ],
        },
        // The tool result and the next user text merge into one user turn.
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
      stop_sequences: ['END'],
      temperature: 1,
      top_p: 0.9,
      stream: true,
      metadata: { user_id: 'user-7' },
    });
  });

  it('defaults max_tokens, sends plain turns as strings and maps the other tool choices', () => {
    const base: ChatRequest = { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: 'lookup' } }] };
    const plain = toAnthropicRequest(base);
    expect(plain.max_tokens).toBe(4096);
    expect(plain.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(plain.tools).toEqual([{ name: 'lookup', input_schema: { type: 'object', properties: {} } }]);
    expect(plain.tool_choice).toBeUndefined();
    expect(toAnthropicRequest({ ...base, tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(toAnthropicRequest({ ...base, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(toAnthropicRequest({ ...base, tool_choice: { type: 'function', function: { name: 'lookup' } } }).tool_choice).toEqual({ type: 'tool', name: 'lookup' });
    expect(toAnthropicRequest({ ...base, parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(toAnthropicRequest({ ...base, max_completion_tokens: 50, max_tokens: 10 }).max_tokens).toBe(50);
  });

  it('rejects unusable tool arguments and image URLs, naming the field', () => {
    const badArguments: ChatRequest = { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] };
    expect(() => toAnthropicRequest(badArguments)).toThrow(expect.objectContaining({ param: 'messages[0].tool_calls[0].function.arguments' }));
    const badImage: ChatRequest = { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] };
    expect(() => toAnthropicRequest(badImage)).toThrow(InvalidRequestError);
  });
});
