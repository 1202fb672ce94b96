import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { createMemoryCounterStore } from '../stores/memory-counter-store.js';
import { closestOption } from './closest-option.js';
import { parseFeatureOptions, parseRouterConfig } from './parse-router-config.js';

function errorOf(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('closestOption', () => {
  it.each([
    ['similarityTreshold', 'similarityThreshold'],
    ['similarity_threshold', 'similarityThreshold'],
    ['TTLSECONDS', 'ttlSeconds'],
    ['ttl', 'ttlSeconds'],
    ['semantc', 'semantic'],
  ])('reads %s as %s', (key, expected) => {
    expect(closestOption(key, ['similarityThreshold', 'ttlSeconds', 'semantic', 'enabled', 'maxBytes'])).toBe(expected);
  });

  it('suggests nothing for a key unlike every option', () => {
    expect(closestOption('webhook', ['similarityThreshold', 'ttlSeconds'])).toBeUndefined();
    expect(closestOption('constructor', ['enabled'])).toBeUndefined();
  });
});

describe('parseFeatureOptions', () => {
  it('accepts every feature with routekit names and returns them unchanged', () => {
    const store = createMemoryCounterStore();
    const options = { rateLimits: { global: { requestsPerMinute: 10 } }, pii: { actions: { EMAIL: 'mask' as const } }, cache: { ttlSeconds: 60 }, spendLimits: { perTenant: { limits: { daily_usd: 1 } } }, store };
    const parsed = parseFeatureOptions(options);
    expect(parsed).toEqual(options);
    expect(parsed.store).toBe(store);
  });

  it('maps seed 002 names and lower-case PII types onto routekit names', () => {
    expect(parseFeatureOptions({ similarity_threshold: 0.97, cache: { ttl_seconds: 10 }, pii_types: ['email', 'ssn', 'Credit-Card'], pii_action: 'mask' })).toEqual({
      cache: { similarityThreshold: 0.97, ttlSeconds: 10 },
      pii: { types: ['EMAIL', 'US_SSN', 'CREDIT_CARD'], defaultAction: 'mask' },
    });
    expect(parseFeatureOptions({ pii_detection_enabled: false, pii_types: ['email'] })).toEqual({ pii: false });
    expect(parseFeatureOptions({ pii_detection_enabled: true })).toEqual({ pii: true });
    expect(parseFeatureOptions({ pii: { customPatterns: [{ name: 'employee_id', pattern: 'E-\\d{6}' }], actions: { employee_id: 'block' } } })).toEqual({
      pii: { customPatterns: [{ name: 'EMPLOYEE_ID', pattern: 'E-\\d{6}' }], actions: { EMPLOYEE_ID: 'block' } },
    });
  });

  it('names the key, the expected spelling, and never the value of a secret-bearing field', () => {
    const error = errorOf(() => parseFeatureOptions({ cache: { similarityTreshold: 0.9 } }));
    expect(error.message).toBe('cache.similarityTreshold is not an option; did you mean similarityThreshold?');
    expect(error.key).toBe('cache.similarityTreshold');
    expect(errorOf(() => parseFeatureOptions({ spendLimits: { global: { limits: { daily_usd: -1 } } } })).message).toBe('spendLimits.global.limits.daily_usd must be >= 0.');
    expect(errorOf(() => parseFeatureOptions({ rateLimits: { tenants: { 'team search': { rpm: 5 } } } })).key).toBe('rateLimits.tenants["team search"].rpm');
    expect(errorOf(() => parseFeatureOptions({ store: { get: () => 0 } })).message).toBe('store must be a counter store (an object with reserve, adjust, get).');
    expect(errorOf(() => parseFeatureOptions({ wibble: 1 })).message).toMatch(/^wibble is not an option; the options are rateLimits, pii, cache, spendLimits, store/);
    expect(errorOf(() => parseFeatureOptions('cache')).key).toBe('(root)');
  });

  it('refuses per-key limits when requests carry no key, and only then', () => {
    expect(errorOf(() => parseFeatureOptions({ rateLimits: { perKey: { requestsPerMinute: 1 } } }, { apiKeys: false })).key).toBe('rateLimits.perKey');
    expect(() => parseFeatureOptions({ rateLimits: { perKey: { requestsPerMinute: 1 } } }, { apiKeys: true })).not.toThrow();
    expect(() => parseFeatureOptions({ rateLimits: { perKey: { requestsPerMinute: 1 } } })).not.toThrow();
  });
});

describe('parseRouterConfig', () => {
  it('validates an adapter shape beside the features and engine keys, under a path', () => {
    const shape = { models: z.record(z.string(), z.unknown()) };
    expect(parseRouterConfig({ models: { a: 1 }, maxAttempts: 2, cache: true }, { shape })).toEqual({ models: { a: 1 }, maxAttempts: 2, cache: true });
    expect(errorOf(() => parseRouterConfig({ models: {}, maxAtempts: 2 }, { shape, path: 'routekit' })).message).toBe('routekit.maxAtempts is not an option; did you mean maxAttempts?');
  });
});
