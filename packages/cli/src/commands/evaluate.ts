import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { evaluateRouter, InvalidRequestError, parseTrainingRows, renderCurveSvg, type RouterEvaluation } from '@routekit/core';
import type { Command } from '../commands.js';
import { onePositional, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { loadRouterArgument, shippedRouterNames } from './router-argument.js';
import { svgToPng } from '../svg-to-png.js';

const HELP = `usage: routekit evaluate FILE.jsonl [--router R] [--database FILE|URL] [--strong M --weak M] [--out-dir DIR] [--json]

Measures a router on rows {"id"?, "prompt", "scores": {model: 0..1}, "cost_usd"?}: APGR, CPT(50%),
CPT(80%) (RouteLLM's definitions), the cost saved versus always-strong at 95% of strong quality, and
for files with more than two models the area under the cost-quality curve. Writes the curves as SVG
and PNG beside the random and oracle routers (into --out-dir, default the current directory).
R is ${shippedRouterNames.join(', ')} or a router file; default lr for two-model files, routerbench
otherwise. default, auto and RouteLLM's names (router-mf-0.116, ...) are the router the gateway runs for
them: the shipped default, or with --database the learned router in charge there (learned-v<N>: a
stored version). Measure on prompts the router was not trained on: the shipped routers saw the training
halves in ../shared/data/routing. --json prints one object with the metrics and per-row predictions.
`;

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export const evaluate: Command = {
  summary: 'APGR, CPT(50%), CPT(80%) and the cost-quality curve of a router',
  async run(argv) {
    const { values, positionals } = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: { router: { type: 'string' }, database: { type: 'string' }, strong: { type: 'string' }, weak: { type: 'string' }, 'out-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const file = onePositional(positionals, 'FILE.jsonl argument (scored rows)');
    const rows = parseTrainingRows(await readFile(file, 'utf8'), file);
    if (rows.length === 0) throw new InvalidRequestError(`${file} has no rows: expected JSONL rows {"prompt", "scores": {model: 0..1}}`, { code: 'no_rows' });
    const modelCount = Object.keys(rows[0]!.scores).length;
    const scorer = await loadRouterArgument(values.router ?? (modelCount > 2 ? 'routerbench' : 'lr'), values.database === undefined ? {} : { database: values.database });
    const result = evaluateOrNameTheFlag(() => evaluateRouter(rows, scorer, { ...(values.strong !== undefined && { strong: values.strong }), ...(values.weak !== undefined && { weak: values.weak }) }));
    const outDirectory = values['out-dir'] ?? '.';
    await mkdir(outDirectory, { recursive: true });
    const stem = join(outDirectory, basename(file).replace(/\.jsonl?$/, ''));
    const written: string[] = [];
    for (const [index, chart] of result.charts.entries()) {
      const name = `${stem}.${index === 0 ? 'pgr' : 'cost-quality'}`;
      const svg = renderCurveSvg(chart);
      await writeFile(`${name}.svg`, svg);
      await writeFile(`${name}.png`, svgToPng(svg));
      written.push(`${name}.svg`, `${name}.png`);
    }
    const { charts: _charts, ...numbers } = result;
    if (values.json) process.stdout.write(`${JSON.stringify({ router: scorer.name, ...numbers, curves: written })}\n`);
    else process.stdout.write(formatEvaluation(result, scorer.name, written));
    return 0;
  },
};

/** A --strong or --weak naming a model the file does not score is a bad flag value: exit code 2. */
function evaluateOrNameTheFlag(evaluation: () => RouterEvaluation): RouterEvaluation {
  try {
    return evaluation();
  } catch (error) {
    if (error instanceof InvalidRequestError && (error.param === 'strong' || error.param === 'weak')) throw new UsageError(error.message, { flag: `--${error.param}` });
    throw error;
  }
}

export function formatEvaluation(result: RouterEvaluation, router: string, written: string[]): string {
  const lines = [
    `router ${router} on ${result.rows} rows, strong ${result.strong}, weak ${result.weak}`,
    `APGR      ${result.apgr.toFixed(3)}   (random 0.5)`,
    `CPT(50%)  ${percent(result.cpt50)}   (random 50%)`,
    `CPT(80%)  ${percent(result.cpt80)}   (random 80%)`,
    `cost saved at 95% of strong quality  ${percent(result.cost_saved_at_95)}`,
  ];
  if (result.seen_in_training > 0) lines.push(`warning: ${result.seen_in_training} of ${result.rows} prompts were in this router's training data, so these numbers overstate it; evaluate on held-out prompts`);
  if (result.auc !== undefined) lines.push(`cost-quality AUC  router ${result.auc.router.toFixed(3)}, random ${result.auc.random.toFixed(3)}, oracle ${result.auc.oracle.toFixed(3)}`);
  lines.push(`curves: ${written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
