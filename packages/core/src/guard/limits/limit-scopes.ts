import type { Exchange } from '../../pipeline/exchange.js';

/** Who a limit applies to. */
export type LimitScope = 'key' | 'tenant' | 'global';

/** Limits per API key, per tenant and global, with overrides for particular keys and tenants. */
export interface ScopedLimits<Rule> {
  /** For every API key (`exchange.apiKeyId`); requests without a key skip it. */
  perKey?: Rule;
  /** Overrides of `perKey` by key id. */
  keys?: Readonly<Record<string, Rule>>;
  /** For every tenant (`exchange.tenant`). */
  perTenant?: Rule;
  /** Overrides of `perTenant` by tenant. */
  tenants?: Readonly<Record<string, Rule>>;
  /** For all requests together. */
  global?: Rule;
}

export interface AppliedRule<Rule> {
  scope: LimitScope;
  /** The key id or tenant ('*' for global); it goes into store keys, never a secret. */
  id: string;
  rule: Rule;
}

/** The rules that apply to an exchange, most specific first, so a refusal names the narrowest limit. */
export function rulesFor<Rule>(exchange: Exchange, limits: ScopedLimits<Rule>): AppliedRule<Rule>[] {
  const applied: AppliedRule<Rule>[] = [];
  if (exchange.apiKeyId !== null) {
    const rule = own(limits.keys, exchange.apiKeyId) ?? limits.perKey;
    if (rule !== undefined) applied.push({ scope: 'key', id: exchange.apiKeyId, rule });
  }
  const tenantRule = own(limits.tenants, exchange.tenant) ?? limits.perTenant;
  if (tenantRule !== undefined) applied.push({ scope: 'tenant', id: exchange.tenant, rule: tenantRule });
  if (limits.global !== undefined) applied.push({ scope: 'global', id: '*', rule: limits.global });
  return applied;
}

/** A rule configured for this id itself: a tenant named `constructor` must not read Object's. */
function own<Rule>(rules: Readonly<Record<string, Rule>> | undefined, id: string): Rule | undefined {
  return rules !== undefined && Object.hasOwn(rules, id) ? rules[id] : undefined;
}

/**
 * `${scope}.${name}` for every scope and each of `names`: how receipts and refusals name a limit,
 * made once when a middleware is built instead of for every request.
 */
export function scopedLimitNames<Name extends string>(names: readonly Name[]): Record<LimitScope, Record<Name, string>> {
  const named = (scope: LimitScope) => Object.fromEntries(names.map((name) => [name, `${scope}.${name}`])) as Record<Name, string>;
  return { key: named('key'), tenant: named('tenant'), global: named('global') };
}

/** A store key part that cannot collide with the separators around it. */
export function keyPart(value: string): string {
  return encodeURIComponent(value);
}

/** "this API key", "this tenant", "this gateway" (or "this app" in-process): for error messages. */
export function describeScope(scope: LimitScope, context: LimitContext = {}): string {
  return scope === 'key' ? 'this API key' : scope === 'tenant' ? 'this tenant' : context.inProcess === true ? 'this app' : 'this gateway';
}

/** Where the limits run, for their messages. */
export interface LimitContext {
  /** In an app's own process (an in-process adapter): the global limits are the app's, not a gateway's. */
  inProcess?: boolean;
}
