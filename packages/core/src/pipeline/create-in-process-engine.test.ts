import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { createInProcessEngine } from './create-in-process-engine.js';

const reply = (content: string) => ({ id: 'x', object: 'chat.completion' as const, created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant' as const, content }, finish_reason: 'stop' as const }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });

describe('createInProcessEngine', () => {
  it('routes only among the given models and calls the delegate registered under the chosen id', async () => {
    const called: string[] = [];
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1': 'strong-delegate', 'openai/gpt-4.1-mini': 'weak-delegate' },
      call: async (delegate, attempt) => {
        called.push(`${delegate}:${attempt.model.id}`);
        return { type: 'response', response: reply('hi') };
      },
    });
    expect(engine.catalog.routable().map((model) => model.id).sort()).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini']);
    const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] } });
    await engine.run(exchange);
    expect(called).toEqual(['weak-delegate:openai/gpt-4.1-mini']);
    const strong = engine.createExchange({ request: { model: 'router-lr-0', messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] } });
    await engine.run(strong);
    expect(called[1]).toBe('strong-delegate:openai/gpt-4.1');
    expect(engine.defaultModel?.id).toBe('openai/gpt-4.1');
  });

  it('names an id the catalog does not know, and an empty map', () => {
    expect(() => createInProcessEngine({ models: { 'acme/unknown': 1 }, call: async () => { throw new Error('unused'); } })).toThrow(ConfigurationError);
    expect(() => createInProcessEngine({ models: { 'acme/unknown': 1 }, call: async () => { throw new Error('unused'); } })).toThrow(/acme\/unknown/);
    expect(() => createInProcessEngine({ models: {}, call: async () => { throw new Error('unused'); } })).toThrow(/models/);
  });
});
