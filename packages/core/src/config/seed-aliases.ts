import { ConfigurationError } from '../errors.js';

/**
 * Seed 002's configuration names that map one to one onto routekit's, by section. A config copied
 * from its documents works as written; routekit's own spelling is the camelCase one.
 */
export const seedAliases: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  [
    'cache',
    new Map([
      ['cache_enabled', 'enabled'],
      ['similarity_threshold', 'similarityThreshold'],
      ['ttl_seconds', 'ttlSeconds'],
      ['exclude_models', 'excludeModels'],
    ]),
  ],
  [
    'pii',
    new Map([
      ['pii_detection_enabled', 'enabled'],
      ['pii_action', 'defaultAction'],
      ['pii_types', 'types'],
    ]),
  ],
]);

/** Seed 002's flat keys (`"similarity_threshold": 0.95` at the top level) and the section they belong to. */
const flatSeedKeys: ReadonlyMap<string, string> = new Map([...seedAliases].flatMap(([section, aliases]) => [...aliases.keys()].map((alias) => [alias, section] as const)));

/**
 * Renames seed names to routekit's inside `cache` and `pii`, and moves seed 002's flat top-level
 * keys into their section. Returns a new object; the input is not changed.
 */
export function applySeedAliases(config: Record<string, unknown>, path: string): Record<string, unknown> {
  const result: Record<string, unknown> = Object.create(null);
  const moved = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(config)) {
    const section = flatSeedKeys.get(key);
    if (section === undefined) {
      result[key] = value;
      continue;
    }
    const fields = moved.get(section) ?? Object.create(null);
    fields[key] = value;
    moved.set(section, fields);
  }
  for (const [section, aliases] of seedAliases) {
    const own = result[section];
    const flat = moved.get(section);
    if (flat !== undefined && own !== undefined && (typeof own !== 'object' || own === null)) {
      const key = join(path, Object.keys(flat)[0]!);
      throw new ConfigurationError(`${key} configures ${join(path, section)}, which is also set to ${JSON.stringify(own)}; write it inside ${join(path, section)} instead.`, { key });
    }
    const fields = own !== null && typeof own === 'object' && !Array.isArray(own) ? { ...(flat ?? {}), ...own } : flat;
    if (fields === undefined) continue;
    const renamed: Record<string, unknown> = Object.create(null);
    const writtenAs = new Map<string, string>();
    for (const [key, value] of Object.entries(fields)) {
      const canonical = aliases.get(key) ?? key;
      const earlier = writtenAs.get(canonical);
      if (earlier !== undefined) {
        const alias = join(join(path, section), key === canonical ? earlier : key);
        throw new ConfigurationError(`${alias} is the same option as ${join(join(path, section), canonical)}; keep one of them.`, { key: alias });
      }
      writtenAs.set(canonical, key);
      renamed[canonical] = value;
    }
    result[section] = { ...renamed };
  }
  return { ...result };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
