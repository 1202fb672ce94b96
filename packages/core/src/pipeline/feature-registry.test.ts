import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { featureStack } from './feature-registry.js';

const source = dirname(dirname(fileURLToPath(import.meta.url)));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);

describe('the feature registry', () => {
  it('refuses options that turn on a feature whose module was not loaded, naming it', () => {
    // This file loads the registry alone: no feature has registered.
    expect(featureStack({})).toEqual([]);
    const error = (() => {
      try {
        featureStack({ cache: true });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).key).toBe('cache');
  });

  it('builds the features that registered, in the one fixed order, whatever the order they loaded in', async () => {
    await import('../cache/cache-feature.js');
    await import('../guard/limits/spend-limit-feature.js');
    await import('../built-in-features.js');
    const names = featureStack({ cache: true, pii: true, rateLimits: { global: { requestsPerMinute: 10 } }, spendLimits: { global: { limits: { daily_usd: 1 } } } }).map((feature) => feature.name);
    expect(names).toEqual(['tracing', 'rate-limit', 'pii', 'cache', 'spend-limit']);
  });
});

describe('the core package layout', () => {
  it('keeps the pipeline free of every feature: features register with it, it imports none of them', () => {
    const pipeline = sourceFiles(join(source, 'pipeline'));
    const offending = pipeline.flatMap((file) => importsOf(file).filter((target) => /^\.\.\/(cache|guard|observability)\//.test(target)).map((target) => `${file}: ${target}`));
    expect(offending).toEqual([]);
  });

  it('loads no server-side operations: no SQL driver, no SQLite, nothing from @routekit/operations', () => {
    const offending = sourceFiles(source).flatMap((file) => importsOf(file).filter((target) => /^(pg|node:sqlite|@routekit\/operations)$/.test(target)).map((target) => `${file}: ${target}`));
    expect(offending).toEqual([]);
  });
});
