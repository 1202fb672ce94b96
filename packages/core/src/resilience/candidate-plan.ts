import type { ChatRequest } from '../chat/chat-request.js';
import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { ConfigurationError, InvalidRequestError } from '../errors.js';
import { applyHardConstraints } from '../routing/hard-constraints.js';
import { profileRequest } from '../routing/request-profile.js';
import type { RejectedCandidate, RoutingDecision } from '../routing/routing-decision.js';
import type { RoutingHints } from '../routing/routing-hints.js';
import { fallbackChainField } from './request-resilience.js';

export interface CandidatePlanInput {
  decision: RoutingDecision;
  catalog: ModelCatalog;
  request: ChatRequest;
  hints: RoutingHints;
  latency: LatencyTracker;
  /** The request's own `x-fallback-chain`, as names. */
  requestChain: readonly string[] | undefined;
  /** Configured fallback chains of explicitly requested models, by model id. */
  configured: ReadonlyMap<string, readonly ModelInfo[]>;
  /** How many of a routed request's ranked candidates to try. */
  maxCandidates: number;
  /** `false`: only the first candidate, whatever chains and rankings offer (a tenant that turned fallbacks off). Default true. */
  fallback?: boolean;
}

export interface CandidatePlan {
  models: ModelInfo[];
  /** Chain models (and an explicit model) set aside: no capability for this request, or circuit open. */
  rejected: RejectedCandidate[];
}

/**
 * The models to try, in order. A routed request falls back down its ranking (with at least one
 * other provider when the ranking has one), after the models of its `x-fallback-chain` when it
 * names one. An explicit model gets no other model unless it opts in:
 * with `x-fallback-chain`, or with a configured chain for that model. Chain models meet the same hard
 * constraints as ranked ones (tools, images, JSON mode, context, hints, open circuits), so a fallback
 * never silently drops what the request needs. With `fallback: false` only the first model is left
 * (the explicit one, or the best ranked one), and no chain is read.
 */
export function planCandidates(input: CandidatePlanInput): CandidatePlan {
  const { decision, latency } = input;
  const fallback = input.fallback !== false;
  const ranked = decision.candidates.map((candidate) => candidate.model);
  const explicit = decision.strategy === 'explicit';
  const rejected: RejectedCandidate[] = [];
  const head: ModelInfo[] = [];
  if (explicit) {
    const reason = latency.unavailableReason(ranked[0]!.id);
    if (reason === undefined) head.push(ranked[0]!);
    else rejected.push({ model: ranked[0]!, reason });
  } else {
    head.push(ranked[0]!);
  }
  if (!fallback) return { models: head, rejected };
  const chain = input.requestChain?.map((name, index) => resolveRoutable(input.catalog, name, `${fallbackChainField}[${index}]`)) ?? (explicit ? (input.configured.get(ranked[0]!.id) ?? []) : []);
  const seen = new Set(ranked.slice(0, 1).map((model) => model.id));
  const fresh = chain.filter((model) => !seen.has(model.id) && seen.add(model.id));
  // Most requests name no chain: nothing to check, and no second profile of the request.
  const checked = fresh.length === 0 ? { eligible: [], rejected: [] } : applyHardConstraints(fresh, profileRequest(input.request), input.hints, latency);
  rejected.push(...checked.rejected);
  if (explicit) return { models: [...head, ...checked.eligible], rejected };
  const rest = ranked.slice(1).filter((model) => !seen.has(model.id));
  const limit = Math.max(input.maxCandidates, 1 + checked.eligible.length);
  return { models: acrossProviders([...head, ...checked.eligible, ...rest], limit), rejected };
}

/**
 * The first `limit` models, except that when they all share one provider and the ranking holds a
 * model of another, the best of those takes the last place: an outage of one provider must not
 * take every fallback of a routed request with it.
 */
function acrossProviders(models: ModelInfo[], limit: number): ModelInfo[] {
  const chosen = models.slice(0, limit);
  if (chosen.length < 2 || chosen.some((model) => model.provider !== chosen[0]!.provider)) return chosen;
  const other = models.slice(limit).find((model) => model.provider !== chosen[0]!.provider);
  return other === undefined ? chosen : [...chosen.slice(0, -1), other];
}

function resolveRoutable(catalog: ModelCatalog, name: string, param: string): ModelInfo {
  let model: ModelInfo;
  try {
    model = catalog.resolve(name);
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    throw new InvalidRequestError(`${param} names no model of this gateway's catalog (${error.code}).`, { code: 'invalid_fallback_chain', param, cause: error });
  }
  if (!catalog.routable().includes(model)) {
    throw new InvalidRequestError(`${param}: the provider "${model.provider}" of this model is not configured on this gateway.`, { code: 'invalid_fallback_chain', param });
  }
  return model;
}

/** Validates the `fallbacks` option against the catalog: every key and every entry must be a routable model. */
export function resolveConfiguredFallbacks(fallbacks: Readonly<Record<string, readonly string[]>> | undefined, catalog: ModelCatalog): Map<string, ModelInfo[]> {
  const resolved = new Map<string, ModelInfo[]>();
  if (fallbacks === undefined) return resolved;
  if (typeof fallbacks !== 'object' || fallbacks === null || Array.isArray(fallbacks)) {
    throw new ConfigurationError('`fallbacks` must map model ids to arrays of model ids.', { key: 'fallbacks' });
  }
  for (const [name, chain] of Object.entries(fallbacks)) {
    const model = configuredModel(catalog, name, `fallbacks["${name}"]`);
    if (!Array.isArray(chain)) throw new ConfigurationError(`fallbacks["${name}"] must be an array of model ids.`, { key: `fallbacks.${name}` });
    resolved.set(
      model.id,
      chain.map((entry, index) => configuredModel(catalog, entry, `fallbacks["${name}"][${index}]`)),
    );
  }
  return resolved;
}

function configuredModel(catalog: ModelCatalog, name: unknown, key: string): ModelInfo {
  try {
    const model = catalog.resolve(String(name));
    if (catalog.routable().includes(model)) return model;
  } catch {
    // Reported below with the option's path.
  }
  throw new ConfigurationError(`${key}: "${String(name).slice(0, 80)}" is not a routable model (is its provider configured?).`, { key });
}
