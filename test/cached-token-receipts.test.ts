import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReceiptStore, type ChatRequest, type Receipt } from '@routekit/core';
import { estimatePromptTokens, startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// Published list prices per million tokens, written out by hand (not read from the catalog):
// input, cached input (a prompt-cache read), cache write, output.
const prices: Record<string, { input: number; cached: number; write: number; output: number }> = {
  'openai/gpt-4.1': { input: 2, cached: 0.5, write: 2, output: 8 },
  'openai/gpt-4.1-mini': { input: 0.4, cached: 0.1, write: 0.4, output: 1.6 },
  'openai/gpt-4o-mini': { input: 0.15, cached: 0.075, write: 0.15, output: 0.6 },
  'anthropic/claude-sonnet-4-5': { input: 3, cached: 0.3, write: 3.75, output: 15 },
  'anthropic/claude-haiku-4-5': { input: 1, cached: 0.1, write: 1.25, output: 5 },
};
const models = Object.keys(prices);
const systemPrompts = Array.from({ length: 25 }, (_, index) => `You are assistant number ${index}. ${'Follow the house style guide to the letter. '.repeat(10 + index)}`);

/** Request `index` of the run: one of 25 long shared prefixes (each on all five models), then a question of its own. */
function conversation(index: number): ChatCompletionMessageParam[] {
  const prefix = Math.floor(index / 5) % systemPrompts.length;
  return [
    { role: 'system', content: systemPrompts[prefix]! },
    { role: 'user', content: `Earlier question ${prefix}` },
    { role: 'assistant', content: `Earlier answer ${prefix}` },
    { role: 'user', content: `Question ${index}: what now?` },
  ];
}

describe('receipts of 1,000 mixed requests with prompt-cached tokens', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream({ promptCache: true });
    gateway = await startGateway('express', {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      spendLimits: { global: { limits: { daily_usd: 100 } } },
      receipts: new MemoryReceiptStore({ maxReceipts: 2_000 }),
      logger: false,
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('cost equal to a hand-computed reference, in receipts, spend settlement and savings', async () => {
    // The provider's prompt cache as the test expects it: a prefix seen before (per model) is read; a new one is written (Anthropic reports writes).
    const seen = new Set<string>();
    let expectedCost = 0;
    let expectedDefault = 0;
    let expectedSpendMicros = 0;
    let costs = 0;
    let defaults = 0;
    let savings = 0;
    let cachedRequests = 0;
    let writes = 0;
    for (let index = 0; index < 1000; index += 1) {
      const model = models[index % models.length]!;
      const messages = conversation(index);
      const asChat = { model, messages } as unknown as ChatRequest;
      const prefixTokens = estimatePromptTokens({ ...asChat, messages: asChat.messages.slice(0, -1) });
      const key = `${model}|${Math.floor(index / 5) % systemPrompts.length}`;
      const read = seen.has(key) ? prefixTokens : 0;
      const written = !seen.has(key) && model.startsWith('anthropic/') ? prefixTokens : 0;
      seen.add(key);

      let usage: OpenAI.CompletionUsage;
      let receipt: Receipt;
      if (index % 4 === 0) {
        const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
        let last: (OpenAI.ChatCompletionChunk & { 'x-routekit'?: Receipt }) | undefined;
        for await (const chunk of stream) last = chunk;
        usage = last!.usage!;
        receipt = last!['x-routekit']!;
      } else {
        const completion = (await client.chat.completions.create({ model, messages })) as OpenAI.ChatCompletion & { 'x-routekit': Receipt };
        usage = completion.usage!;
        receipt = completion['x-routekit'];
      }
      expect(usage.prompt_tokens).toBe(estimatePromptTokens(asChat));
      expect(usage.prompt_tokens_details?.cached_tokens ?? 0).toBe(read);
      expect((usage.prompt_tokens_details as { cache_creation_tokens?: number } | undefined)?.cache_creation_tokens ?? 0).toBe(written);
      expect(receipt.tokens).toMatchObject({ prompt: usage.prompt_tokens, completion: usage.completion_tokens });

      const price = prices[model]!;
      const plain = usage.prompt_tokens - read - written;
      const cost = plain * price.input + read * price.cached + written * price.write + usage.completion_tokens * price.output;
      const base = prices['openai/gpt-4.1']!;
      expectedCost += cost / 1e6;
      expectedDefault += (plain * base.input + read * base.cached + written * base.write + usage.completion_tokens * base.output) / 1e6;
      expectedSpendMicros += Math.ceil(cost);
      costs += receipt.cost_usd;
      defaults += receipt.default_cost_usd!;
      savings += receipt.savings_usd;
      if (read > 0) cachedRequests += 1;
      if (written > 0) writes += 1;
    }
    // The run exercises each kind of token: reads on both providers, writes on Anthropic's.
    expect(cachedRequests).toBe(1000 - 5 * 25);
    expect(writes).toBe(2 * 25);
    // Receipts round each cost to 1e-8 USD; 1,000 of them stay within 1e-5 of the exact sum.
    expect(Math.abs(costs - expectedCost)).toBeLessThan(1e-5);
    expect(Math.abs(defaults - expectedDefault)).toBeLessThan(1e-5);
    expect(Math.abs(savings - (expectedDefault - expectedCost))).toBeLessThan(1e-5);
    // /v1/usage sums the same receipts.
    const { totals: usage } = (await (await fetch(`${gateway.url}/v1/usage`)).json()) as { totals: { requests: number; cost_usd: number; savings_usd: number } };
    expect(usage.requests).toBe(1000);
    expect(Math.abs(usage.cost_usd - expectedCost)).toBeLessThan(1e-5);
    expect(Math.abs(usage.savings_usd - (expectedDefault - expectedCost))).toBeLessThan(1e-5);
    // Spend settles each request's real cost rounded up to a micro-dollar; the next request's receipt shows what is left.
    const probe = (await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] })) as OpenAI.ChatCompletion & { 'x-routekit': Receipt };
    const probeMicros = Math.ceil(probe.usage!.prompt_tokens * 0.4 + probe.usage!.completion_tokens * 1.6);
    expect(probe['x-routekit'].limits?.['global.daily_usd']?.remaining).toBeCloseTo(100 - (expectedSpendMicros + probeMicros) / 1e6, 9);
  }, 120_000);
});
