/** A CLI command: takes its own arguments, returns the exit code. Bad arguments throw a UsageError. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

// A Map, not an object literal: the command name is user text, and `routekit constructor` must be an
// unknown command, not Object.prototype's constructor.
export const commands = new Map<string, () => Promise<Command>>([
  ['serve', async () => (await import('./commands/serve.js')).serve],
  ['train', async () => (await import('./commands/train.js')).train],
  ['calibrate', async () => (await import('./commands/calibrate.js')).calibrate],
  ['evaluate', async () => (await import('./commands/evaluate.js')).evaluate],
  ['cache-eval', async () => (await import('./commands/cache-eval.js')).cacheEval],
  ['redact', async () => (await import('./commands/redact.js')).redact],
  ['keys', async () => (await import('./commands/keys.js')).keys],
  ['recommend', async () => (await import('./commands/recommend.js')).recommend],
  ['routers', async () => (await import('./commands/routers.js')).routers],
]);

export function usage(): string {
  return [
    'usage: routekit <command> [options]',
    '',
    'commands:',
    '  serve       run the OpenAI-compatible gateway',
    '  train       train a router from JSONL outcomes',
    '  calibrate   find the threshold that sends a target share to the strong model',
    '  evaluate    APGR, CPT(50%), CPT(80%) and the cost-quality curve of a router',
    '  cache-eval  precision and recall of the semantic cache on labelled pairs',
    '  redact      redact PII from stdin, line for line',
    '  keys        create, list, revoke and rotate API keys; export the audit log',
    '  recommend   cheaper models at the same predicted quality, from stored receipts',
    '  routers     list, promote and roll back routers learned from outcomes',
    '',
    'Run `routekit <command> --help` for its options.',
    '',
  ].join('\n');
}
