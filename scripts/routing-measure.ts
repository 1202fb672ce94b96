// Trains the shipped routers with cross-fitting and measures them on out-of-fold predictions, i.e. on
// prompts the measured model never saw. Used by routing-train.ts (writes the files) and the bench table.
import { costAtQuality, costQualityCurves, areaUnderCostQuality, type CostQualityCurves } from '../packages/core/src/evaluation/cost-quality-curve.js';
import { pairMetrics, type PairMetrics } from '../packages/core/src/evaluation/routing-metrics.js';
import { trainRouter, type TrainedRouter } from '../packages/core/src/routing/training/train-router.js';
import type { TrainingRow } from '../packages/core/src/routing/training/training-row.js';
import { benchSets, loadRows, strongModel, weakModel } from './routing-data.js';

export interface PairReport { set: string; rows: number; metrics: PairMetrics }
export interface MultiReport { set: string; rows: number; curves: CostQualityCurves; auc: { router: number; random: number; oracle: number }; gpt4CostShare: number | undefined; gpt4Quality: number }

/** The shipped two-model recipe: MMLU + GSM8K pooled, a separate n-gram model per prompt type. */
export const shippedSplitByPromptType = true;
export const shippedTaskStatistics = true;

export function trainStrongWeak(onProgress?: (done: number, total: number) => void, seed = 7, bySubject = false, splitByPromptType = shippedSplitByPromptType, taskStatistics = shippedTaskStatistics): { trained: TrainedRouter; reports: PairReport[]; rows: TrainingRow[] } {
  const mmlu = loadRows('mmlu');
  const gsm8k = loadRows('gsm8k');
  const rows = [...mmlu, ...gsm8k];
  const trained = trainRouter(rows, {
    name: 'lr',
    strong: strongModel,
    weak: weakModel,
    catalogModels: { [strongModel]: 'openai/gpt-4.1', [weakModel]: 'openai/gpt-4.1-nano' },
    seed,
    splitByPromptType,
    taskStatistics,
    ...(bySubject && { foldGroups: rows.map((row) => row.task ?? row.prompt) }),
    ...(onProgress && { onProgress }),
    notes: { trainedOn: 'RouteLLM MMLU + GSM8K training halves (GPT-4-1106 vs Mixtral-8x7B)' },
  });
  const reports = [['mmlu', 0, mmlu.length], ['gsm8k', mmlu.length, rows.length]].map(([set, start, end]) => {
    const part = rows.slice(start as number, end as number);
    const scores = trained.outOfFoldStrongWin.slice(start as number, end as number);
    return { set: set as string, rows: part.length, metrics: pairMetrics(part.map((row, index) => ({ score: scores[index]!, strong: row.scores[strongModel]!, weak: row.scores[weakModel]! }))) };
  });
  return { trained, reports, rows };
}

export function trainMultiModel(onProgress?: (done: number, total: number) => void): { trained: TrainedRouter; reports: MultiReport[]; rows: TrainingRow[] } {
  const sets = benchSets.map((set) => ({ set, rows: loadRows(set) }));
  const rows = sets.flatMap((set) => set.rows);
  const trained = trainRouter(rows, {
    name: 'routerbench',
    bits: 14,
    shrinkage: 0.5,
    catalogModels: { 'mistralai/mixtral-8x7b-chat': 'mistral/open-mixtral-8x7b' },
    ...(onProgress && { onProgress }),
    notes: { trainedOn: 'RouterBench ARC-Challenge, MBPP, Winogrande training halves (11 models)' },
  });
  const models = trained.file.models;
  const meanLength = rows.reduce((sum, row) => sum + row.prompt.length, 0) / rows.length;
  let offset = 0;
  const reports = sets.map(({ set, rows: part }) => {
    const start = offset;
    offset += part.length;
    const outcomes = part.map((row, index) => ({
      predicted: trained.outOfFold[start + index]!,
      expectedCost: models.map((model) => trained.file.meanCostUsd[model]! * (row.prompt.length / meanLength)),
      actual: models.map((model) => row.scores[model]!),
      actualCost: models.map((model) => row.cost_usd![model]!),
    }));
    const curves = costQualityCurves(models, outcomes);
    const gpt4 = curves.single[models.indexOf(strongModel)]!;
    const cost = costAtQuality(curves.router, gpt4.quality);
    return {
      set,
      rows: part.length,
      curves,
      auc: { router: areaUnderCostQuality(curves.router, curves.costUnit), random: areaUnderCostQuality(curves.random, curves.costUnit), oracle: areaUnderCostQuality(curves.oracle, curves.costUnit) },
      gpt4CostShare: cost === undefined ? undefined : cost / gpt4.cost,
      gpt4Quality: gpt4.quality,
    };
  });
  return { trained, reports, rows };
}
