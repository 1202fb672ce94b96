import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReceiptStore } from '@routekit/core';
import { type MockUpstream, seededRandom, startMockUpstream } from '@routekit/core/testing';
import { startGateway, type RunningGateway } from './start-gateway.js';

const nested = (depth: number): unknown => (depth === 0 ? 'x' : [nested(depth - 1)]);
const wrongValues: unknown[] = [null, true, 0, -1, 1.5, '', 'text', [], [null], [1, 'a'], [[]], [[1], 'a'], { a: 1 }, nested(40), Array.from({ length: 3000 }, () => 'a'), Array.from({ length: 3000 }, () => [1])];
const valid = { model: 'openai/text-embedding-3-small', input: 'hello', encoding_format: 'float', dimensions: 8, user: 'u' } as Record<string, unknown>;

/** Every field of the schema with every wrong value, then random mixes of fields and values. */
function badBodies(): unknown[] {
  const bodies: unknown[] = [null, [], 'text', 42, {}, { model: 'openai/text-embedding-3-small' }, { input: 'x' }];
  // A model string the gateway does not serve is well-formed: it is routed, refused with a 404 and
  // recorded in an error receipt, as on chat. The schema's bad values for model are the others.
  const valuesOf = (field: string) => (field === 'model' ? wrongValues.filter((value) => typeof value !== 'string' || value === '') : wrongValues);
  for (const field of ['model', 'input', 'dimensions', 'encoding_format', 'user']) {
    for (const value of valuesOf(field)) bodies.push({ ...valid, [field]: value });
  }
  const random = seededRandom(21);
  for (let index = 0; index < 200; index += 1) {
    const body: Record<string, unknown> = {};
    for (const field of ['model', 'input', 'dimensions', 'encoding_format', 'user', 'x-fallback-chain', 'cache']) {
      const values = valuesOf(field);
      if (random() < 0.6) body[field] = random() < 0.3 ? valid[field] : values[Math.floor(random() * values.length)];
    }
    bodies.push(body);
  }
  return bodies;
}

/** True when the body is one the gateway may accept (then it is not a bad-input case). */
function acceptable(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { model, input, dimensions, encoding_format: format, user, cache, 'x-fallback-chain': chain } = body as Record<string, unknown>;
  const text = (value: unknown) => typeof value === 'string' && value !== '';
  const tokens = (value: unknown) => Array.isArray(value) && value.length > 0 && value.every((token) => Number.isInteger(token) && (token as number) >= 0);
  const inputOk = text(input) || (Array.isArray(input) && input.length > 0 && input.length <= 2048 && (input.every(text) || tokens(input) || input.every(tokens)));
  return (
    model === 'openai/text-embedding-3-small' &&
    inputOk &&
    (dimensions === undefined || dimensions === null || (Number.isInteger(dimensions) && (dimensions as number) > 0)) &&
    (format === undefined || format === null || format === 'float' || format === 'base64') &&
    (user === undefined || user === null || typeof user === 'string') &&
    (cache === undefined || typeof cache === 'boolean') &&
    chain === undefined
  );
}

describe('bad input to POST /v1/embeddings', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  const receipts = new MemoryReceiptStore();

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], receipts, pii: true, cache: true });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers every malformed body with a 4xx in OpenAI\'s error shape, never a 500, and stores nothing', async () => {
    const bodies = badBodies().filter((body) => !acceptable(body));
    expect(bodies.length).toBeGreaterThan(150);
    for (const body of bodies) {
      const response = await fetch(`${gateway.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await response.json()) as { error?: { message: unknown; type: unknown; code: unknown; param: unknown } };
      const shown = JSON.stringify(body).slice(0, 120);
      expect(response.status, shown).toBeGreaterThanOrEqual(400);
      expect(response.status, shown).toBeLessThan(500);
      expect(answer.error, shown).toMatchObject({ message: expect.any(String), type: expect.any(String) });
      expect(answer.error, shown).toHaveProperty('param');
      expect(answer.error, shown).toHaveProperty('code');
    }
    expect(mock.requests).toHaveLength(0);
    expect(await receipts.recent({ limit: 10 })).toEqual([]);
  });

  it('names the field at fault', async () => {
    const post = async (body: unknown) => ((await (await fetch(`${gateway.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { error: { param: string } }).error.param;
    expect(await post({ ...valid, input: ['a', '', 'c'] })).toBe('input[1]');
    expect(await post({ ...valid, input: [[1, 2], [3, -4]] })).toBe('input[1][1]');
    expect(await post({ ...valid, dimensions: 0 })).toBe('dimensions');
    expect(await post({ ...valid, encoding_format: 'int8' })).toBe('encoding_format');
    expect(await post({ ...valid, 'x-fallback-chain': ['openai/text-embedding-3-large'] })).toBe('x-fallback-chain');
    // Chat's fields would steer the engine (the texts it redacts and limits, the output it reserves): refused, not merged.
    expect(await post({ ...valid, messages: [] })).toBe('messages');
    expect(await post({ ...valid, stream: true })).toBe('stream');
    expect(await post({ ...valid, max_tokens: 100 })).toBe('max_tokens');
    expect(await post({ ...valid, 'x-routekit-embedding': { input: 'tokens', tokens: [[1]] } })).toBe('x-routekit-embedding');
    // Nor can a chat body pass itself off as an embeddings request.
    const chat = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/text-embedding-3-small', messages: [{ role: 'user', content: 'x' }], 'x-routekit-embedding': { input: 'string' } }) });
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { param: string } }).error.param).toBe('x-routekit-embedding');
    expect(mock.requests).toHaveLength(0);
  });
});
