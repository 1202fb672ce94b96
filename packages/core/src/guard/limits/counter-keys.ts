import { keyPart, type LimitScope } from './limit-scopes.js';
import { windowOf, type LimitPeriod, type LimitWindow } from './limit-window.js';

/**
 * The windows and store keys of a limit's counters, made once per window instead of once per
 * request: a key is `${prefix}:${scope}:${keyPart(id)}:${name}:${window.id}`. A request that passes
 * its limits then costs a few map lookups, and hands the store the same key string every time (whose
 * hash V8 keeps), not a new one to flatten and hash.
 */
export interface CounterKeys {
  /** The window of `period` that contains `now`: the one in hand while `now` stays inside it. */
  window(period: LimitPeriod, now: number): LimitWindow;
  /** The store key of counter `name` of `scope` and `id` in `window`. */
  key(scope: LimitScope, id: string, name: string, window: LimitWindow): string;
}

interface CachedKey {
  windowId: string;
  key: string;
}

interface IdKeys {
  /** `${prefix}:${scope}:${keyPart(id)}:` */
  stem: string;
  byName: Map<string, CachedKey>;
}

/** Ids remembered per scope; past this the cache starts over, so a stream of new tenants cannot grow it for ever. */
const maxIdsPerScope = 10_000;

export function createCounterKeys(prefix: string): CounterKeys {
  const windows: { [period in LimitPeriod]?: LimitWindow } = {};
  const scopes: { [scope in LimitScope]: Map<string, IdKeys> } = { key: new Map(), tenant: new Map(), global: new Map() };
  return {
    window(period, now) {
      const current = windows[period];
      if (current !== undefined && now >= current.start && now < current.end) return current;
      return (windows[period] = windowOf(period, now));
    },
    key(scope, id, name, window) {
      const ids = scopes[scope];
      let keys = ids.get(id);
      if (keys === undefined) {
        if (ids.size >= maxIdsPerScope) ids.clear();
        ids.set(id, (keys = { stem: `${prefix}:${scope}:${keyPart(id)}:`, byName: new Map() }));
      }
      const cached = keys.byName.get(name);
      if (cached !== undefined && cached.windowId === window.id) return cached.key;
      const key = `${keys.stem}${name}:${window.id}`;
      keys.byName.set(name, { windowId: window.id, key });
      return key;
    },
  };
}
