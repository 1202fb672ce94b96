import type { ChatRequest } from '../../chat/chat-request.js';
import type { Usage } from '../../chat/chat-response.js';
import type { ModelInfo } from '../../catalog/model-info.js';
import { costInMicros } from '../../receipts/account-usage.js';

/** Spend is counted in micro-dollars: integers add up exactly in every store. */
export const micros = (usd: number) => Math.round(usd * 1_000_000);
export const dollars = (amount: number) => amount / 1_000_000;
/**
 * Dollars for messages: cents from $1, else up to micro-dollars (the unit spend is counted in), so a
 * limit of $0.00001 reads as itself rather than as $0.0000.
 */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(6).replace(/(\.\d{4}\d*?)0+$/, '$1')}`;
}

/**
 * The most one prompt token can cost: a prompt-cache write (Anthropic's is 125% of input) may cost
 * more than plain input, so a worst case prices every prompt token at the highest of the three.
 */
export function promptPriceCeiling(model: ModelInfo): number {
  return Math.max(model.inputPricePerMillion, model.cachedInputPricePerMillion ?? 0, model.cacheWritePricePerMillion ?? 0);
}

/** The worst-case cost in micro-dollars (prices are per million tokens), rounded up: every prompt token at its highest price. */
export function costMicros(model: ModelInfo, promptTokens: number, completionTokens: number): number {
  return Math.ceil(promptTokens * promptPriceCeiling(model) + completionTokens * model.outputPricePerMillion);
}

/** The real cost of reported usage in micro-dollars, rounded up: cached reads and writes at their own prices, as receipts count them. */
export function usageCostMicros(model: ModelInfo, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>): number {
  return Math.ceil(costInMicros(model, usage));
}

/** The output cap the client set (`max_completion_tokens` first, as OpenAI reads it), if any. */
export function requestedOutputTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

/** How many answers one call produces (`n`): each may run to the output cap. */
export function choicesOf(request: ChatRequest): number {
  return typeof request.n === 'number' && request.n > 1 ? Math.floor(request.n) : 1;
}

/**
 * The most output tokens per choice, at most `wanted`, whose worst case fits in `budget`
 * micro-dollars beside the prompt's bound.
 */
export function affordableOutputTokens(model: ModelInfo, promptTokens: number, choices: number, wanted: number, budget: number): number {
  const perToken = model.outputPricePerMillion * choices;
  if (perToken <= 0) return costMicros(model, promptTokens, 0) <= budget ? wanted : 0;
  let tokens = Math.min(wanted, Math.max(0, Math.floor((budget - promptTokens * promptPriceCeiling(model)) / perToken)));
  // Floating point may put the rounded-up cost one micro-dollar over; step down until it fits.
  while (tokens > 0 && costMicros(model, promptTokens, tokens * choices) > budget) tokens -= 1;
  return tokens;
}

/**
 * The request with its output capped at `tokens`, in the field the client used; without one,
 * `max_completion_tokens` for OpenAI (its reasoning models reject `max_tokens`) and `max_tokens`
 * for everyone else (OpenAI-compatible servers and the Anthropic translation read it).
 */
export function withOutputCap(request: ChatRequest, tokens: number, model: ModelInfo): ChatRequest {
  const capped: ChatRequest = { ...request };
  const hasCompletion = typeof request.max_completion_tokens === 'number';
  const hasMax = typeof request.max_tokens === 'number';
  if (hasCompletion) capped.max_completion_tokens = tokens;
  if (hasMax) capped.max_tokens = tokens;
  if (!hasCompletion && !hasMax) {
    if (model.provider === 'openai') capped.max_completion_tokens = tokens;
    else capped.max_tokens = tokens;
  }
  return capped;
}
