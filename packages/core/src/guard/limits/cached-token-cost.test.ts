import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../catalog/model-catalog.js';
import { cachedPromptTokens, costOfUsage } from '../../receipts/account-usage.js';
import { fromAnthropicResponse } from '../../upstream/anthropic-response.js';
import { costMicros, usageCostMicros } from './spend-cost.js';

const catalog = new ModelCatalog();
const sonnet = catalog.get('anthropic/claude-sonnet-4-5')!;
const gpt41 = catalog.get('openai/gpt-4.1')!;
const mistral = catalog.get('mistral/mistral-small-latest')!;

describe('prices of prompt-cached tokens', () => {
  it('prices reads, writes and the rest of the prompt each at its own price', () => {
    const usage = { prompt_tokens: 10_000, completion_tokens: 1_000, total_tokens: 11_000, prompt_tokens_details: { cached_tokens: 6_000, cache_creation_tokens: 3_000 } };
    // 1,000 plain at $3, 6,000 read at $0.30, 3,000 written at $3.75, 1,000 out at $15 (per million).
    expect(costOfUsage(sonnet, usage)).toBeCloseTo((1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 1_000 * 15) / 1e6, 15);
    expect(usageCostMicros(sonnet, usage)).toBe(Math.ceil(1_000 * 3 + 6_000 * 0.3 + 3_000 * 3.75 + 1_000 * 15));
    expect(costOfUsage(gpt41, { prompt_tokens: 4_000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 4_000 } })).toBeCloseTo((4_000 * 0.5) / 1e6, 15);
  });

  it('bills cached tokens at the full input price when the model has no cached price', () => {
    const usage = { prompt_tokens: 2_000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 1_500, cache_creation_tokens: 500 } };
    expect(costOfUsage(mistral, usage)).toBe(costOfUsage(mistral, { prompt_tokens: 2_000, completion_tokens: 10 }));
  });

  it('never counts more cached tokens than the prompt, whatever a provider reports', () => {
    expect(cachedPromptTokens({ prompt_tokens: 100, prompt_tokens_details: { cached_tokens: 80, cache_creation_tokens: 80 } })).toEqual({ read: 80, written: 20 });
    expect(cachedPromptTokens({ prompt_tokens: 100, prompt_tokens_details: { cached_tokens: -5, cache_creation_tokens: Number.NaN } })).toEqual({ read: 0, written: 0 });
    expect(cachedPromptTokens({ prompt_tokens: 100, prompt_tokens_details: null })).toEqual({ read: 0, written: 0 });
  });

  it('reserves every prompt token at the highest price, so a cache write never outruns the reservation', () => {
    // Anthropic writes cost 125% of input: the worst case is a prompt written to the cache whole.
    expect(costMicros(sonnet, 1_000, 0)).toBe(Math.ceil(1_000 * 3.75));
    expect(costMicros(sonnet, 1_000, 0)).toBeGreaterThanOrEqual(usageCostMicros(sonnet, { prompt_tokens: 1_000, completion_tokens: 0, prompt_tokens_details: { cache_creation_tokens: 1_000 } }));
    expect(costMicros(gpt41, 1_000, 0)).toBe(2_000);
  });

  it('maps Anthropic\'s cache reads and writes into OpenAI\'s usage, inside prompt_tokens', () => {
    const response = fromAnthropicResponse(
      { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 50, cache_read_input_tokens: 2_000, cache_creation_input_tokens: 300, output_tokens: 7 } },
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
    );
    expect(response.usage).toEqual({ prompt_tokens: 2_350, completion_tokens: 7, total_tokens: 2_357, prompt_tokens_details: { cached_tokens: 2_000, cache_creation_tokens: 300 } });
  });
});
