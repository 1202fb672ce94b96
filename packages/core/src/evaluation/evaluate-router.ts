import { LinearScorer } from '../routing/linear-scorer.js';
import type { QualityScorer } from '../routing/quality-scorer.js';
import { decodeFingerprints, promptFingerprint } from '../routing/router-file.js';
import type { TrainingRow } from '../routing/training/training-row.js';
import { InvalidRequestError } from '../errors.js';
import { areaUnderCostQuality, costAtQuality, costQualityCurves, costWeights, type CostQualityCurves } from './cost-quality-curve.js';
import type { CurveChart } from './curve-chart.js';
import { costSaved, pairMetrics, routingCurve } from './routing-metrics.js';

/** RouteLLM's price assumption for GPT-4-1106 and Mixtral when rows carry no costs, per million tokens. */
export const assumedPricePerMillion = { strong: 24.7, weak: 0.24 };

export interface RouterEvaluation {
  rows: number;
  models: string[];
  strong: string;
  weak: string;
  /** RouteLLM's APGR, CPT(50%) and CPT(80%) for the strong/weak pair (strong shares in 0..1). */
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** The cost saved versus always-strong at the least strong share reaching 95% of strong quality. */
  cost_saved_at_95: number;
  /** Multi-model files: areas under the cost-quality curves, cost normalised by the dearest model. */
  auc?: { router: number; random: number; oracle: number };
  /** Multi-model files: the cost weights behind `predictions[].chosen`. */
  cost_weights?: number[];
  /** Rows whose prompt the router was trained on (its metrics are then partly in-sample). */
  seen_in_training: number;
  predictions: { id: string; strong_win_probability: number; chosen?: string[] }[];
  charts: CurveChart[];
}

export interface EvaluateRouterOptions {
  /** The strong model of the file; default the one with the best mean score. */
  strong?: string;
  /** The weak model; default the cheapest (by mean cost, else the worst mean score). */
  weak?: string;
}

/**
 * Scores each row's prompt with a router and measures it against the real outcomes in the rows:
 * RouteLLM's metrics for the strong/weak pair and, when the file has more models, cost-quality curves.
 *
 * @example
 * const result = evaluateRouter(rows, shippedStrongWeakScorer());
 * result.apgr;
 */
export function evaluateRouter(rows: readonly TrainingRow[], scorer: QualityScorer, options: EvaluateRouterOptions = {}): RouterEvaluation {
  if (rows.length === 0) throw new InvalidRequestError('The file has no rows.', { code: 'invalid_training_row' });
  const models = Object.keys(rows[0]!.scores).filter((model) => rows.every((row) => row.scores[model] !== undefined));
  const mean = (pick: (row: TrainingRow) => number) => rows.reduce((sum, row) => sum + pick(row), 0) / rows.length;
  const quality = Object.fromEntries(models.map((model) => [model, mean((row) => row.scores[model]!)]));
  const withCosts = rows.every((row) => row.cost_usd !== undefined && models.every((model) => row.cost_usd![model] !== undefined));
  const cost = Object.fromEntries(models.map((model) => [model, withCosts ? mean((row) => row.cost_usd![model]!) : Number.NaN]));
  const byQuality = [...models].sort((a, b) => quality[b]! - quality[a]!);
  const strong = options.strong ?? byQuality[0]!;
  const weak = options.weak ?? (withCosts ? [...models].sort((a, b) => cost[a]! - cost[b]!)[0]! : byQuality[byQuality.length - 1]!);
  for (const [field, model] of [['strong', strong], ['weak', weak]] as const) {
    if (!models.includes(model)) throw new InvalidRequestError(`--${field} ${model} is not scored in every row.`, { code: 'invalid_training_row', param: field });
  }

  const multi = models.length > 2;
  const predictedRows = multi ? rows.map((row) => predictFor(scorer, models, row.prompt)) : [];
  const strongWin = rows.map((row, index) => (multi ? (1 + predictedRows[index]![models.indexOf(strong)]! - predictedRows[index]![models.indexOf(weak)]!) / 2 : scorer.strongWinProbability(row.prompt)));
  const outcomes = rows.map((row, index) => ({ score: strongWin[index]!, strong: row.scores[strong]!, weak: row.scores[weak]! }));
  const metrics = pairMetrics(outcomes);
  const [strongCost, weakCost] = withCosts ? [cost[strong]!, cost[weak]!] : [assumedPricePerMillion.strong, assumedPricePerMillion.weak];
  const charts: CurveChart[] = [
    {
      title: `PGR: ${strong} vs ${weak}`.slice(0, 60),
      xLabel: 'share of prompts sent to the strong model',
      yLabel: 'PGR',
      series: [
        { name: 'router', color: '#1f77b4', points: metrics.curve.map((point) => [point.strongShare, point.pgr]) },
        { name: 'random', color: '#7f7f7f', dashed: true, points: [[0, 0], [1, 1]] },
        { name: 'oracle', color: '#2ca02c', points: routingCurve(outcomes.map((outcome) => ({ ...outcome, score: outcome.strong - outcome.weak }))).map((point) => [point.strongShare, point.pgr]) },
      ],
      annotations: [`APGR ${metrics.apgr.toFixed(3)} (random 0.5)`, `CPT(50%) ${(metrics.cpt50 * 100).toFixed(1)}%`, `CPT(80%) ${(metrics.cpt80 * 100).toFixed(1)}%`, `${rows.length} prompts`],
    },
  ];
  const evaluation: RouterEvaluation = {
    rows: rows.length,
    models,
    strong,
    weak,
    apgr: metrics.apgr,
    cpt50: metrics.cpt50,
    cpt80: metrics.cpt80,
    cost_saved_at_95: costSaved(metrics.shareAt95, strongCost, weakCost),
    seen_in_training: seenInTraining(scorer, rows),
    predictions: rows.map((row, index) => ({ id: row.id ?? String(index), strong_win_probability: strongWin[index]! })),
    charts,
  };
  if (!multi) return evaluation;
  if (!withCosts) throw new InvalidRequestError('Multi-model files need cost_usd for every model in every row.', { code: 'invalid_training_row', param: 'cost_usd' });

  const meanLength = mean((row) => row.prompt.length);
  const choices: number[][] = [];
  const curves = costQualityCurves(
    models,
    rows.map((row, index) => ({
      predicted: predictedRows[index]!,
      expectedCost: models.map((model) => cost[model]! * (row.prompt.length / meanLength)),
      actual: models.map((model) => row.scores[model]!),
      actualCost: models.map((model) => row.cost_usd![model]!),
    })),
    choices,
  );
  const best = byQuality[0]!;
  const reached = costAtQuality(curves.router, 0.95 * quality[best]!);
  evaluation.cost_saved_at_95 = reached === undefined ? 0 : 1 - reached / cost[best]!;
  evaluation.auc = { router: areaUnderCostQuality(curves.router, curves.costUnit), random: areaUnderCostQuality(curves.random, curves.costUnit), oracle: areaUnderCostQuality(curves.oracle, curves.costUnit) };
  evaluation.cost_weights = [...costWeights];
  evaluation.predictions.forEach((prediction, index) => (prediction.chosen = choices[index]!.map((model) => models[model]!)));
  charts.push(costQualityChart(curves, evaluation.auc));
  return evaluation;
}

function seenInTraining(scorer: QualityScorer, rows: readonly TrainingRow[]): number {
  const encoded = scorer instanceof LinearScorer ? scorer.file.trainingFingerprints : undefined;
  if (encoded === undefined) return 0;
  const seen = decodeFingerprints(encoded);
  return rows.filter((row) => seen.has(promptFingerprint(row.prompt))).length;
}

function predictFor(scorer: QualityScorer, models: readonly string[], prompt: string): number[] {
  const predictions = scorer.predict(prompt);
  return models.map((model) => {
    const index = scorer.models.indexOf(model);
    if (index < 0) throw new InvalidRequestError(`The router "${scorer.name}" does not know the model ${model}; train one on this file (routekit train).`, { code: 'router_unavailable' });
    return predictions[index]!;
  });
}

function costQualityChart(curves: CostQualityCurves, auc: { router: number; random: number; oracle: number }): CurveChart {
  const normalise = (points: readonly { cost: number; quality: number }[]) => [...points].sort((a, b) => a.cost - b.cost).map((point) => [point.cost / curves.costUnit, point.quality] as const);
  return {
    title: 'Cost-quality curve',
    // Model prices span orders of magnitude: on a linear axis every cheap model sits in the first pixels.
    xLabel: 'mean cost per prompt / cost of the dearest model (log)',
    yLabel: 'quality',
    xScale: 'log',
    annotations: [`AUC router ${auc.router.toFixed(3)}`, `AUC random ${auc.random.toFixed(3)}`, `AUC oracle ${auc.oracle.toFixed(3)}`],
    series: [
      { name: 'router', color: '#1f77b4', points: normalise(curves.router) },
      { name: 'random', color: '#7f7f7f', dashed: true, points: normalise(curves.random) },
      { name: 'oracle', color: '#2ca02c', points: normalise(curves.oracle) },
    ],
  };
}
