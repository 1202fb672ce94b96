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

/**
 * The rules that apply to an exchange, most specific first, so a refusal names the narrowest limit:
 * `compile` turns each configured rule into what a middleware reads per request (its defined limits,
 * their names). The default and global rules are compiled once, when the middleware is built; the
 * `keys` and `tenants` tables are read at each request, since their owner may change them later
 * (the durable API keys' limits fill `keys` as keys authenticate: `createKeyLimits`), and each rule
 * object in them is compiled the first time it is seen. A configuration with only a global rule
 * hands every request the same array, which callers must not change.
 */
export function compileScopedRules<Rule extends object, Compiled>(limits: ScopedLimits<Rule>, compile: (rule: Rule, scope: LimitScope) => Compiled): (exchange: Exchange) => readonly AppliedRule<Compiled>[] {
  const { keys, tenants } = limits;
  const perKey = limits.perKey === undefined ? undefined : compile(limits.perKey, 'key');
  const perTenant = limits.perTenant === undefined ? undefined : compile(limits.perTenant, 'tenant');
  const global: AppliedRule<Compiled>[] = limits.global === undefined ? [] : [{ scope: 'global', id: '*', rule: compile(limits.global, 'global') }];
  if (keys === undefined && perKey === undefined && tenants === undefined && perTenant === undefined) return () => global;
  // By scope too: one rule object may sit in both tables, and its limits' names differ.
  const compiled = { key: new WeakMap<Rule, Compiled>(), tenant: new WeakMap<Rule, Compiled>() };
  /** The compiled override for this id itself (a tenant named `constructor` must not read Object's), or the default. */
  const override = (rules: Readonly<Record<string, Rule>> | undefined, id: string, scope: 'key' | 'tenant', fallback: Compiled | undefined): Compiled | undefined => {
    if (rules === undefined || !Object.hasOwn(rules, id)) return fallback;
    const rule = rules[id]!;
    let known = compiled[scope].get(rule);
    if (known === undefined) compiled[scope].set(rule, (known = compile(rule, scope)));
    return known;
  };
  return (exchange) => {
    const applied: AppliedRule<Compiled>[] = [];
    if (exchange.apiKeyId !== null) {
      const rule = override(keys, exchange.apiKeyId, 'key', perKey);
      if (rule !== undefined) applied.push({ scope: 'key', id: exchange.apiKeyId, rule });
    }
    const tenantRule = override(tenants, exchange.tenant, 'tenant', perTenant);
    if (tenantRule !== undefined) applied.push({ scope: 'tenant', id: exchange.tenant, rule: tenantRule });
    if (global.length > 0) applied.push(global[0]!);
    return applied;
  };
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
