import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';

/** One upstream provider the gateway can call. */
export interface ProviderConfig {
  /** The provider id models refer to (`ModelInfo.provider`), e.g. `openai`. */
  id: string;
  /** The wire format: OpenAI chat completions, Anthropic's Messages API, or Azure OpenAI (OpenAI's wire on deployment URLs). */
  kind: 'openai' | 'anthropic' | 'azure';
  /**
   * The API base URL including the version, e.g. `https://api.openai.com/v1` or `https://api.anthropic.com/v1`;
   * for `azure` the resource endpoint, e.g. `https://my-resource.openai.azure.com`.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer` (openai), `x-api-key` (anthropic) or `api-key` (azure); optional for local servers. */
  apiKey?: string;
  /** Azure only, required there: the `api-version` query parameter, e.g. `2024-10-21`. */
  apiVersion?: string;
  /** Azure only: deployment names by model name (the catalog's `upstreamModel`); a model without one is called on a deployment of its own name. */
  deployments?: Record<string, string>;
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
  kind: z.enum(['openai', 'anthropic', 'azure']),
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1).optional(),
  apiVersion: z.string().regex(/^[\w.-]{1,40}$/, 'must be an Azure OpenAI api-version such as 2024-10-21').optional(),
  deployments: z.record(z.string().min(1), z.string().regex(/^[\w.-]{1,64}$/, 'must be an Azure deployment name (letters, digits, _ . -)')).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
  idleTimeoutMs: z.number().int().positive().optional(),
});

/** A validated provider with its defaults filled in. */
export interface ResolvedProvider {
  id: string;
  kind: 'openai' | 'anthropic' | 'azure';
  /** The base URL without a trailing slash. */
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Azure: the api-version and the deployment of each model name. */
  apiVersion?: string;
  deployments?: ReadonlyMap<string, string>;
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
    const index = parsed.data.indexOf(provider);
    if (provider.kind === 'azure' && provider.apiVersion === undefined) throw new InvalidRequestError(`Invalid provider configuration at providers[${index}].apiVersion: an azure provider needs its api-version, e.g. 2024-10-21.`, { code: 'invalid_config', param: `providers[${index}].apiVersion` });
    for (const field of ['apiVersion', 'deployments'] as const) {
      if (provider.kind !== 'azure' && provider[field] !== undefined) throw new InvalidRequestError(`Invalid provider configuration at providers[${index}].${field}: only an azure provider takes ${field}.`, { code: 'invalid_config', param: `providers[${index}].${field}` });
    }
    const timeoutMs = provider.timeoutMs ?? defaultTimeoutMs;
    resolved.set(provider.id, {
      id: provider.id,
      kind: provider.kind,
      baseUrl: provider.baseUrl.replace(/\/+$/, ''),
      apiKey: provider.apiKey,
      headers: Object.fromEntries(Object.entries(provider.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
      timeoutMs,
      idleTimeoutMs: provider.idleTimeoutMs ?? timeoutMs,
      ...(provider.kind === 'azure' && { apiVersion: provider.apiVersion!, deployments: new Map(Object.entries(provider.deployments ?? {})) }),
    });
  }
  return resolved;
}
