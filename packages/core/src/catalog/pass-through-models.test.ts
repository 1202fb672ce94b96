import { describe, expect, it } from 'vitest';
import { ModelCatalog } from './model-catalog.js';

describe('pass-through models', () => {
  it('resolves provider/any-name of a configured provider to one model object per name, never routable', () => {
    const catalog = new ModelCatalog({ providers: ['openai'] });
    const model = catalog.resolve('openai/gpt-6-preview');
    expect(model).toMatchObject({ id: 'openai/gpt-6-preview', provider: 'openai', upstreamModel: 'gpt-6-preview', priceUnknown: true });
    expect(catalog.resolve('openai/gpt-6-preview')).toBe(model);
    expect(catalog.serves(model)).toBe(true);
    expect(catalog.routable()).not.toContain(model);
    expect(catalog.resolve('openai/gpt-4.1-mini').priceUnknown).toBeUndefined();
  });

  it('takes a bounded number of distinct names, so made-up names cannot grow per-model state without end', () => {
    const catalog = new ModelCatalog({ providers: ['openai'], maxPassThroughModels: 2 });
    catalog.resolve('openai/one');
    catalog.resolve('openai/two');
    // A name that is not a model name does not use up the bound.
    expect(() => catalog.resolve('openai/<bad>')).toThrow(expect.objectContaining({ code: 'invalid_model' }));
    expect(() => catalog.resolve('openai/three')).toThrow(expect.objectContaining({ status: 400, code: 'pass_through_limit' }));
    expect(catalog.resolve('openai/one').id).toBe('openai/one');
    expect(catalog.resolve('gpt-4.1-mini').id).toBe('openai/gpt-4.1-mini');
  });

  it('passes nothing through where the models are an app\'s own (in-process adapters) or providers are unknown', () => {
    expect(() => new ModelCatalog({ providers: ['openai'], routableIds: ['openai/gpt-4.1'] }).resolve('openai/gpt-6')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
    expect(() => new ModelCatalog().resolve('openai/gpt-6')).toThrow(expect.objectContaining({ code: 'model_not_found' }));
  });
});
