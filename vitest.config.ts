import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources through a project-unique export condition, so no build is
// needed between an edit and a test run (see notes/frameworks.md, section 4).
const conditions = ['@routekit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'adapters/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Gateways log a JSON line per request to stderr by default; tests that check logs pass their own logger.
    env: { ROUTEKIT_LOG_LEVEL: 'silent' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
