import { createHash } from 'node:crypto';
import type { ChatRequest } from '../chat/chat-request.js';
import type { Usage } from '../chat/chat-response.js';
import { estimatePromptTokens } from './mock-reply.js';
import type { MockApi } from './mock-upstream-options.js';

/** Prompt tokens a (mock) provider's prompt cache served: read from it, and written to it. */
export interface MockCacheUsage {
  read: number;
  written: number;
}

/**
 * The mock's prompt cache, as providers run theirs: a request whose messages before the last were
 * all seen before reads them from the cache; otherwise they are written (reported by Anthropic's
 * API only, as Anthropic bills writes and OpenAI does not). Deterministic: it depends only on the
 * requests received, in order.
 */
export function createMockPromptCache(): (request: ChatRequest, api: MockApi) => MockCacheUsage {
  const seen = new Set<string>();
  return (request, api) => {
    const prefix = request.messages.slice(0, -1);
    if (prefix.length === 0) return { read: 0, written: 0 };
    const key = createHash('sha256').update(`${request.model}\n${JSON.stringify(prefix)}`).digest('base64url');
    const tokens = estimatePromptTokens({ ...request, messages: prefix });
    if (seen.has(key)) return { read: tokens, written: 0 };
    if (seen.size >= 10_000) seen.clear();
    seen.add(key);
    return { read: 0, written: api === 'anthropic' ? tokens : 0 };
  };
}

/** The usage with the cache's share of the prompt broken out (both stay part of `prompt_tokens`). */
export function withCacheUsage(usage: Usage, cache: MockCacheUsage): Usage {
  const read = Math.min(cache.read, usage.prompt_tokens);
  const written = Math.min(cache.written, usage.prompt_tokens - read);
  return { ...usage, prompt_tokens_details: { cached_tokens: read, ...(written > 0 && { cache_creation_tokens: written }) } };
}
