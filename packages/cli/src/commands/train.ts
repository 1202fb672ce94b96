import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { collectOutcomes, exactMatchGrade, judgeGrader, pairMetrics, parseJsonlRows, parseTrainingRows, referenceRowSchema, RoutekitError, trainRouter, type TrainingRow } from '@routekit/core';
import { openAiCompatibleAnswerer } from './answer-client.js';
import type { Command } from '../commands.js';
import { progressBar } from './progress-bar.js';

const HELP = `usage: routekit train FILE.jsonl [--out router.json] [--name NAME] [--strong MODEL --weak MODEL]
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
`;

export const train: Command = {
  summary: 'train a router from JSONL outcomes',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, name: { type: 'string' }, strong: { type: 'string' }, weak: { type: 'string' }, map: { type: 'string' },
        bits: { type: 'string' }, epochs: { type: 'string' }, folds: { type: 'string' }, plain: { type: 'boolean' }, help: { type: 'boolean' },
        models: { type: 'string' }, 'base-url': { type: 'string' }, 'api-key-env': { type: 'string' }, grader: { type: 'string' }, 'save-outcomes': { type: 'string' },
      },
    });
    if (values.help || positionals.length !== 1) {
      (values.help ? process.stdout : process.stderr).write(HELP);
      return values.help ? 0 : 2;
    }
    const numbers: Record<string, number | undefined> = {};
    for (const key of ['bits', 'epochs', 'folds'] as const) {
      if (values[key] === undefined) continue;
      const value = Number(values[key]);
      if (!Number.isInteger(value) || value < 1) {
        process.stderr.write(`--${key}: expected a positive integer, got ${values[key]}\n`);
        return 2;
      }
      numbers[key] = value;
    }
    const catalogModels: Record<string, string> = {};
    for (const pair of values.map?.split(',') ?? []) {
      const [dataModel, catalogId] = pair.split('=');
      if (!dataModel || !catalogId) {
        process.stderr.write(`--map: expected DATA_MODEL=CATALOG_ID pairs, got ${pair}\n`);
        return 2;
      }
      catalogModels[dataModel] = catalogId;
    }
    try {
      const text = await readFile(positionals[0]!, 'utf8');
      const rows = isReferenceFile(text) ? await gradeReferences(text, positionals[0]!, values) : parseTrainingRows(text, positionals[0]);
      if (rows === undefined) return 2;
      const name = values.name ?? 'custom';
      const trained = trainRouter(rows, {
        name,
        catalogModels,
        onProgress: progressBar('training'),
        // The shipped router's recipe; it bought GSM8K +0.05 APGR and MMLU +0.005 (docs/routing.md).
        splitByPromptType: values.plain !== true,
        taskStatistics: values.plain !== true,
        ...(values.strong !== undefined && { strong: values.strong }),
        ...(values.weak !== undefined && { weak: values.weak }),
        ...(numbers.bits !== undefined && { bits: numbers.bits }),
        ...(numbers.epochs !== undefined && { logistic: { epochs: numbers.epochs } }),
        ...(numbers.folds !== undefined && { folds: numbers.folds }),
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
    } catch (error) {
      if (!(error instanceof RoutekitError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      process.stderr.write(`routekit train: ${(error as Error).message}\n`);
      return 1;
    }
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

/** Answers every reference prompt with every model and grades it; undefined (after a message) on bad arguments. */
async function gradeReferences(text: string, source: string, values: GradingArguments): Promise<TrainingRow[] | undefined> {
  const models = values.models?.split(',').map((model) => model.trim()).filter((model) => model !== '') ?? [];
  if (models.length < 2 || values['base-url'] === undefined) {
    process.stderr.write('routekit train: rows with ref_answer need --models A,B (two or more) and --base-url URL\n');
    return undefined;
  }
  const apiKey = values['api-key-env'] === undefined ? undefined : process.env[values['api-key-env']];
  if (values['api-key-env'] !== undefined && apiKey === undefined) {
    process.stderr.write(`routekit train: the environment variable ${values['api-key-env']} is not set\n`);
    return undefined;
  }
  const answer = openAiCompatibleAnswerer(values['base-url'], apiKey);
  const grader = values.grader === undefined || values.grader === 'exact' ? exactMatchGrade : values.grader.startsWith('judge:') ? judgeGrader((prompt) => answer(values.grader!.slice('judge:'.length), prompt)) : undefined;
  if (grader === undefined) {
    process.stderr.write(`--grader: expected exact or judge:MODEL, got ${values.grader}\n`);
    return undefined;
  }
  const rows = await collectOutcomes(parseJsonlRows(text, referenceRowSchema, source), { models, answer, grader, onProgress: progressBar('answering') });
  if (values['save-outcomes'] !== undefined) await writeFile(values['save-outcomes'], `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return rows;
}
