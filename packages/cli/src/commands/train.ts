import { readFile, writeFile } from 'node:fs/promises';
import { collectOutcomes, exactMatchGrade, InvalidRequestError, judgeGrader, pairMetrics, parseJsonlRows, parseTrainingRows, referenceRowSchema, trainRouter, type TrainingRow } from '@routekit/core';
import { openAiCompatibleAnswerer } from './answer-client.js';
import type { Command } from '../commands.js';
import { numberFlag, onePositional, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { progressBar } from './progress-bar.js';
import { trainFromOutcomes } from './train-from-outcomes.js';

const HELP = `usage: routekit train FILE.jsonl [--out router.json] [--name NAME] [--strong MODEL --weak MODEL]
       routekit train --from-outcomes [--database FILE|URL] [--strong MODEL --weak MODEL] [--tenant T]
                     [--dry-run] [--from-zero] [--out router.json] [--resamples 1000] [--json]
                     [--map DATA_MODEL=CATALOG_ID,...] [--bits N] [--epochs N] [--folds N] [--plain]
       routekit train REFERENCE.jsonl --models A,B --base-url URL [--api-key-env VAR]
                     [--grader exact|judge:MODEL] [--save-outcomes FILE] [same options]

Trains a router from JSONL rows {"prompt", "scores": {model: 0..1}, "cost_usd"?: {model: usd}}: one
logistic regression per model on hashed word and character n-grams and prompt statistics, with the
shipped router's recipe: separate n-gram weights for multiple-choice and other prompts, and word-problem
and answer-choice statistics (--plain leaves both out, as routers trained before them). Thresholds
are calibrated on out-of-fold predictions (prompts each model did not see), and the out-of-fold APGR is
printed. Use the file with new LinearScorer(JSON.parse(...)) in RouterOptions.scorers, then call the
router as router-NAME-<threshold>; --map says which catalog models stand for the data's models.

Rows {"prompt", "ref_answer"} are answered first by each of --models through an OpenAI-compatible
endpoint (--base-url, e.g. a provider or routekit serve; the key is read from the environment variable
named by --api-key-env) and graded: exact match (numbers by value, choice letters, else normalised
text), or by a judge model. --save-outcomes keeps the graded rows so they need not be paid for twice.

--from-outcomes trains on the gateway's own outcomes (POST /v1/feedback, stored with ROUTEKIT_LEARNING=1)
in --database (default ROUTEKIT_DATABASE, else .routekit/routekit.db; or a postgres:// URL). The
challenger's recipe is compared with the router in charge on outcomes it did not train on (5 folds by
request id, each judged by a challenger trained on the other four; APGR and cost at 95% of strong
quality, bootstrap 95% intervals); the challenger trained on all of them is stored as a new version,
and promoted only when the recipe wins beyond the interval; every instance on the database follows
within its poll interval. The challenger fine-tunes the shipped lr router (--from-zero: trains from
zero weights instead).
--dry-run stores and promotes nothing. See docs/learning.md.
`;

export const train: Command = {
  summary: 'train a router from JSONL outcomes',
  async run(argv) {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, name: { type: 'string' }, strong: { type: 'string' }, weak: { type: 'string' }, map: { type: 'string' },
        bits: { type: 'string' }, epochs: { type: 'string' }, folds: { type: 'string' }, plain: { type: 'boolean' }, help: { type: 'boolean' },
        models: { type: 'string' }, 'base-url': { type: 'string' }, 'api-key-env': { type: 'string' }, grader: { type: 'string' }, 'save-outcomes': { type: 'string' },
        'from-outcomes': { type: 'boolean' }, database: { type: 'string' }, tenant: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'from-zero': { type: 'boolean' }, resamples: { type: 'string' }, json: { type: 'boolean' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values['from-outcomes'] === true) {
      if (positionals.length > 0) throw new UsageError('--from-outcomes reads the database; give no FILE.jsonl', { flag: '--from-outcomes' });
      return trainFromOutcomes(values);
    }
    for (const flag of ['database', 'tenant', 'dry-run', 'from-zero', 'resamples', 'json'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --from-outcomes`, { flag: `--${flag}` });
    }
    const source = onePositional(positionals, 'FILE.jsonl argument (outcome or reference rows)');
    // 24 bits is already a 16M-slot weight table per model; more only costs memory.
    const bits = values.bits === undefined ? undefined : numberFlag('--bits', values.bits, { integer: true, minimum: 1, maximum: 24, expected: 'a whole number of hash bits, 1-24' });
    const epochs = values.epochs === undefined ? undefined : numberFlag('--epochs', values.epochs, { integer: true, minimum: 1, expected: 'a positive whole number' });
    const folds = values.folds === undefined ? undefined : numberFlag('--folds', values.folds, { integer: true, minimum: 2, expected: 'a whole number of folds, 2 or more' });
    const catalogModels: Record<string, string> = Object.create(null);
    for (const pair of values.map?.split(',') ?? []) {
      const [dataModel, catalogId, extra] = pair.split('=');
      if (!dataModel || !catalogId || extra !== undefined) throw new UsageError(`--map: expected DATA_MODEL=CATALOG_ID pairs separated by commas, got ${JSON.stringify(pair)}`, { flag: '--map' });
      catalogModels[dataModel] = catalogId;
    }
    const text = await readFile(source, 'utf8');
    const rows = isReferenceFile(text) ? await gradeReferences(text, source, values) : parseTrainingRows(text, source);
    // An empty file would otherwise fail later as "the rows share no scored model".
    if (rows.length === 0) throw new InvalidRequestError(`${source} has no rows: expected JSONL rows {"prompt", "scores": {model: 0..1}} or {"prompt", "ref_answer"}`, { code: 'no_rows' });
    for (const flag of ['strong', 'weak'] as const) {
      const model = values[flag];
      if (model !== undefined && !rows.every((row) => Object.hasOwn(row.scores, model))) throw new UsageError(`--${flag}: ${JSON.stringify(model)} is not scored in every row of ${source}`, { flag: `--${flag}` });
    }
    // With no row where one model did better than another there is nothing to learn: the router
    // would route at random and report APGR 0 (outcomes all 0 or all 1 are the usual cause).
    if (!rows.some((row) => new Set(Object.values(row.scores)).size > 1)) {
      throw new InvalidRequestError(`${source}: every row scores every model the same (e.g. all 0 or all 1), so there is nothing to learn about which model to route to; train on outcomes where the models differ`, { code: 'no_signal' });
    }
    const name = values.name ?? 'custom';
    const trained = trainRouter(rows, {
      name,
      catalogModels: { ...catalogModels },
      onProgress: progressBar('training'),
      // The shipped router's recipe; it bought GSM8K +0.05 APGR and MMLU +0.005 (docs/routing.md).
      splitByPromptType: values.plain !== true,
      taskStatistics: values.plain !== true,
      ...(values.strong !== undefined && { strong: values.strong }),
      ...(values.weak !== undefined && { weak: values.weak }),
      ...(bits !== undefined && { bits }),
      ...(epochs !== undefined && { logistic: { epochs } }),
      ...(folds !== undefined && { folds }),
    });
    const out = values.out ?? `${name}.router.json`;
    await writeFile(out, `${JSON.stringify(trained.file)}\n`);
    const { file } = trained;
    process.stdout.write(`wrote ${out}: ${rows.length} rows, models ${file.models.join(', ')}\n`);
    if (file.strong !== undefined && file.weak !== undefined) {
      const metrics = pairMetrics(rows.map((row, index) => ({ score: trained.outOfFoldStrongWin[index]!, strong: row.scores[file.strong!]!, weak: row.scores[file.weak!]! })));
      process.stdout.write(`out-of-fold: APGR ${metrics.apgr.toFixed(3)}, CPT(50%) ${(metrics.cpt50 * 100).toFixed(1)}%, CPT(80%) ${(metrics.cpt80 * 100).toFixed(1)}%\n`);
      process.stdout.write(`default threshold ${file.defaultThreshold} (30% strong): router-${name}-${file.defaultThreshold}\n`);
    }
    return 0;
  },
};

/** A file of reference rows: its first row has `ref_answer` and no `scores`. */
function isReferenceFile(text: string): boolean {
  const first = text.split('\n').find((line) => line.trim() !== '');
  if (first === undefined) return false;
  try {
    const row = JSON.parse(first) as Record<string, unknown>;
    return row.ref_answer !== undefined && row.scores === undefined;
  } catch {
    return false;
  }
}

interface GradingArguments { models?: string; 'base-url'?: string; 'api-key-env'?: string; grader?: string; 'save-outcomes'?: string }

/** Answers every reference prompt with every model and grades it; UsageErrors name a missing or bad flag. */
async function gradeReferences(text: string, source: string, values: GradingArguments): Promise<TrainingRow[]> {
  const models = values.models?.split(',').map((model) => model.trim()).filter((model) => model !== '') ?? [];
  if (models.length < 2 || values['base-url'] === undefined) {
    throw new UsageError('rows with ref_answer need --models A,B (two or more) and --base-url URL', { flag: models.length < 2 ? '--models' : '--base-url' });
  }
  if (!URL.canParse(values['base-url']) || !/^https?:$/.test(new URL(values['base-url']).protocol)) {
    throw new UsageError(`--base-url: expected an http(s) URL such as http://127.0.0.1:8787/v1, got ${JSON.stringify(values['base-url'])}`, { flag: '--base-url' });
  }
  const apiKey = values['api-key-env'] === undefined ? undefined : process.env[values['api-key-env']];
  if (values['api-key-env'] !== undefined && apiKey === undefined) {
    throw new UsageError(`--api-key-env: the environment variable ${values['api-key-env']} is not set`, { flag: '--api-key-env' });
  }
  const answer = openAiCompatibleAnswerer(values['base-url'], apiKey);
  const grader = values.grader === undefined || values.grader === 'exact' ? exactMatchGrade : values.grader.startsWith('judge:') ? judgeGrader((prompt) => answer(values.grader!.slice('judge:'.length), prompt)) : undefined;
  if (grader === undefined) {
    throw new UsageError(`--grader: expected exact or judge:MODEL, got ${JSON.stringify(values.grader)}`, { flag: '--grader' });
  }
  const rows = await collectOutcomes(parseJsonlRows(text, referenceRowSchema, source), { models, answer, grader, onProgress: progressBar('answering') });
  if (values['save-outcomes'] !== undefined) await writeFile(values['save-outcomes'], `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return rows;
}
