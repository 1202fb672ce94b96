import { describe, expect, it } from 'vitest';
import { learningEnvironment } from './learning-environment.js';

describe('learning in routekit serve --config', () => {
  it('turns learning on or off, or on with a retraining schedule, over the environment', () => {
    const environment = { ROUTEKIT_LEARNING: '0', ROUTEKIT_RETRAIN_EVERY: '1d', ROUTEKIT_DATABASE: 'x.db' };
    expect(learningEnvironment(undefined, environment)).toBe(environment);
    expect(learningEnvironment(true, environment)).toEqual({ ...environment, ROUTEKIT_LEARNING: 'true' });
    expect(learningEnvironment(false, {})).toEqual({ ROUTEKIT_LEARNING: 'false' });
    expect(learningEnvironment({ retrainEvery: '6h' }, environment)).toEqual({ ...environment, ROUTEKIT_LEARNING: 'true', ROUTEKIT_RETRAIN_EVERY: '6h' });
  });

  it('names the key of a bad value', () => {
    expect(() => learningEnvironment('yes', {})).toThrow('learning in the config file must be true, false or { retrainEvery: DURATION }');
    expect(() => learningEnvironment({ retrainEvry: '6h' }, {})).toThrow('learning.retrainEvry in the config file is not an option (expected retrainEvery)');
    expect(() => learningEnvironment({}, {})).toThrow('learning.retrainEvery in the config file must be a duration such as 6h or 30m');
    expect(() => learningEnvironment({ retrainEvery: 6 }, {})).toThrow(/^learning\.retrainEvery in the config file must be a duration/);
    expect(() => learningEnvironment({ retrainEvery: 'every 6 hours' }, {})).toThrow('learning.retrainEvery in the config file must be a duration such as 6h, 30m or 1h30m (d, h, m, s), from 1m to 365d, got "every 6 hours".');
  });
});
