import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../chat/chat-request.js';
import type { ChatChunk, ChatResponse } from '../../chat/chat-response.js';
import { InvalidRequestError } from '../../errors.js';
import type { ChatResult } from '../../pipeline/chat-result.js';
import { createExchange } from '../../pipeline/create-exchange.js';
import { createPiiMiddleware } from './pii-middleware.js';

const email = 'ana.lopez@example.com';
const card = '4454794511390933';

function response(content: string | null, toolArguments?: string): ChatResponse {
  return {
    id: 'r1',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, ...(toolArguments === undefined ? {} : { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'send', arguments: toolArguments } }] }) },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(delta: ChatChunk['choices'][number]['delta'], finish: 'stop' | null = null): ChatChunk {
  return { id: 's1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function* streamOf(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
  yield* chunks;
}

async function collect(result: ChatResult): Promise<ChatChunk[]> {
  if (result.type !== 'stream') throw new Error('expected a stream');
  const chunks: ChatChunk[] = [];
  for await (const item of result.stream) chunks.push(item);
  return chunks;
}

/** The nonce of the placeholders in what the provider was sent (issue 15 item 8: one per request). */
function nonceOf(sent: ChatRequest): string {
  const found = /<[A-Z][A-Z0-9_]*_\d+_([a-z0-9]{6})>/.exec(JSON.stringify(sent));
  if (found === null) throw new Error('no placeholder was sent');
  return found[1]!;
}
/** The placeholder `name` (e.g. `EMAIL_1`) as this request's session wrote it. */
const placeholder = (sent: ChatRequest, name: string) => `<${name}_${nonceOf(sent)}>`;

const text = (chunks: ChatChunk[]) => chunks.map((item) => item.choices[0]?.delta.content ?? '').join('');

async function run(request: ChatRequest, reply: (sent: ChatRequest) => ChatResult, options = {}) {
  const exchange = createExchange({ request });
  let sent: ChatRequest | undefined;
  const result = await createPiiMiddleware(options).wrapRequest!(exchange, async () => {
    sent = exchange.request;
    return reply(exchange.request);
  });
  return { exchange, sent: sent!, result };
}

describe('PII middleware', () => {
  it('redacts every role with stable placeholders and leaves the original request untouched', async () => {
    const request: ChatRequest = {
      model: 'auto',
      messages: [
        { role: 'system', content: `Escalate to ${email}.` },
        { role: 'user', content: [{ type: 'text', text: `I am ${email}, card ${card}` }] },
      ],
    };
    const before = structuredClone(request);
    const { exchange, sent } = await run(request, () => ({ type: 'response', response: response('ok') }));
    expect(sent.messages[0]!.content).toBe(`Escalate to ${placeholder(sent, 'EMAIL_1')}.`);
    expect(sent.messages[1]!.content).toEqual([{ type: 'text', text: `I am ${placeholder(sent, 'EMAIL_1')}, card ${placeholder(sent, 'CREDIT_CARD_1')}` }]);
    expect(request).toEqual(before);
    expect(exchange.original).toBe(request);
    expect(exchange.receipt.pii).toEqual({ action: 'redact', detected: { EMAIL: 2, CREDIT_CARD: 1 } });
    expect(JSON.stringify(exchange.receipt)).not.toContain(email);
  });

  it('restores originals in the answer and in its tool-call arguments', async () => {
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: `mail "${email}"` }] };
    const { result } = await run(request, (sent) => ({ type: 'response', response: response(`Sent to ${placeholder(sent, 'EMAIL_1')}.`, `{"to":"${placeholder(sent, 'EMAIL_1')}"}`) }));
    if (result.type !== 'response') throw new Error('expected a response');
    expect(result.response.choices[0]!.message.content).toBe(`Sent to ${email}.`);
    expect(JSON.parse(result.response.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ to: email });
  });

  it('redacts tool-call arguments and tool results as JSON, keeping them valid', async () => {
    const request: ChatRequest = {
      model: 'auto',
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ email }) } }] },
        { role: 'tool', tool_call_id: 'c1', content: JSON.stringify({ phone: '+1-984-182-0190', note: 'line\n2' }) },
      ],
    };
    const { sent } = await run(request, () => ({ type: 'response', response: response('ok') }));
    const assistant = sent.messages[0]!;
    if (assistant.role !== 'assistant') throw new Error('expected assistant');
    expect(JSON.parse(assistant.tool_calls![0]!.function.arguments)).toEqual({ email: placeholder(sent, 'EMAIL_1') });
    expect(JSON.parse(sent.messages[1]!.content as string)).toEqual({ phone: placeholder(sent, 'PHONE_1'), note: 'line\n2' });
  });

  it('restores a placeholder split over two stream chunks, and one left at the end', async () => {
    const request: ChatRequest = { model: 'auto', stream: true, messages: [{ role: 'user', content: `I am ${email}` }] };
    const { result } = await run(request, (sent) => {
      const nonce = nonceOf(sent);
      return {
        type: 'stream',
        stream: streamOf([chunk({ role: 'assistant', content: 'Hi <EMA' }), chunk({ content: `IL_1_${nonce.slice(0, 2)}` }), chunk({ content: `${nonce.slice(2)}>, bye <` }), chunk({ content: `EMAIL_1_${nonce}` }), chunk({ content: '>' }), chunk({}, 'stop')]),
      };
    });
    const chunks = await collect(result);
    expect(text(chunks)).toBe(`Hi ${email}, bye ${email}`);
    expect(chunks[0]!.choices[0]!.delta.content).toBe('Hi ');

    const cut = await run(request, () => ({ type: 'stream', stream: streamOf([chunk({ content: 'to <EMAIL_' })]) }));
    expect(text(await collect(cut.result))).toBe('to <EMAIL_');
  });

  it('does not hold back a "<" that cannot start a placeholder', async () => {
    const request: ChatRequest = { model: 'auto', stream: true, messages: [{ role: 'user', content: `I am ${email}` }] };
    const { result } = await run(request, () => ({ type: 'stream', stream: streamOf([chunk({ content: 'a <b' }), chunk({ content: 'c' }, 'stop')]) }));
    const chunks = await collect(result);
    expect(chunks[0]!.choices[0]!.delta.content).toBe('a <b');
  });

  it('restores placeholders split across streamed tool-call argument fragments, JSON-escaped', async () => {
    const tricky = 'x"y@example.com';
    const request: ChatRequest = { model: 'auto', stream: true, messages: [{ role: 'user', content: 'mail me' }] };
    const { result } = await run(
      request,
      () => ({
        type: 'stream',
        stream: streamOf([
          chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'send', arguments: '{"to":"<EMPLO' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'YEE_ID_1>"}' } }] }),
          chunk({}, 'stop'),
        ]),
      }),
      { customPatterns: [{ name: 'EMPLOYEE_ID', pattern: 'unused-never-matches' }] },
    );
    const chunks = await collect(result);
    const argumentsText = chunks.flatMap((item) => item.choices[0]?.delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('');
    // Nothing was redacted in this request, so the placeholder-looking text passes through as is.
    expect(argumentsText).toBe('{"to":"<EMPLOYEE_ID_1>"}');

    const withValue = await run(
      { model: 'auto', stream: true, messages: [{ role: 'user', content: `id ${tricky}` }] },
      (sent) => ({
        type: 'stream',
        stream: streamOf([
          chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'send', arguments: '{"to":"<EMPLO' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: `YEE_ID_1_${nonceOf(sent)}>"}` } }] }),
          chunk({}, 'stop'),
        ]),
      }),
      { customPatterns: [{ name: 'EMPLOYEE_ID', pattern: /x"y@example\.com/ }] },
    );
    const restored = (await collect(withValue.result)).flatMap((item) => item.choices[0]?.delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('');
    expect(JSON.parse(restored)).toEqual({ to: tricky });
  });

  it('masks when configured and does not restore masks', async () => {
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: `card ${card}` }] };
    const { sent, exchange } = await run(request, () => ({ type: 'response', response: response('ok') }), { actions: { CREDIT_CARD: 'mask' } });
    expect(sent.messages[0]!.content).toBe('card ****0933');
    expect(exchange.receipt.pii).toEqual({ action: 'mask', detected: { CREDIT_CARD: 1 } });
  });

  it('blocks with a 400 that names the type and the field, never the value', async () => {
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: 'hi' }, { role: 'user', content: `SSN 460-89-9847` }] };
    const error = await run(request, () => ({ type: 'response', response: response('ok') }), { actions: { US_SSN: 'block' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    const blocked = error as InvalidRequestError;
    expect([blocked.status, blocked.code, blocked.param]).toEqual([400, 'pii_blocked', 'messages[1].content']);
    expect(blocked.message).toContain('US_SSN');
    expect(blocked.message).not.toContain('460-89-9847');
  });

  it('leaves the answer alone when restore is off', async () => {
    const request: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: email }] };
    const { result, sent } = await run(request, (sent) => ({ type: 'response', response: response(placeholder(sent, 'EMAIL_1')) }), { restore: false });
    expect(result.type === 'response' && result.response.choices[0]!.message.content).toBe(placeholder(sent, 'EMAIL_1'));
  });

  it('rejects bad options naming the field', () => {
    expect(() => createPiiMiddleware({ actions: { EMAIL: 'shred' as never } })).toThrow(/actions\.EMAIL/);
  });
});
