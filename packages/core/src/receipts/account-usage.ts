import type { Usage } from '../chat/chat-response.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { Receipt } from './receipt.js';

/** The cost in USD of `usage` tokens at a model's list prices. */
export function costOfUsage(model: ModelInfo, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens'>): number {
  return (usage.prompt_tokens * model.inputPricePerMillion + usage.completion_tokens * model.outputPricePerMillion) / 1_000_000;
}

/**
 * Writes tokens, cost and savings into the receipt: the cost from the usage the provider reported
 * (or an estimate, flagged) at the catalog's prices, and what the default model would have cost
 * for the same tokens.
 */
export function accountUsage(receipt: Receipt, model: ModelInfo, usage: Usage, estimated: boolean, defaultModel: ModelInfo | undefined): void {
  receipt.tokens = { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens, estimated };
  receipt.cost_usd = round(costOfUsage(model, usage));
  if (defaultModel !== undefined) {
    receipt.default_model = defaultModel.id;
    receipt.default_cost_usd = round(costOfUsage(defaultModel, usage));
    receipt.savings_usd = round(receipt.default_cost_usd - receipt.cost_usd);
  }
}

/** Rounds dollars to a millionth of a cent so receipts add up without float noise. */
export function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
