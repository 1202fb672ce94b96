import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { BudgetExceededError } from '../errors.js';
import { Engine } from '../pipeline/engine.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import { createRateLimitMiddleware } from './limits/rate-limit-middleware.js';
import { createSpendLimitMiddleware } from './limits/spend-limit-middleware.js';
import { createPiiMiddleware } from './pii/pii-middleware.js';

const catalog = new ModelCatalog({ providers: ['openai'] });
const email = 'ana.lopez@example.com';
const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };

function chunk(content: string | undefined, finish: 'stop' | null = null): ChatChunk {
  return { id: 'u', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }] };
}

/** An upstream that repeats the placeholder it was sent, split over two chunks. */
const echo: ModelCall = async (attempt) => {
  const sent = JSON.stringify(attempt.request.messages);
  if (sent.includes(email)) throw new Error('PII reached the provider');
  // The placeholder carries the request's nonce (issue 15 item 8): repeat the one that was sent.
  const placeholder = /<EMAIL_1[^>]*>/.exec(sent)![0];
  async function* stream(): AsyncGenerator<ChatChunk> {
    yield chunk(`Mail sent to ${placeholder.slice(0, 4)}`);
    yield chunk(`${placeholder.slice(4)}.`);
    yield chunk(undefined, 'stop');
    yield { id: 'u', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage };
  }
  return { type: 'stream', stream: stream() };
};

function guardedEngine(dailyUsd: number) {
  return new Engine({
    call: echo,
    catalog,
    middleware: [
      createRateLimitMiddleware({ perKey: { requestsPerMinute: 10, tokensPerMinute: 100_000 } }),
      createPiiMiddleware(),
      createSpendLimitMiddleware({ perKey: { limits: { daily_usd: dailyUsd } } }),
    ],
  });
}

describe('guards inside the engine', () => {
  it('redacts before the provider, restores in the stream, and settles limits from real usage', async () => {
    const engine = guardedEngine(1);
    const exchange = engine.createExchange({ apiKeyId: 'k1', request: { model: 'openai/gpt-4.1-mini', stream: true, max_tokens: 200, messages: [{ role: 'user', content: `Mail ${email} the report` }] } });
    const result = await engine.run(exchange);
    if (result.type !== 'stream') throw new Error('expected a stream');
    let text = '';
    for await (const item of result.stream) text += item.choices[0]?.delta.content ?? '';
    expect(text).toBe(`Mail sent to ${email}.`);
    expect(exchange.receipt.pii).toEqual({ action: 'redact', detected: { EMAIL: 1 } });
    expect(JSON.stringify(exchange.receipt)).not.toContain(email);
    expect(exchange.responseHeaders['x-ratelimit-remaining-requests']).toBe('9');
    // gpt-4.1-mini at $0.40 and $1.60 per million: 1000 and 100 tokens cost $0.00056.
    expect(exchange.receipt.limits?.['key.daily_usd']?.remaining).toBeCloseTo(1 - 0.00056, 9);
  });

  it('fails the request with the 402 when the only candidate would break the budget', async () => {
    const engine = guardedEngine(0.0001);
    const exchange = engine.createExchange({ apiKeyId: 'k1', request: { model: 'openai/gpt-4.1-mini', max_tokens: 200, messages: [{ role: 'user', content: 'hello' }] } });
    await expect(engine.run(exchange)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(exchange.receipt.error).toEqual({ status: 402, code: 'budget_exceeded' });
  });
});
