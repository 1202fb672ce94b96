import { AuthenticationError, type ExchangeInput, type ModelCatalog, type ModelInfo, parseModelSelector, type RoutingHints } from '@routekit/core';
import type { ApiKeyPolicy } from './api-key-policy.js';
import type { TenantPreferences } from './tenant-preferences.js';

/** Allow and block lists from the key and the tenant; a model must pass all of them. */
export interface AccessRules {
  key?: ApiKeyPolicy;
  tenant?: TenantPreferences;
}

/** Whether the rules let a request use this model. */
export function isModelAllowed(model: ModelInfo, rules: AccessRules): boolean {
  const named = (list: readonly string[] | undefined, value: string) => list === undefined || list.length === 0 || list.includes(value);
  const { key, tenant } = rules;
  if (!named(key?.allowedModels, model.id) || !named(key?.allowedProviders, model.provider)) return false;
  if (!named(tenant?.allowed_models, model.id) || !named(tenant?.allowed_providers, model.provider)) return false;
  return !(tenant?.blocked_models ?? []).includes(model.id) && !(tenant?.blocked_providers ?? []).includes(model.provider);
}

/**
 * Applies a key's policy and its tenant's preferences to a request before the engine sees it:
 * a request naming a model they do not allow is refused (403 `model_not_allowed`); every other
 * model they do not allow goes into the hints' `exclude_models`, so no strategy, fallback chain
 * or configured fallback can pick it; the tenant's defaults fill the hints and the fallback chain
 * the request left unset. The request's own hints win over defaults, and can only narrow further.
 *
 * @example
 * const input = applyAccessPolicy({ request, tenant: 'acme', hints }, { key: record.policy, tenant: preferences }, engine.catalog);
 */
export function applyAccessPolicy(input: ExchangeInput, rules: AccessRules, catalog: ModelCatalog): ExchangeInput {
  const selector = parseModelSelector(input.request.model);
  if (selector.kind === 'explicit') {
    // An unknown name is left to the router, which answers its usual 404 model_not_found.
    let model: ModelInfo | undefined;
    try {
      model = catalog.resolve(selector.model);
    } catch {
      model = undefined;
    }
    if (model !== undefined && !isModelAllowed(model, rules)) {
      throw new AuthenticationError(`This API key may not use the model ${model.id}.`, { status: 403, code: 'model_not_allowed' });
    }
  }
  const excluded = catalog.routable().filter((model) => !isModelAllowed(model, rules)).map((model) => model.id);
  const hints = withDefaults(input.hints ?? {}, rules.tenant ?? {});
  if (excluded.length > 0) hints.exclude_models = [...new Set([...(hints.exclude_models ?? []), ...excluded])];
  const headers = { ...input.headers };
  const chain = rules.tenant?.fallback_chain;
  // The body's x-fallback-chain wins over the header, the header over the tenant's default.
  const requestHasChain = Object.hasOwn(input.request, 'x-fallback-chain') || (headers['x-fallback-chain'] ?? '').trim() !== '';
  if (chain !== undefined && !requestHasChain) headers['x-fallback-chain'] = JSON.stringify(chain);
  if (rules.tenant?.fallback_enabled === false) return { ...input, hints, headers, options: { ...input.options, fallback: false } };
  return { ...input, hints, headers };
}

function withDefaults(requested: RoutingHints, tenant: TenantPreferences): RoutingHints {
  const hints: RoutingHints = { ...requested };
  if (hints.priority === undefined && tenant.default_priority !== undefined) hints.priority = tenant.default_priority;
  if (hints.min_quality_score === undefined && tenant.quality_threshold !== undefined) hints.min_quality_score = tenant.quality_threshold;
  if (hints.max_latency_ms === undefined && tenant.max_latency_ms !== undefined) hints.max_latency_ms = tenant.max_latency_ms;
  if (hints.prefer_providers === undefined && tenant.prefer_providers !== undefined) hints.prefer_providers = [...tenant.prefer_providers];
  return hints;
}
