import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pairMetrics, parseTrainingRows, RoutekitError, trainRouter } from '@routekit/core';
import type { Command } from '../commands.js';
import { progressBar } from './progress-bar.js';

const HELP = `usage: routekit train FILE.jsonl [--out router.json] [--name NAME] [--strong MODEL --weak MODEL]
                     [--map DATA_MODEL=CATALOG_ID,...] [--bits N] [--epochs N] [--folds N]

Trains a router from JSONL rows {"prompt", "scores": {model: 0..1}, "cost_usd"?: {model: usd}}: one
logistic regression per model on hashed word and character n-grams and prompt statistics. Thresholds
are calibrated on out-of-fold predictions (prompts each model did not see), and the out-of-fold APGR is
printed. Use the file with new LinearScorer(JSON.parse(...)) in RouterOptions.scorers, then call the
router as router-NAME-<threshold>; --map says which catalog models stand for the data's models.
Rows {prompt, ref_answer} with upstream grading are not supported yet.
`;

export const train: Command = {
  summary: 'train a router from JSONL outcomes',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, name: { type: 'string' }, strong: { type: 'string' }, weak: { type: 'string' }, map: { type: 'string' },
        bits: { type: 'string' }, epochs: { type: 'string' }, folds: { type: 'string' }, help: { type: 'boolean' },
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
      const rows = parseTrainingRows(await readFile(positionals[0]!, 'utf8'), positionals[0]);
      const name = values.name ?? 'custom';
      const trained = trainRouter(rows, {
        name,
        catalogModels,
        onProgress: progressBar('training'),
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
      if (!(error instanceof RoutekitError) && (error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof Error && error.message.startsWith('The rows'))) throw error;
      process.stderr.write(`routekit train: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
