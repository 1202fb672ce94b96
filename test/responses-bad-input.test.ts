import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryResponseStore } from '@routekit/core';
import { type MockUpstream, seededRandom, startMockUpstream } from '@routekit/core/testing';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Every field of the Responses request, given values it must refuse (wrong types, nulls where a
// value is required, out-of-range numbers, deep nesting, huge arrays), through the official client:
// each is a 4xx in OpenAI's error shape, never a 500, nothing reaches the provider and nothing is stored.

/** A valid request that holds every nested field the schema has, so each can be broken alone. */
const valid = () => ({
  model: 'openai/gpt-4.1-mini',
  instructions: 'Be brief.',
  input: [
    { role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' }] },
    { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'found' },
  ],
  tools: [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: {} }, strict: false }],
  tool_choice: { type: 'function', name: 'lookup' },
  text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
  max_output_tokens: 100,
  temperature: 1,
  top_p: 1,
  parallel_tool_calls: true,
  metadata: { ticket: '1' },
  user: 'u',
  reasoning: { effort: 'low' },
  include: [],
  truncation: 'disabled',
});

type Kind = 'string' | 'required-string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'enum' | 'input' | 'content' | 'record';

/** Each field's path and kind; `range` gives the bounds a number must stay within. */
const fields: Array<{ path: Array<string | number>; kind: Kind; range?: [number, number]; max?: number }> = [
  { path: ['model'], kind: 'required-string' },
  { path: ['input'], kind: 'input', max: 4096 },
  { path: ['instructions'], kind: 'string' },
  { path: ['tools'], kind: 'array', max: 512 },
  { path: ['tool_choice'], kind: 'enum' },
  { path: ['text'], kind: 'object' },
  { path: ['max_output_tokens'], kind: 'integer', range: [1, Number.MAX_SAFE_INTEGER] },
  { path: ['temperature'], kind: 'number', range: [0, 2] },
  { path: ['top_p'], kind: 'number', range: [0, 1] },
  { path: ['parallel_tool_calls'], kind: 'boolean' },
  { path: ['metadata'], kind: 'record', max: 16 },
  { path: ['user'], kind: 'required-string' },
  { path: ['stream'], kind: 'boolean' },
  { path: ['store'], kind: 'boolean' },
  { path: ['previous_response_id'], kind: 'string' },
  { path: ['reasoning'], kind: 'object' },
  { path: ['include'], kind: 'array', max: 32 },
  { path: ['truncation'], kind: 'enum' },
  { path: ['service_tier'], kind: 'string' },
  { path: ['prompt_cache_key'], kind: 'string' },
  { path: ['safety_identifier'], kind: 'string' },
  { path: ['stream_options'], kind: 'object' },
  { path: ['background'], kind: 'boolean' },
  { path: ['x-routing-hints'], kind: 'object' },
  { path: ['cache'], kind: 'boolean' },
  { path: ['x-routekit-deadline-ms'], kind: 'integer', range: [1, Number.MAX_SAFE_INTEGER] },
  { path: ['input', 0], kind: 'object' },
  { path: ['input', 0, 'role'], kind: 'enum' },
  { path: ['input', 0, 'content'], kind: 'content', max: 1024 },
  { path: ['input', 0, 'content', 0], kind: 'object' },
  { path: ['input', 0, 'content', 0, 'type'], kind: 'enum' },
  { path: ['input', 0, 'content', 0, 'text'], kind: 'required-string' },
  { path: ['input', 0, 'content', 1, 'image_url'], kind: 'required-string' },
  { path: ['input', 0, 'content', 1, 'detail'], kind: 'enum' },
  { path: ['input', 1, 'type'], kind: 'enum' },
  { path: ['input', 1, 'call_id'], kind: 'required-string' },
  { path: ['input', 1, 'name'], kind: 'required-string' },
  { path: ['input', 1, 'arguments'], kind: 'required-string' },
  { path: ['input', 2, 'call_id'], kind: 'required-string' },
  { path: ['input', 2, 'output'], kind: 'content', max: 1024 },
  { path: ['tools', 0], kind: 'object' },
  { path: ['tools', 0, 'type'], kind: 'enum' },
  { path: ['tools', 0, 'name'], kind: 'required-string' },
  { path: ['tools', 0, 'description'], kind: 'string' },
  { path: ['tools', 0, 'parameters'], kind: 'object' },
  { path: ['tools', 0, 'strict'], kind: 'boolean' },
  { path: ['tool_choice', 'name'], kind: 'required-string' },
  { path: ['text', 'format'], kind: 'object' },
  { path: ['text', 'format', 'type'], kind: 'enum' },
  { path: ['text', 'format', 'name'], kind: 'required-string' },
  { path: ['text', 'format', 'schema'], kind: 'object' },
  { path: ['text', 'format', 'strict'], kind: 'boolean' },
  { path: ['reasoning', 'effort'], kind: 'enum' },
  { path: ['metadata', 'ticket'], kind: 'required-string' },
];

/** Nested 150 levels deep, past the gateway's limit of 100. */
const deep = (): unknown => {
  let value: unknown = 'x';
  for (let level = 0; level < 150; level += 1) value = [value];
  return value;
};

/** Values each kind must refuse, the same on every run. */
function invalidValues(field: (typeof fields)[number]): unknown[] {
  const wrongTypes = (...types: Array<'string' | 'number' | 'boolean' | 'object' | 'array'>) => [
    ...(types.includes('string') ? [] : ['text']),
    ...(types.includes('number') ? [] : [7]),
    ...(types.includes('boolean') ? [] : [true]),
    ...(types.includes('object') ? [] : [{ nested: { value: 1 } }]),
    ...(types.includes('array') ? [] : [[1, 2]]),
    deep(),
  ];
  const huge = (item: unknown) => Array.from({ length: (field.max ?? 0) + 1 }, () => item);
  switch (field.kind) {
    case 'string':
      return wrongTypes('string');
    case 'required-string':
      return [null, ...wrongTypes('string')];
    case 'number':
    case 'integer':
      return [...wrongTypes('number'), field.range![0] - 1, field.range![1] + 1, ...(field.kind === 'integer' ? [1.5] : []), '1'];
    case 'boolean':
      return ['true', 1, {}, [], deep()].filter((value) => !(field.path[0] === 'background' && value === 'true')).concat(field.path[0] === 'background' ? [true] : []);
    case 'object':
      return ['text', 7, true, [1], deep()];
    case 'array':
      return ['text', 7, { a: 1 }, huge(field.path[0] === 'tools' ? valid().tools[0] : 'file_search_call.results'), deep()];
    case 'enum':
      return ['not-a-known-value', 7, {}, deep()];
    case 'record':
      return ['text', 7, [1], Object.fromEntries(Array.from({ length: field.max! + 1 }, (_, index) => [`key${index}`, 'v'])), { ticket: 7 }];
    case 'input':
      return [null, 7, {}, [], huge('hi'), deep()];
    case 'content':
      return [null, 7, {}, huge({ type: 'input_text', text: 'x' }), deep(), [{ type: 'input_file', file_id: 'f' }]];
  }
}

function withValue(path: ReadonlyArray<string | number>, value: unknown): Record<string, unknown> {
  const body = valid() as Record<string, unknown>;
  let target = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return body;
}

describe.each<Framework>(['express', 'koa'])('bad Responses input through the openai client against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;
  const store = new MemoryResponseStore();

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], defaultModel: 'openai/gpt-4.1', responses: { store, retentionDays: 1 }, logger: false });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  async function send(body: unknown): Promise<unknown> {
    return client.responses.create(body as OpenAI.Responses.ResponseCreateParamsNonStreaming).catch((caught: unknown) => caught);
  }

  it('the valid base request is answered (so each case below breaks only its own field)', async () => {
    const answer = await client.responses.create({ ...valid(), store: false } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(answer.status).toBe('completed');
  });

  it('refuses every bad value of every field with a 4xx in OpenAI error shape; nothing reaches the provider or the store', async () => {
    const before = mock.requests.length;
    const cases = [...fields.flatMap((field) => invalidValues(field).map((value) => ({ label: field.path.join('.'), body: withValue(field.path, value) })))];
    expect(cases.length).toBeGreaterThan(250);
    for (const { label, body } of cases) {
      const error = await send(body);
      expect(error, label).toBeInstanceOf(OpenAI.APIError);
      const { status, error: wire } = error as InstanceType<typeof OpenAI.APIError>;
      expect(status, label).toBeGreaterThanOrEqual(400);
      expect(status, label).toBeLessThan(500);
      expect(wire, label).toMatchObject({ message: expect.any(String), type: expect.any(String), code: expect.any(String) });
      expect(wire as object, label).toHaveProperty('param');
    }
    expect(mock.requests.length).toBe(before);
    expect(store.size).toBe(0);
  });

  it('never answers a 500 to random mutations of the request (seeded)', async () => {
    const random = seededRandom(21);
    const pool: unknown[] = [null, '', 'x', -1, 0, 1e308, true, false, {}, [], [null], { type: 'function' }, { type: 'message' }, deep(), '\u0000', 'a'.repeat(10_000)];
    for (let round = 0; round < 150; round += 1) {
      const field = fields[Math.floor(random() * fields.length)]!;
      const value = pool[Math.floor(random() * pool.length)];
      const result = await send({ ...withValue(field.path, value), store: false });
      if (result instanceof OpenAI.APIError) {
        expect(result.status, field.path.join('.')).toBeLessThan(500);
        expect(result.error, field.path.join('.')).toMatchObject({ message: expect.any(String) });
      } else expect(result).toMatchObject({ object: 'response' });
    }
  });
});
