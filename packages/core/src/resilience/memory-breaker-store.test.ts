import { breakerStoreSuite } from './breaker-store-suite.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';

let counter = 0;
breakerStoreSuite('memory breaker store', createMemoryBreakerStore, () => `openai/model-${(counter += 1)}`);
