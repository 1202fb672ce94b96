import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

// `npm run bench`: runs every benchmark script in this folder with tsx, one after another so they
// do not compete for the two cores; `npm run bench -- cache` runs those whose name contains "cache".
const filter = process.argv[2] ?? '';
const folder = new URL('.', import.meta.url);
const scripts = readdirSync(folder)
  .filter((name) => name.endsWith('.ts') && name !== 'run.ts' && name.includes(filter))
  .sort();
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n## ${script}\n`);
  const result = spawnSync('tsx', [new URL(script, folder).pathname], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
