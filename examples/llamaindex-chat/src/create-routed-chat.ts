import type { Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from '@routekit/core/testing';
import { RoutedLLM } from '@routekit/llamaindex';
import { OpenAI } from '@llamaindex/openai';

export interface RoutedChatOptions {
  /** Where OPENAI_API_KEY is read; `process.env` by default. */
  environment?: NodeJS.ProcessEnv;
  /** Pace of the demo's mock upstream (it streams like a model by default). */
  mock?: MockUpstreamOptions;
}

/** The routed LLM of the example, over real OpenAI models when a key is set and the mock upstream otherwise. */
export interface RoutedChat {
  llm: RoutedLLM;
  /** The built-in mock upstream in demo mode (no OPENAI_API_KEY); undefined with real models. */
  demo: MockUpstream | undefined;
  close(): Promise<void>;
}

/**
 * Two OpenAI models behind one RoutedLLM: easy messages go to gpt-4.1-mini, hard ones to gpt-4.1,
 * with PII redaction and the answer cache on. Without OPENAI_API_KEY both are the mock upstream.
 */
export async function createRoutedChat(options: RoutedChatOptions = {}): Promise<RoutedChat> {
  const environment = options.environment ?? process.env;
  const apiKey = environment.OPENAI_API_KEY ?? '';
  const mock = apiKey === '' ? await startMockUpstream(options.mock ?? { timeToFirstTokenMs: 150, tokensPerSecond: 40 }) : undefined;
  const model = (name: string) => new OpenAI({ model: name, maxRetries: 1, ...(mock === undefined ? { apiKey } : { apiKey: 'demo', baseURL: mock.url }) });
  const llm = new RoutedLLM({
    llms: { 'openai/gpt-4.1': model('gpt-4.1'), 'openai/gpt-4.1-mini': model('gpt-4.1-mini') },
    model: environment.ROUTEKIT_MODEL ?? 'auto',
    pii: true,
    cache: true,
  });
  return { llm, demo: mock, close: async () => mock?.close() };
}

/** One line about a routing decision: who answered, why, and what it cost. */
export function describeReceipt(receipt: Receipt): string {
  if (receipt.cache?.status === 'hit') return `[routekit] answered from the cache (${receipt.cache.kind ?? 'exact'}), saved $${(receipt.cache.saved_usd ?? 0).toFixed(6)}`;
  return `[routekit] ${receipt.winner ?? 'no model'} (${receipt.strategy}: ${receipt.reason}), $${receipt.cost_usd.toFixed(6)}, saved $${receipt.savings_usd.toFixed(6)} vs ${receipt.default_model ?? 'the default'}`;
}
