import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm start` with a bad learning variable: one line naming it and exit 2, not a stack trace (the
// demo mode's mock upstream would otherwise keep the process alive).
const repository = join(import.meta.dirname, '..', '..', '..');

function startGateway(environment: Record<string, string>) {
  const database = join(mkdtempSync(join(tmpdir(), 'routekit-learning-variables-')), 'routekit.db');
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', join(repository, 'examples/gateway/src/main.ts')], { cwd: repository, env: { ...process.env, PORT: '0', ROUTEKIT_DATABASE: database, OPENAI_API_KEY: 'sk-test-not-used', ...environment }, timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
}

describe('npm start with a bad ROUTEKIT_RETRAIN_EVERY', { timeout: 120_000 }, () => {
  it('exits 2 with one line naming it', async () => {
    const outcome = await startGateway({ ROUTEKIT_LEARNING: '1', ROUTEKIT_RETRAIN_EVERY: '6 hours' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('routekit: ROUTEKIT_RETRAIN_EVERY must be a duration such as 6h, 30m or 1h30m (d, h, m, s), from 1m to 365d, got "6 hours".\n');
  });
});
