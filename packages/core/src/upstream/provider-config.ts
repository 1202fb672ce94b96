import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';

/** One upstream provider the gateway can call. */
export interface ProviderConfig {
  /** The provider id models refer to (`ModelInfo.provider`), e.g. `openai`. */
  id: string;
  /** The wire format: OpenAI chat completions, or Anthropic's Messages API. */
  kind: 'openai' | 'anthropic';
  /** The API base URL including the version, e.g. `https://api.openai.com/v1` or `https://api.anthropic.com/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` (openai) or `x-api-key` (anthropic); optional for local servers. */
  apiKey?: string;
  /** Extra headers sent on every request, e.g. `OpenAI-Organization`. */
  headers?: Record<string, string>;
  /** Time allowed for the response headers and the first body byte, in ms. Default 60000. */
  timeoutMs?: number;
  /** Time allowed between two chunks of a response body, in ms. Default: `timeoutMs`. */
  idleTimeoutMs?: number;
}

export const defaultTimeoutMs = 60_000;

/** A provider's fields; the gateway's config validation spreads its shape into a strict object. */
export const providerConfigSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['openai', 'anthropic']),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
  idleTimeoutMs: z.number().int().positive().optional(),
});

/** A validated provider with its defaults filled in. */
export interface ResolvedProvider {
  id: string;
  kind: 'openai' | 'anthropic';
  /** The base URL without a trailing slash. */
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  idleTimeoutMs: number;
}

/** Validates provider configurations; errors name the field, e.g. `providers[1].baseUrl`. */
export function resolveProviders(providers: unknown): Map<string, ResolvedProvider> {
  const parsed = z.array(providerConfigSchema).safeParse(providers);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = ['providers', ...issue.path].map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
    throw new InvalidRequestError(`Invalid provider configuration at ${param}: ${issue.message}`, { code: 'invalid_config', param });
  }
  const resolved = new Map<string, ResolvedProvider>();
  for (const provider of parsed.data) {
    if (resolved.has(provider.id)) throw new InvalidRequestError(`Provider ${provider.id} is configured twice.`, { code: 'invalid_config', param: 'providers' });
    const timeoutMs = provider.timeoutMs ?? defaultTimeoutMs;
    resolved.set(provider.id, {
      id: provider.id,
      kind: provider.kind,
      baseUrl: provider.baseUrl.replace(/\/+$/, ''),
      apiKey: provider.apiKey,
      headers: Object.fromEntries(Object.entries(provider.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
      timeoutMs,
      idleTimeoutMs: provider.idleTimeoutMs ?? timeoutMs,
    });
  }
  return resolved;
}
