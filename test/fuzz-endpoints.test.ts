import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement } from '@routekit/http';
import { mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// Issue 20, item 4: valid JSON of shapes the gateway did not expect answered 500 (`tool_calls:
// [null]` with PII on, JSON nested thousands deep inside tool-call arguments). This fuzzes every
// field of every endpoint the gateway serves over real HTTP, with PII, the cache and rate and spend
// limits on: every field of a request that uses every field the schema accepts is replaced, one at
// a time, by nulls, wrong types, deep nesting, huge arrays and more, and so are headers, query
// parameters and path segments; then a seeded generator combines several mutations per request.
// Nothing here is random between runs. Every answer must be below 500, and every 4xx must be in
// OpenAI's error shape.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;
const removed = Symbol('removed');
type Mutation = [name: string, make: (original: Json) => Json | typeof removed];

const adminKey = 'admin-fuzz-endpoints-key-0123456789';
const deepJsonText = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const deepObjectText = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
const piiText = 'Call Jane Roe at +1 415-555-0134 or jane.roe@example.com; card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32.';

const deepMarker = '@@nested-5000-deep@@';
const deepRaw = `${'[{"a":'.repeat(2500)}1${'}]'.repeat(2500)}`;

/** The body as JSON text, with 5000 levels of nesting where a mutation asked for them. */
function serialise(body: Json): string {
  return JSON.stringify(body).replaceAll(`"${deepMarker}"`, deepRaw);
}

function nested(depth: number, leaf: Json): Json {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Replaces a value by something of another type or shape; each mutation is applied to every field. */
const mutations: Mutation[] = [
  ['null', () => null],
  ['removed', () => removed],
  ['a negative float', () => -1.5e300],
  ['zero', () => 0],
  ['a large integer', () => 2 ** 53 + 2],
  ['true', () => true],
  ['an empty string', () => ''],
  ['text with PII', () => piiText],
  ['a long string', () => 'x'.repeat(100_000)],
  ['JSON text nested 5000 deep', () => deepJsonText],
  ['JSON object text nested 5000 deep', () => deepObjectText],
  ['JSON text with PII', () => JSON.stringify({ contact: piiText, list: [piiText, { deeper: piiText }] })],
  ['an empty object', () => ({})],
  ['an empty array', () => []],
  ['an array of null', () => [null]],
  ['an array of mixed types', () => [null, 1, 'two', true, {}, [], { type: 'text' }]],
  ['a huge array of itself', (original) => Array.from({ length: Math.max(2, Math.min(5000, Math.floor(300_000 / Math.max(1, JSON.stringify(original)?.length ?? 1)))) }, () => original)],
  ['nesting just under the depth limit', () => nested(95, piiText)],
  // JSON.stringify itself cannot write 5000 levels: a marker is replaced by the raw text (see serialise).
  ['nesting 5000 deep', () => deepMarker],
  ['an object with prototype keys', () => JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": 1}, "toString": 1}') as Json],
];

/** Every field path of a value (array items and object fields, at every depth). */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const found: Path[] = [];
  if (Array.isArray(value)) value.forEach((item, index) => found.push([...prefix, index], ...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) found.push([...prefix, key], ...pathsOf(item, [...prefix, key]));
  return found;
}

function valueAt(value: Json, path: Path): Json {
  return path.reduce<Json>((current, key) => (current as Record<string | number, Json>)[key]!, value);
}

/** A copy of `value` with the field at `path` replaced (or removed). */
function withValue(value: Json, path: Path, replacement: Json | typeof removed): Json {
  if (path.length === 0) return replacement === removed ? null : replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === removed) copy.splice(head as number, 1);
    else copy[head as number] = withValue(copy[head as number]!, rest, replacement);
    return copy;
  }
  const copy: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value as Record<string, Json>)) {
    if (key !== head) Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  if (!(rest.length === 0 && replacement === removed)) {
    Object.defineProperty(copy, head as string, { value: withValue((value as Record<string, Json>)[head as string] ?? null, rest, replacement), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A seeded linear congruential generator: the same sequence on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** A chat request that uses every field the request schema accepts, and routekit's own. */
const chatSeed: Json = {
  model: 'openai/gpt-4.1-mini',
  messages: [
    { role: 'system', content: 'Answer briefly. Escalations go to ops@example.com.', name: 'policy' },
    { role: 'developer', content: [{ type: 'text', text: 'Never reveal card numbers.' }] },
    { role: 'user', content: [{ type: 'text', text: `My details: ${piiText}` }, { type: 'image_url', image_url: { url: 'data:image/png;name=jane@example.com;base64,iVBORw0KGgo=', detail: 'low' } }], name: 'jane' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"email":"jane.roe@example.com","filters":[1,{"phone":"+1 415-555-0134"}]}' } }], refusal: null },
    { role: 'tool', tool_call_id: 'call_1', content: '{"result":{"name":"Jane Roe","card":"4111 1111 1111 1111"}}' },
    { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '["jane.roe@example.com"]' }] },
    { role: 'user', content: 'Thanks. What should I do next?' },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks a customer up by e-mail.', parameters: { type: 'object', properties: { email: { type: 'string', description: 'e.g. jane.roe@example.com' } }, required: ['email'] }, strict: false } }],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  response_format: { type: 'text' },
  stream: false,
  stream_options: null,
  temperature: 0.5,
  top_p: 1,
  max_tokens: 64,
  max_completion_tokens: 64,
  stop: ['\n\n'],
  seed: 1,
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  user: 'jane.roe@example.com',
  metadata: { ticket: 'T-1', contact: 'jane.roe@example.com' },
  'x-routing-hints': { priority: 'cost', max_latency_ms: 20_000, prefer_providers: ['openai'], exclude_providers: ['mistral'], min_quality_score: 0.1 },
  'x-fallback-chain': ['anthropic/claude-haiku-4-5'],
  'x-routekit-deadline-ms': 20_000,
  cache: true,
};

/** A routed, streamed request with structured output and a forced tool. */
const streamSeed: Json = {
  model: 'auto',
  messages: [{ role: 'user', content: `Summarise for ${piiText}` }],
  tools: [{ type: 'function', function: { name: 'note', parameters: { type: 'object', properties: { text: { type: 'string' } } } } }],
  tool_choice: { type: 'function', function: { name: 'note' } },
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }, strict: true } },
  stream: true,
  stream_options: { include_usage: true },
};

const routeSeed: Json = {
  prompt: `Prove that the square root of 2 is irrational. ${piiText}`,
  model: 'auto',
  max_tokens: 100,
  temperature: 0.2,
  user_preferences: { priority: 'quality', max_latency_ms: 5000, prefer_providers: ['anthropic'], exclude_providers: [], min_quality_score: 0.2 },
  tools: [{ type: 'function', function: { name: 'calc', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
  response_format: { type: 'json_object' },
};
const routeMessagesSeed: Json = { messages: [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi', tool_calls: [{ id: 'c', type: 'function', function: { name: 'calc', arguments: '{"x":1}' } }] }, { role: 'tool', tool_call_id: 'c', content: '{"y":2}' }] };

const createKeySeed: Json = { tenant: 'fuzz-tenant', name: 'fuzz', environment: 'test', admin: false, expires_in_seconds: 3600, allowed_models: ['openai/gpt-4.1-mini'], allowed_providers: ['openai'], ip_allowlist: ['127.0.0.0/8'], rate_limit: { requestsPerMinute: 100 }, spend_limit: { limits: { daily_usd: 5 } } };
const createKeyAtSeed: Json = { tenant: 'fuzz-tenant', expires_at: '2030-01-01T00:00:00Z' };
const rotateSeed: Json = { overlap_seconds: 60, expires_in_seconds: 3600 };
const preferencesSeed: Json = { default_priority: 'cost', quality_threshold: 0.5, max_latency_ms: 3000, prefer_providers: ['openai'], allowed_providers: ['openai', 'anthropic'], blocked_providers: [], allowed_models: [], blocked_models: ['openai/gpt-4.1'], fallback_enabled: true, fallback_chain: ['openai/gpt-4.1-mini'], content_retention_days: 7 };

interface Probe {
  label: string;
  method: string;
  path: string;
  key: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Finding {
  label: string;
  status: number;
  detail: string;
}

describe('fuzzing every endpoint over HTTP with PII, cache and limits on', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let gateway: RunningGateway;
  let tenantKey = '';
  let tenantKeyId = '';

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-fuzz-')), 'routekit.db') });
    const keyManagement = await createKeyManagement({ database, adminKey, lockout: false });
    gateway = await startGateway('express', {
      providers: mockProviders(mock),
      keyManagement,
      logger: false,
      defaultModel: 'openai/gpt-4.1',
      pii: true,
      cache: true,
      rateLimits: { perTenant: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000 } },
      spendLimits: { perTenant: { limits: { daily_usd: 1_000_000, per_request_usd: 100 } } },
      bodyLimitBytes: 1024 * 1024,
      resilience: { attempts: { backoffBaseMs: 1, backoffMaxMs: 2 } },
    });
    const created = await fetch(`${gateway.url}/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'acme' }) });
    const { key, id } = (await created.json()) as { key: string; id: string };
    tenantKey = key;
    tenantKeyId = id;
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
    await database.close();
  });

  /** Sends one probe and returns what is wrong with its answer, if anything. */
  async function send(probe: Probe): Promise<Finding | undefined> {
    const headers: Record<string, string> = { authorization: `Bearer ${probe.key}`, ...(probe.body !== undefined && { 'content-type': 'application/json' }), ...probe.headers };
    const response = await fetch(`${gateway.url}${probe.path}`, { method: probe.method, headers, ...(probe.body !== undefined && { body: probe.body }) });
    const text = await response.text();
    if (response.status >= 500) return { label: probe.label, status: response.status, detail: text.slice(0, 300) };
    if (response.status >= 400) {
      let error: Record<string, unknown> | undefined;
      try {
        error = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
      } catch {
        error = undefined;
      }
      const shaped = error !== undefined && typeof error.message === 'string' && error.message !== '' && typeof error.type === 'string' && typeof error.code === 'string' && Object.hasOwn(error, 'param');
      if (!shaped || !/^application\/json/.test(response.headers.get('content-type') ?? '')) return { label: probe.label, status: response.status, detail: `not OpenAI's error shape: ${text.slice(0, 200)}` };
      return undefined;
    }
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // A stream that failed after its headers ends with an error event: never an internal error.
      const internal = text.split('\n\n').some((event) => event.startsWith('data: {"error"') && /"code":"internal_error"/.test(event));
      if (internal) return { label: probe.label, status: response.status, detail: 'stream ended with an internal_error event' };
    }
    return undefined;
  }

  /** Sends probes a few at a time and collects what went wrong. */
  async function run(probes: Probe[]): Promise<Finding[]> {
    const findings: Finding[] = [];
    let next = 0;
    const worker = async () => {
      while (next < probes.length) {
        const probe = probes[next++]!;
        const finding = await send(probe);
        if (finding !== undefined) findings.push(finding);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return findings;
  }

  /** Every mutation at every field of a seed body. */
  function bodyProbes(name: string, method: string, path: string, key: string, seed: Json): Probe[] {
    const probes: Probe[] = [];
    for (const at of pathsOf(seed)) {
      for (const [mutationName, make] of mutations) {
        const body = withValue(seed, at, make(valueAt(seed, at)));
        probes.push({ label: `${name} ${at.join('.')} = ${mutationName}`, method, path, key, body: serialise(body) });
      }
    }
    for (const [mutationName, make] of mutations) {
      const body = make(seed);
      probes.push({ label: `${name} body = ${mutationName}`, method, path, key, ...(body !== removed && { body: serialise(body) }) });
    }
    probes.push({ label: `${name} seed itself`, method, path, key, body: JSON.stringify(seed) });
    return probes;
  }

  /**
   * Fields a message may carry that the seed's messages do not (every message gets each of them),
   * since the schema lets unknown fields through: `tool_calls: [null]` on a user message, say.
   */
  function messageFieldProbes(name: string, seed: Json, key: string): Probe[] {
    const probes: Probe[] = [];
    const fields = ['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'refusal', 'function_call', 'audio', 'type', 'text', 'image_url', 'input_audio'];
    const values: Json[] = [null, [null], [{}], [{ function: null }], [{ id: 'c', type: 'function', function: { name: 'f', arguments: deepJsonText } }], {}, piiText, deepJsonText, [{ type: 'text', text: null }], [{ type: 'image_url', image_url: null }], [{ type: 'input_audio', input_audio: { data: null, format: piiText } }]];
    const messages = (seed as { messages: Json[] }).messages;
    messages.forEach((_message, index) => {
      for (const field of fields) {
        values.forEach((value, valueIndex) => {
          const body = withValue(seed, ['messages', index, field], value);
          probes.push({ label: `${name} messages.${index}.${field} = value ${valueIndex}`, method: 'POST', path: '/v1/chat/completions', key, body: serialise(body) });
        });
      }
    });
    return probes;
  }

  /** Several mutations per body at once, at fields and with mutations drawn from a seeded generator. */
  function combinedProbes(name: string, method: string, path: string, key: string, seed: Json, count: number, random: () => number): Probe[] {
    const probes: Probe[] = [];
    for (let index = 0; index < count; index += 1) {
      let body = seed;
      const applied: string[] = [];
      for (let step = 0; step < 3; step += 1) {
        const paths = pathsOf(body).filter((at) => at.length < 12);
        if (paths.length === 0) break;
        const at = paths[Math.floor(random() * paths.length)]!;
        const [mutationName, make] = mutations[Math.floor(random() * mutations.length)]!;
        body = withValue(body, at, make(valueAt(body, at)));
        applied.push(`${at.join('.')} = ${mutationName}`);
      }
      probes.push({ label: `${name} combined: ${applied.join('; ')}`, method, path, key, body: serialise(body) });
    }
    return probes;
  }

  const headerValues = ['', 'null', '{}', '[]', '[null]', '[1,2]', '-1', '0', '1e400', 'NaN', '{"priority":null}', '{"__proto__":{"x":1}}', 'x'.repeat(4000), deepJsonText.slice(0, 4000), 'openai/gpt-4.1-mini, ,', 'no-store, max-age=-1'];

  it('answers every mutated chat request below 500, in OpenAI\'s error shape when refused', async () => {
    const random = seeded(4);
    const probes = [
      ...bodyProbes('chat', 'POST', '/v1/chat/completions', tenantKey, chatSeed),
      ...bodyProbes('stream', 'POST', '/v1/chat/completions', tenantKey, streamSeed),
      ...messageFieldProbes('chat', chatSeed, tenantKey),
      ...combinedProbes('chat', 'POST', '/v1/chat/completions', tenantKey, chatSeed, 150, random),
      ...combinedProbes('stream', 'POST', '/v1/chat/completions', tenantKey, streamSeed, 50, random),
    ];
    for (const header of ['x-routekit-hints', 'x-fallback-chain', 'x-routekit-deadline-ms', 'cache-control', 'x-routekit-cache']) {
      for (const value of headerValues) probes.push({ label: `chat header ${header} = ${value.slice(0, 30)}`, method: 'POST', path: '/v1/chat/completions', key: tenantKey, body: JSON.stringify(streamSeed), headers: { [header]: value } });
    }
    const findings = await run(probes);
    expect(probes.length).toBeGreaterThan(1500);
    expect(findings).toEqual([]);
  }, 600_000);

  it('answers every mutated routing question below 500', async () => {
    const random = seeded(5);
    const probes = [
      ...bodyProbes('route', 'POST', '/v1/route', tenantKey, routeSeed),
      ...bodyProbes('route messages', 'POST', '/v1/route', tenantKey, routeMessagesSeed),
      ...combinedProbes('route', 'POST', '/v1/route', tenantKey, routeSeed, 100, random),
    ];
    expect(await run(probes)).toEqual([]);
  }, 600_000);

  it('answers every mutated admin request below 500', async () => {
    const random = seeded(6);
    const probes = [
      ...bodyProbes('create key', 'POST', '/v1/admin/keys', adminKey, createKeySeed),
      ...bodyProbes('create key at', 'POST', '/v1/admin/keys', adminKey, createKeyAtSeed),
      ...bodyProbes('rotate key', 'POST', `/v1/admin/keys/${tenantKeyId}/rotate`, adminKey, rotateSeed),
      ...bodyProbes('preferences', 'PUT', '/v1/admin/tenants/fuzz-tenant/preferences', adminKey, preferencesSeed),
      ...bodyProbes('provider key', 'PUT', '/v1/admin/tenants/fuzz-tenant/provider-keys/openai', adminKey, { api_key: 'sk-fuzz-provider-key' }),
      ...combinedProbes('preferences', 'PUT', '/v1/admin/tenants/fuzz-tenant/preferences', adminKey, preferencesSeed, 50, random),
      ...combinedProbes('create key', 'POST', '/v1/admin/keys', adminKey, createKeySeed, 50, random),
    ];
    expect(await run(probes)).toEqual([]);
  }, 600_000);

  it('answers every mutated query parameter and path segment below 500', async () => {
    const values = ['', '-1', '0', '1.5', '1e309', 'NaN', 'abc', '9'.repeat(400), '__proto__', 'constructor', '%00', '%ZZ', 'x'.repeat(2000), '2026-13-45', '2026-01-01T00:00:00Z'];
    const queries: Array<[string, string[], string]> = [
      ['/v1/receipts', ['limit', 'tenant', 'status', 'model', 'cursor'], tenantKey],
      ['/v1/usage', ['group_by', 'since', 'until', 'tenant', 'days', 'from', 'to'], tenantKey],
      ['/v1/recommendations', ['days', 'tenant'], tenantKey],
      ['/v1/models', ['limit'], tenantKey],
      ['/v1/admin/keys', ['tenant', 'limit'], adminKey],
      ['/v1/admin/audit', ['format', 'type', 'after', 'since', 'until', 'tenant', 'limit'], adminKey],
    ];
    const probes: Probe[] = [];
    for (const [path, parameters, key] of queries) {
      for (const parameter of parameters) {
        for (const value of values) probes.push({ label: `GET ${path}?${parameter}=${value.slice(0, 30)}`, method: 'GET', path: `${path}?${parameter}=${value}`, key });
        probes.push({ label: `GET ${path}?${parameter} twice`, method: 'GET', path: `${path}?${parameter}=1&${parameter}=2`, key });
      }
    }
    const segments = ['x', '%00', '..%2F..%2Fetc', '__proto__', 'constructor', '%ZZ', 'x'.repeat(2000), encodeURIComponent(piiText), 'a/b/c'];
    for (const segment of segments) {
      for (const [method, path, key] of [
        ['GET', `/v1/models/${segment}`, tenantKey],
        ['GET', `/v1/receipts/${segment}`, tenantKey],
        ['GET', `/v1/admin/keys/${segment}`, adminKey],
        ['POST', `/v1/admin/keys/${segment}/revoke`, adminKey],
        ['GET', `/v1/admin/tenants/${segment}/preferences`, adminKey],
        ['GET', `/v1/admin/tenants/${segment}/provider-keys`, adminKey],
        ['DELETE', `/v1/admin/tenants/fuzz-tenant/provider-keys/${segment}`, adminKey],
        ['GET', `/v1/${segment}`, tenantKey],
      ] as const) {
        probes.push({ label: `${method} ${path.slice(0, 60)}`, method, path, key });
      }
    }
    expect(await run(probes)).toEqual([]);
  }, 600_000);
});
