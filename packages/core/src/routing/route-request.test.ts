import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { InvalidRequestError } from '../errors.js';
import { parseRouteRequest, routeDecisionResponse } from './route-request.js';
import { Router } from './router.js';

const router = new Router({ catalog: new ModelCatalog({ providers: ['openai', 'anthropic'] }), latency: new LatencyTracker() });

describe('POST /v1/route request and response', () => {
  it('turns a prompt and preferences into a decision with ranked candidates, predictions and a reason', () => {
    const { request, hints } = parseRouteRequest({ prompt: 'Hello!', user_preferences: { priority: 'quality' } });
    expect(request.model).toBe('auto');
    expect(hints).toEqual({ priority: 'quality' });
    const body = routeDecisionResponse(router.decide(request, hints), 0.12);
    expect(body.object).toBe('route.decision');
    const candidates = body.candidates as Array<{ model: string; predicted_quality: number }>;
    expect(body.model).toBe(candidates[0]!.model);
    expect(candidates.length).toBeGreaterThan(1);
    expect(candidates.every((candidate) => typeof candidate.predicted_quality === 'number')).toBe(true);
    expect(body.reason).toMatch(/predicted quality/);
  });

  it('takes messages and a model string too', () => {
    const { request } = parseRouteRequest({ messages: [{ role: 'user', content: 'Hi' }], model: 'router-mf-0.11593' });
    expect(router.decide(request).strategy).toMatch(/^router-default-/);
  });

  it('names the field at fault', () => {
    const fails = (body: unknown, param: string) => {
      try {
        parseRouteRequest(body);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        expect((error as InvalidRequestError).param).toBe(param);
        return;
      }
      throw new Error('expected a validation error');
    };
    fails({ prompt: 'x', temprature: 1 }, 'temprature');
    fails({}, 'prompt');
    fails({ prompt: 'x', messages: [] }, 'prompt');
    fails({ prompt: 42 }, 'prompt');
    fails({ prompt: 'x', user_preferences: { priority: 'speed' } }, 'user_preferences.priority');
    fails({ prompt: 'x', constructor: 1 }, 'constructor');
  });
});
