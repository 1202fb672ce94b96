import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../chat/chat-request.js';
import type { ChatResponse } from '../../chat/chat-response.js';
import { InvalidRequestError } from '../../errors.js';
import { createExchange } from '../../pipeline/create-exchange.js';
import { createPiiMiddleware, createPiiPolicy } from './pii-middleware.js';
import { redactRequest } from './redact-request.js';

const email = 'ana.lopez@example.com';
const card = '4111 1111 1111 1111';
const phone = '+1-415-555-0123';

/** A request with PII in every field that leaves for the provider (issue 15 item 6). */
function requestWithPiiEverywhere(): ChatRequest {
  return {
    model: 'openai/gpt-4.1-mini',
    messages: [
      { role: 'system', content: 'You help.', name: `sys ${email}` },
      {
        role: 'user',
        name: `caller ${phone}`,
        content: [
          // One card split across two text parts, at a space and inside a group.
          { type: 'text', text: 'my card is 4111 1111 ' },
          { type: 'image_url', image_url: { url: `https://img.example.com/a.png?owner=${email}` } },
          { type: 'text', text: '1111 1111, thanks' },
          { type: 'image_url', image_url: { url: `data:text/plain,call%20me%20at%20${encodeURIComponent(phone)}` } },
          { type: 'image_url', image_url: { url: `data:image/png;name=${email};base64,iVBORw0KGgo=` } },
        ],
      },
      { role: 'assistant', content: null, refusal: `no ${email}`, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'send_mail', arguments: JSON.stringify({ to: email }) } }] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify({ sent: email }) },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'send_mail',
          description: `Sends mail; the admin is ${email}`,
          parameters: { type: 'object', properties: { to: { type: 'string', description: `e.g. ${email}`, enum: [email, 'other@example.org'] } } },
        },
      },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'reply', description: `reply to ${phone}`, schema: { type: 'object', properties: { note: { type: 'string', default: `card ${card}` } } } } },
    stop: [email, 'END'],
    user: email,
    metadata: { customer: email, [email]: 'key' },
    prediction: { type: 'content', content: `draft for ${email}` },
    unknown_field: { deep: [`ssn 460-89-9847 ${phone}`] },
  };
}

describe('redactRequest covers every string that leaves (issue 15 item 6)', () => {
  it('redacts name, user, metadata, tools, response_format, stop, image URLs, unknown fields and split cards', () => {
    const session = createPiiPolicy().createSession({ nonce: 'abc123' });
    const redacted = redactRequest(requestWithPiiEverywhere(), session);
    const sent = JSON.stringify(redacted);
    for (const value of [email, phone, encodeURIComponent(phone), '460-89-9847', '4111 1111', '1111 1111', encodeURIComponent(email)]) expect(sent).not.toContain(value);
    const user = redacted.messages[1]!;
    if (user.role !== 'user' || !Array.isArray(user.content)) throw new Error('expected parts');
    // The card's placeholder sits where it starts; the rest of it is gone from the second part.
    expect(user.content[0]).toEqual({ type: 'text', text: 'my card is <CREDIT_CARD_1_abc123>' });
    expect(user.content[2]).toEqual({ type: 'text', text: ', thanks' });
    expect(user.content[4]).toEqual({ type: 'image_url', image_url: { url: 'data:image/png;name=<EMAIL_1_abc123>;base64,iVBORw0KGgo=' } });
    // Identifiers the provider matches stay as they were.
    expect(redacted.tools![0]!.function.name).toBe('send_mail');
    expect(redacted.response_format).toMatchObject({ json_schema: { name: 'reply' } });
    const assistant = redacted.messages[2]!;
    expect(assistant.role === 'assistant' && assistant.tool_calls![0]!.function.name).toBe('send_mail');
    expect(redacted.messages[3]).toMatchObject({ tool_call_id: 'call_1' });
    expect(redacted.model).toBe('openai/gpt-4.1-mini');
    // Every value got one placeholder, the same wherever it appears.
    expect(new Set(sent.match(/<EMAIL_\d+_abc123>/g))).toEqual(new Set(['<EMAIL_1_abc123>', '<EMAIL_2_abc123>']));
  });

  it('block mode refuses PII in any of those fields, naming the field', () => {
    const base: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
    const variants: Array<[string, ChatRequest]> = [
      ['messages[0].name', { ...base, messages: [{ role: 'user', content: 'hi', name: email }] }],
      ['user', { ...base, user: email }],
      ['metadata.customer', { ...base, metadata: { customer: email } }],
      ['tools[0].function.description', { ...base, tools: [{ type: 'function', function: { name: 'f', description: email } }] }],
      ['tools[0].function.parameters.properties.to.description', { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: { properties: { to: { description: email } } } } }] }],
      ['response_format.json_schema.schema.description', { ...base, response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { description: email } } } }],
      ['stop', { ...base, stop: email }],
      ['messages[0].content[0].image_url.url', { ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `https://x.example/?m=${email}` } }] }] }],
      ['unknown_field', { ...base, unknown_field: email }],
      ['messages[0].content[0].text', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'card 4111 1111' }, { type: 'text', text: ' 1111 1111' }] }] }],
    ];
    const policy = createPiiPolicy({ defaultAction: 'block' });
    for (const [field, request] of variants) {
      let error: unknown;
      try {
        redactRequest(request, policy.createSession());
      } catch (caught) {
        error = caught;
      }
      expect(error, field).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).param, field).toBe(field);
    }
  });

  it('keeps a request field called __proto__ a field', () => {
    const request = JSON.parse(`{"model":"auto","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":"${email}"}}`) as ChatRequest;
    const redacted = redactRequest(request, createPiiPolicy().createSession());
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.hasOwn(redacted, '__proto__')).toBe(true);
    expect(JSON.stringify(redacted)).not.toContain(email);
  });

  it('does not read base64 image and audio data as text', () => {
    const payload = 'QUJD'.repeat(200) + '4111111111111111'.repeat(4);
    const parts = [
      { type: 'image_url', image_url: { url: `data:image/png;base64,${payload}` } },
      { type: 'input_audio', input_audio: { data: payload, format: 'wav' } },
    ];
    const request = { model: 'auto', messages: [{ role: 'user', content: parts }] } as ChatRequest;
    const session = createPiiPolicy().createSession();
    const redacted = redactRequest(request, session);
    expect(JSON.stringify(redacted)).toContain(payload);
    expect(session.scanned).toBeLessThan(payload.length);
  });
});

function answer(content: string): ChatResponse {
  return { id: 'r', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] };
}

describe('placeholders are unforgeable (issue 15 item 8)', () => {
  it("leaves a user's literal <EMAIL_1> alone in the answer and restores only the session's own placeholder", async () => {
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: `Repeat <EMAIL_1> and <EMAIL_1_abc123>, then mail ${email}` }] };
    const exchange = createExchange({ request });
    const result = await createPiiMiddleware().wrapRequest!(exchange, async () => {
      const sent = JSON.stringify(exchange.request);
      const ours = /<EMAIL_1_[a-z0-9]{6}>/.exec(sent.replace('<EMAIL_1_abc123>', ''))![0];
      // The provider echoes everything it was sent: the user's literals and our placeholder.
      return { type: 'response', response: answer(`<EMAIL_1> <EMAIL_1_abc123> ${ours}`) };
    });
    expect(result.type === 'response' && result.response.choices[0]!.message.content).toBe(`<EMAIL_1> <EMAIL_1_abc123> ${email}`);
  });

  it('gives each request its own nonce, also past one draw of random bytes (256 nonces)', () => {
    const policy = createPiiPolicy();
    const nonces = Array.from({ length: 300 }, () => policy.createSession({ nonce: true }).nonce);
    expect(new Set(nonces).size).toBe(300);
    for (const nonce of nonces) expect(nonce).toMatch(/^[a-z0-9]{6}$/);
  });
});

describe('work per request is bounded (issue 15 item 3)', () => {
  it('refuses more text than maxScanCharacters with 413 pii_scan_limit, counting every field', () => {
    const policy = createPiiPolicy({ maxScanCharacters: 1000 });
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'a'.repeat(600) }], user: 'b'.repeat(600) };
    const error = (() => {
      try {
        redactRequest(request, policy.createSession());
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 413, code: 'pii_scan_limit', param: 'user' });
    expect(() => redactRequest({ ...request, user: 'b' }, policy.createSession())).not.toThrow();
  });

  it('charges each string at least 64 characters, so many tiny strings are bounded too', () => {
    const parts = Array.from({ length: 40 }, (_, index) => ({ type: 'image_url' as const, image_url: { url: `https://x.example/${index}.png` } }));
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: parts }] };
    expect(() => redactRequest(request, createPiiPolicy({ maxScanCharacters: 64 * 39 }).createSession())).toThrow(/at most|more than/);
    expect(() => redactRequest(request, createPiiPolicy({ maxScanCharacters: 64 * 40 }).createSession())).not.toThrow();
  });

  it('redacts every value of a PII-dense megabyte (a pasted log)', () => {
    const lines: string[] = [];
    for (let index = 0, length = 0; length < 900_000; index += 1) {
      lines.push(`2026-03-01T12:00:00Z login user${index}@example.com from 10.1.${index % 250}.${index % 200} card 4111 1111 1111 1111`);
      length += lines.at(-1)!.length + 1;
    }
    const text = lines.join('\n');
    const session = createPiiPolicy().createSession({ nonce: true });
    const redacted = session.redact(text, 'content');
    expect(redacted).not.toMatch(/user\d+@example\.com|4111 1111/);
    expect(session.detected.EMAIL).toBe(lines.length);
  });

  it('redacts tool_calls of any shape on any message: null entries, a function that is not an object (issue 20, item 4)', () => {
    const request = {
      model: 'auto',
      messages: [
        { role: 'user', content: 'hi', tool_calls: [null, 'write to ana.lopez@example.com', { id: 'c', type: 'function', function: null }, { function: { name: 'f', arguments: { to: email } } }] },
        { role: 'system', content: 'x', tool_calls: [{}] },
      ],
    } as unknown as ChatRequest;
    const redacted = redactRequest(request, createPiiPolicy().createSession()) as unknown as { messages: Array<{ tool_calls: unknown[] }> };
    expect(redacted.messages[0]!.tool_calls[0]).toBeNull();
    expect(redacted.messages[0]!.tool_calls[2]).toEqual({ id: 'c', type: 'function', function: null });
    expect(redacted.messages[1]!.tool_calls).toEqual([{}]);
    expect(JSON.stringify(redacted)).not.toContain(email);
  });

  it('refuses JSON nested deeper than 100 levels inside tool-call arguments or tool results with a 400 naming the field', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const call = (content: ChatRequest['messages']) => () => redactRequest({ model: 'auto', messages: content }, createPiiPolicy().createSession());
    expect(call([{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: deep } }] }])).toThrow(
      expect.objectContaining({ status: 400, code: 'json_too_deep', param: 'messages[0].tool_calls[0].function.arguments' }) as Error,
    );
    expect(call([{ role: 'tool', tool_call_id: 'c', content: deep }])).toThrow(expect.objectContaining({ status: 400, code: 'json_too_deep', param: 'messages[0].content' }) as Error);
    // 100 levels are fine, and still redacted.
    const hundred = `${'['.repeat(99)}"${email}"${']'.repeat(99)}`;
    const redacted = redactRequest({ model: 'auto', messages: [{ role: 'tool', tool_call_id: 'c', content: hundred }] }, createPiiPolicy().createSession());
    expect(redacted.messages[0]!.content).not.toContain(email);
  });

  it('bounds the depth of a value handed in-process, without overflowing the stack', () => {
    let value: unknown = email;
    for (let level = 0; level < 20_000; level += 1) value = [value];
    const request = { model: 'auto', messages: [{ role: 'user', content: 'hi' }], metadata: value } as unknown as ChatRequest;
    expect(() => redactRequest(request, createPiiPolicy().createSession())).toThrow(expect.objectContaining({ code: 'json_too_deep' }) as Error);
  });
});
