import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockUpstream, seededRandom, startMockUpstream } from '@routekit/core/testing';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

type ApiError = InstanceType<typeof Anthropic.APIError>;

// Bad input to POST /v1/messages: every refusal is a 4xx in Anthropic's error shape (never a 500),
// and nothing reaches the upstream or the receipt store. The fuzzed bodies come from a seeded
// generator, so every run sends the same ones.

const valid = () => ({
  model: 'anthropic/claude-sonnet-4-5',
  max_tokens: 100,
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
  ],
  tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  tool_choice: { type: 'auto' },
  temperature: 0.5,
  stop_sequences: ['END'],
});

// Values no field of a valid request takes where they land (each path below expects something else).
const wrongValues: unknown[] = [null, 42, -1, 1e308, 'not valid here!', '', true, [], [[[]]], {}, { __proto__: { admin: true } }, { constructor: 'x' }, '\u0000', 'a'.repeat(600)];
const paths: (string | number)[][] = [
  ['model'],
  ['max_tokens'],
  ['system'],
  ['system', 0, 'type'],
  ['messages'],
  ['messages', 0, 'role'],
  ['messages', 0, 'content'],
  ['messages', 0, 'content', 0],
  ['messages', 0, 'content', 0, 'type'],
  ['messages', 0, 'content', 1, 'source'],
  ['messages', 0, 'content', 1, 'source', 'type'],
  ['messages', 1, 'content', 0, 'input'],
  ['messages', 1, 'content', 0, 'id'],
  ['messages', 2, 'content', 0, 'tool_use_id'],
  ['tools'],
  ['tools', 0, 'name'],
  ['tools', 0, 'input_schema'],
  ['tool_choice'],
  ['tool_choice', 'type'],
  ['temperature'],
  ['stop_sequences'],
  ['metadata'],
  ['stream'],
  ['thinking'],
  ['cache_control'],
];

/** Fields that take any string (an unknown model string is a 404, which the test accepts too). */
const stringPaths = new Set(['model', 'system', 'messages.0.content', 'messages.1.content.0.id', 'messages.2.content.0.tool_use_id']);

/** `count` bodies, each with one field at `path` set to a value it cannot take (or an unknown field added). */
function fuzzedBodies(count: number, seed: number): { label: string; body: Record<string, unknown> }[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const cases: { label: string; body: Record<string, unknown> }[] = [];
  while (cases.length < count) {
    const body = valid() as Record<string, unknown>;
    const path = pick(paths);
    const value = pick(wrongValues);
    // Skip the few values that are valid where they land: any string where a free string goes, a true stream, an empty metadata, a large max_tokens, no tools or stop sequences, any object as tool input.
    const at = path.join('.');
    if (typeof value === 'string' && value.length <= 512 && stringPaths.has(at) && (value !== '' || at === 'system')) continue;
    if ((at === 'stream' && value === true) || (at === 'metadata' && JSON.stringify(value) === '{}') || (at === 'max_tokens' && (value === 42 || value === 1e308)) || ((at === 'tools' || at === 'stop_sequences') && JSON.stringify(value) === '[]')) continue;
    if (at === 'messages.1.content.0.input' && typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    let target = body as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    Object.defineProperty(target, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
    cases.push({ label: `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 30)}`, body });
  }
  return cases;
}

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = { inner: value };
  return value;
};

describe.each<Framework>(['express', 'koa'])('bad input to /v1/messages on the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, { providers: [{ id: 'anthropic', kind: 'anthropic', baseUrl: mock.url }, { id: 'openai', kind: 'openai', baseUrl: mock.url }], defaultModel: 'openai/gpt-4.1' });
    client = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  async function refusal(body: unknown, options: Anthropic.RequestOptions = {}, label = JSON.stringify(body).slice(0, 200)): Promise<ApiError> {
    // The client's generic post: messages.create reads the body's fields first and would throw on some of them itself.
    const error = await client.post('/v1/messages', { body, ...options }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, label).toBeInstanceOf(Anthropic.APIError);
    return error as ApiError;
  }

  function expectAnthropicShape(error: ApiError, status: number, type = 'invalid_request_error'): void {
    expect(error.status).toBe(status);
    expect(error.error).toEqual({ type: 'error', error: { type, message: expect.stringMatching(/\S/) }, request_id: expect.any(String) });
  }

  it('sends a valid request on (the base the fuzzing breaks)', async () => {
    const message = await client.messages.create(valid() as Anthropic.MessageCreateParamsNonStreaming);
    expect(message.type).toBe('message');
    mock.reset();
  });

  it('refuses 150 fuzzed bodies with a 4xx in Anthropic shape, never a 500, and stores nothing', async () => {
    const before = await receiptCount();
    for (const { label, body } of fuzzedBodies(150, 20261207)) {
      const error = await refusal(body, {}, label);
      // An unknown model is Anthropic's 404; every other fault a 400.
      expect([400, 404], label).toContain(error.status);
      expectAnthropicShape(error, error.status!, error.status === 404 ? 'not_found_error' : 'invalid_request_error');
    }
    expect(mock.requests).toHaveLength(0);
    expect(await receiptCount()).toBe(before);
  });

  it.each([
    ['a missing max_tokens', { model: 'auto', messages: [{ role: 'user', content: 'hi' }] }, /max_tokens is required/],
    ['a zero max_tokens', { model: 'auto', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] }, /max_tokens/],
    ['a temperature above 1', { ...valid(), temperature: 1.5 }, /temperature/],
    ['an unknown field', { ...valid(), frequency_penalty: 1 }, /unknown fields "frequency_penalty"/],
    ['a thinking block in a user turn', { ...valid(), messages: [{ role: 'user', content: [{ type: 'thinking', thinking: 'x', signature: 's' }] }] }, /messages\[0\]\.content\[0\] is a thinking block/],
    ['a tool_result in an assistant turn', { ...valid(), messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] }] }, /assistant turn cannot hold/],
    ['an image of an unknown type', { ...valid(), messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } }] }] }, /media_type/],
    ['an unknown model', { ...valid(), model: 'gpt-9' }, /gpt-9|model/],
  ])('refuses %s, naming the field', async (_case, body, message) => {
    const error = await refusal(body);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    expectAnthropicShape(error, error.status!, error.status === 404 ? 'not_found_error' : 'invalid_request_error');
    expect(error.message).toMatch(message);
  });

  it('refuses a body nested deeper than the limit', async () => {
    const error = await refusal({ ...valid(), tools: [{ name: 'deep', input_schema: { type: 'object', properties: nested(200) } }] });
    expectAnthropicShape(error, 400);
    expect(error.message).toMatch(/nests/);
  });

  it('refuses an unknown anthropic-version, and a missing one, as Anthropic does', async () => {
    expectAnthropicShape(await refusal(valid(), { headers: { 'anthropic-version': '2099-01-01' } }), 400);
    const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid()) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required.' }, request_id: expect.any(String) });
  });

  it('answers malformed JSON, a wrong method and an unknown path under /v1/messages in Anthropic shape', async () => {
    const headers = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    const malformed = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers, body: '{"model": "auto", "messages": [' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { type: string }).type).toBe('error');
    const wrongMethod = await fetch(`${gateway.url}/v1/messages`, { headers });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const unknown = await fetch(`${gateway.url}/v1/messages/batches`, { method: 'POST', headers, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
    expect(mock.requests).toHaveLength(0);
  });

  async function receiptCount(): Promise<number> {
    const listed = (await (await fetch(`${gateway.url}/v1/receipts?limit=100`)).json()) as { data: unknown[] };
    return listed.data.length;
  }
});
