import type { Usage } from '../chat/chat-response.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { Receipt } from './receipt.js';

/** How many of the prompt tokens a prompt cache served, read and written; never more than the prompt, whatever a provider reports. */
export function cachedPromptTokens(usage: Pick<Usage, 'prompt_tokens' | 'prompt_tokens_details'>): { read: number; written: number } {
  const details = usage.prompt_tokens_details;
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);
  const read = Math.min(count(details?.cached_tokens), usage.prompt_tokens);
  return { read, written: Math.min(count(details?.cache_creation_tokens), usage.prompt_tokens - read) };
}

/**
 * The cost in USD of `usage` tokens at a model's list prices: prompt tokens read from a prompt
 * cache at the cached-input price, those written to it at the cache-write price (each the input
 * price when the catalog has none), the rest at the input price.
 */
export function costOfUsage(model: ModelInfo, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>): number {
  return costInMicros(model, usage) / 1_000_000;
}

/** Tokens times prices per million: the cost in micro-dollars, unrounded. */
export function costInMicros(model: ModelInfo, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>): number {
  const { read, written } = cachedPromptTokens(usage);
  const input = model.inputPricePerMillion;
  return (
    (usage.prompt_tokens - read - written) * input +
    read * (model.cachedInputPricePerMillion ?? input) +
    written * (model.cacheWritePricePerMillion ?? input) +
    usage.completion_tokens * model.outputPricePerMillion
  );
}

/**
 * Writes tokens, cost and savings into the receipt: the cost from the usage the provider reported
 * (or an estimate, flagged) at the catalog's prices, and what the default model would have cost
 * for the same tokens.
 */
export function accountUsage(receipt: Receipt, model: ModelInfo, usage: Usage, estimated: boolean, defaultModel: ModelInfo | undefined): void {
  const cached = cachedPromptTokens(usage);
  receipt.tokens = {
    prompt: usage.prompt_tokens,
    completion: usage.completion_tokens,
    total: usage.total_tokens,
    estimated,
    ...(cached.read > 0 && { cached_prompt: cached.read }),
    ...(cached.written > 0 && { cache_write: cached.written }),
  };
  receipt.cost_usd = round(costOfUsage(model, usage));
  if (model.priceUnknown === true) receipt.price_unknown = true;
  // Savings against the default model mean nothing when this model's price is unknown.
  if (defaultModel !== undefined && model.priceUnknown !== true) {
    receipt.default_model = defaultModel.id;
    receipt.default_cost_usd = round(costOfUsage(defaultModel, usage));
    receipt.savings_usd = round(receipt.default_cost_usd - receipt.cost_usd);
  }
}

/** Rounds dollars to a millionth of a cent so receipts add up without float noise. */
export function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
