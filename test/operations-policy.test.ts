import { describe, expect, it } from 'vitest';
import { ModelCatalog, Router, type ChatRequest } from '@routekit/core';
import { applyAccessPolicy, clientAddress, createAddressMatcher, createFailedAuthLockout } from '@routekit/operations';

const catalog = new ModelCatalog({ providers: ['openai', 'anthropic'] });
const ask = (model: string): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' }] });

describe('address matching and the client address', () => {
  it('matches IPv4 and IPv6 CIDR ranges, bare addresses, and IPv4 seen through a dual-stack socket', () => {
    const matcher = createAddressMatcher(['10.0.0.0/8', '203.0.113.7', '2001:db8::/32']);
    expect(matcher.matches('10.200.1.1')).toBe(true);
    expect(matcher.matches('11.0.0.1')).toBe(false);
    expect(matcher.matches('203.0.113.7')).toBe(true);
    expect(matcher.matches('203.0.113.8')).toBe(false);
    expect(matcher.matches('::ffff:10.1.2.3')).toBe(true);
    expect(matcher.matches('2001:db8:1::5')).toBe(true);
    expect(matcher.matches('2001:db9::5')).toBe(false);
    expect(matcher.matches('not an address')).toBe(false);
  });

  it('refuses malformed ranges, naming the entry', () => {
    expect(() => createAddressMatcher(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(/^\[1\]/);
    expect(() => createAddressMatcher(['example.com'])).toThrow(/^\[0\]/);
    expect(() => createAddressMatcher(['::1/129'])).toThrow(/^\[0\]/);
  });

  it('believes X-Forwarded-For only from a trusted proxy, reading it from the right', () => {
    const trustedProxies = createAddressMatcher(['10.0.0.0/8']);
    expect(clientAddress({ peer: '198.51.100.4', forwardedFor: '203.0.113.9', trustedProxies })).toBe('198.51.100.4');
    expect(clientAddress({ peer: '198.51.100.4', forwardedFor: '203.0.113.9', trustedProxies: undefined })).toBe('198.51.100.4');
    expect(clientAddress({ peer: '10.0.0.2', forwardedFor: '203.0.113.9', trustedProxies })).toBe('203.0.113.9');
    // The client wrote the leftmost entry itself; the first untrusted hop from the right is the truth.
    expect(clientAddress({ peer: '10.0.0.2', forwardedFor: '1.1.1.1, 203.0.113.9, 10.0.0.3', trustedProxies })).toBe('203.0.113.9');
    expect(clientAddress({ peer: '::ffff:10.0.0.2', forwardedFor: '2001:db8::9', trustedProxies })).toBe('2001:db8::9');
    expect(clientAddress({ peer: '10.0.0.2', forwardedFor: 'garbage', trustedProxies })).toBe('10.0.0.2');
  });
});

describe('failed-attempt lockout', () => {
  it('locks an address after N failures within the window, for the lock time, and forgets old failures', async () => {
    const lockout = createFailedAuthLockout({ maxFailures: 3, windowSeconds: 60, lockSeconds: 120 });
    expect(await lockout.recordFailure('a', 0)).toBeNull();
    expect(await lockout.recordFailure('a', 70_000)).toBeNull();
    expect(await lockout.recordFailure('a', 80_000)).toBeNull();
    expect(await lockout.lockedFor('a', 80_000)).toBeNull();
    expect(await lockout.recordFailure('a', 90_000)).toBe(120);
    expect(await lockout.lockedFor('a', 90_000)).toBe(120);
    expect(await lockout.lockedFor('b', 90_000)).toBeNull();
    expect(await lockout.lockedFor('a', 209_999)).toBe(1);
    expect(await lockout.lockedFor('a', 210_000)).toBeNull();
  });
});

describe('access policy before routing', () => {
  const router = new Router({ catalog });

  it('refuses an explicitly requested model the key or tenant does not allow with 403', () => {
    expect(() => applyAccessPolicy({ request: ask('openai/gpt-4.1') }, { key: { allowedModels: ['openai/gpt-4.1-mini'] } }, catalog)).toThrow(expect.objectContaining({ status: 403, code: 'model_not_allowed', type: 'permission_error' }) as Error);
    expect(() => applyAccessPolicy({ request: ask('anthropic/claude-sonnet-4-5') }, { tenant: { blocked_providers: ['anthropic'] } }, catalog)).toThrow(/may not use the model/);
    expect(() => applyAccessPolicy({ request: ask('openai/gpt-4.1-mini') }, { key: { allowedModels: ['openai/gpt-4.1-mini'] } }, catalog)).not.toThrow();
  });

  it('keeps disallowed models out of auto routing and every other strategy', () => {
    const allowed = ['openai/gpt-4.1', 'openai/gpt-4.1-mini'];
    for (const model of ['auto', 'router-lr-0.5', 'router@q:1|c:0.2|t:0|i:0']) {
      const input = applyAccessPolicy({ request: ask(model) }, { key: { allowedModels: allowed } }, catalog);
      const decision = router.decide(input.request, input.hints);
      expect(decision.candidates.length).toBeGreaterThan(0);
      for (const candidate of decision.candidates) expect(allowed).toContain(candidate.model.id);
    }
    const blocked = applyAccessPolicy({ request: ask('auto') }, { tenant: { blocked_providers: ['openai'] } }, catalog);
    for (const candidate of router.decide(blocked.request, blocked.hints).candidates) expect(candidate.model.provider).not.toBe('openai');
  });

  it('fills unset hints and the fallback chain from the tenant, and lets the request override them', () => {
    const tenant = { default_priority: 'quality' as const, quality_threshold: 0.5, fallback_chain: ['openai/gpt-4.1-mini'] };
    const filled = applyAccessPolicy({ request: ask('auto') }, { tenant }, catalog);
    expect(filled.hints).toEqual({ priority: 'quality', min_quality_score: 0.5 });
    expect(filled.headers?.['x-fallback-chain']).toBe('["openai/gpt-4.1-mini"]');
    const own = applyAccessPolicy({ request: ask('auto'), hints: { priority: 'cost' }, headers: { 'x-fallback-chain': 'openai/gpt-4.1' } }, { tenant }, catalog);
    expect(own.hints?.priority).toBe('cost');
    expect(own.headers?.['x-fallback-chain']).toBe('openai/gpt-4.1');
    const inBody = applyAccessPolicy({ request: { ...ask('auto'), 'x-fallback-chain': ['openai/gpt-4.1'] } as ChatRequest }, { tenant }, catalog);
    expect(inBody.headers?.['x-fallback-chain']).toBeUndefined();
  });
});
