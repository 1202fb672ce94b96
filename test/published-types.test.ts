import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// An app compiled with `skipLibCheck: false` reads every .d.ts it imports: a published type that
// imports an optional dependency (pg, hnswlib-node) breaks its build when that dependency is not
// installed. `npm test` builds dist/ first (tsc -b); each .d.ts whose source still exists is read.
const root = join(import.meta.dirname, '..');
const optional = ['pg', 'hnswlib-node'];

function declarations(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('the published types', () => {
  for (const workspace of ['packages/core', 'packages/operations', 'adapters/openai', 'adapters/langchain', 'adapters/ai-sdk', 'adapters/llamaindex']) {
    it(`of ${workspace} import no optional dependency`, () => {
      const built = declarations(join(root, workspace, 'dist')).filter((file) => existsSync(join(root, workspace, 'src', relative(join(root, workspace, 'dist'), file).replace(/\.d\.ts$/, '.ts'))));
      expect(built.length).toBeGreaterThan(0);
      const offending = built.flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)].filter((match) => optional.includes(match[1]!)).map((match) => `${relative(root, file)}: ${match[1]}`),
      );
      expect(offending).toEqual([]);
    });
  }
});
