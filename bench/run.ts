import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// `npm run bench`: the quick set (under 3 minutes on 2 cores): the gateway beside its peers, and the
// in-process costs (routing decision, redaction, cache lookup with embedding at 10k entries, receipt
// recording) and the resilience run. One script after another, so they do not compete for the two cores.
//   npm run bench -- <name>   every script whose file name contains <name> (e.g. `gateway`, `cache`)
//   npm run bench -- --all    every script, including the long ones (cache at 100k entries, routing
//                             cross-validation, the cache curves); several need ../shared/data.
const argument = process.argv[2] ?? '';
const folder = new URL('.', import.meta.url);
// The cache lookup builds its index from real questions (QQP and MRPC, ../shared/data/paraphrase);
// a clone without them runs the rest and says so.
const paraphrases = process.env.ROUTEKIT_PARAPHRASE_DATA ?? new URL('../../shared/data/paraphrase/', import.meta.url).pathname;
const hasParaphrases = existsSync(`${paraphrases}/qqp.train.jsonl`);
if (!hasParaphrases) console.log(`npm run bench: skipping cache-lookup.ts (its questions are not at ${paraphrases}; set ROUTEKIT_PARAPHRASE_DATA)`);
const hasHaproxy = spawnSync('sh', ['-c', 'command -v haproxy']).status === 0;
if (!hasHaproxy) console.log('npm run bench: skipping cluster.ts (HAProxy is not installed: apt-get install haproxy)');
const quick: Array<[script: string, args: string[]]> = [
  ['gateway-peers.ts', []],
  ['routing-decision.ts', []],
  ['redaction.ts', []],
  ...(hasParaphrases ? [['cache-lookup.ts', ['10000']] as [string, string[]]] : []),
  ['receipt-recording.ts', []],
  ['resilience.ts', []],
  // Replicas behind HAProxy (~30 s): CPU per request through the balancer, cache propagation.
  ...(hasHaproxy ? [['cluster.ts', []] as [string, string[]]] : []),
];
const available = readdirSync(folder).filter((name) => name.endsWith('.ts') && name !== 'run.ts').sort();
const chosen: Array<[string, string[]]> =
  argument === '' ? quick.filter(([script]) => available.includes(script)) : available.filter((name) => argument === '--all' || name.includes(argument)).map((name) => [name, []]);
if (chosen.length === 0) {
  console.error(`npm run bench: no benchmark matches "${argument}"; there are ${available.join(', ')}`);
  process.exit(2);
}
const started = performance.now();
let failed = 0;
for (const [script, args] of chosen) {
  process.stdout.write(`\n## ${script} ${args.join(' ')}\n`);
  // --expose-gc lets the memory figures collect garbage before they read the heap.
  const scriptStarted = performance.now();
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(script, folder).pathname, ...args], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
  console.log(`(${script}: ${((performance.now() - scriptStarted) / 1000).toFixed(0)} s)`);
}
console.log(`\nnpm run bench: ${chosen.length} scripts in ${((performance.now() - started) / 1000).toFixed(0)} s${failed > 0 ? `, ${failed} failed` : ''}`);
process.exitCode = failed === 0 ? 0 : 1;
