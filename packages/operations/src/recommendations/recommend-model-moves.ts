import type { ModelInfo, Receipt } from '@routekit/core';

/** "Move the traffic of key K from model A to model B at the same predicted quality, saving $N a month." */
export interface ModelMoveRecommendation {
  /** Stable across runs for the same subject and models, so a dashboard can dismiss it. */
  id: string;
  type: 'model_switch';
  /** Whose traffic: an API key's, or a tenant's (requests made without a key id). */
  scope: 'key' | 'tenant';
  subject: string;
  tenant: string;
  from_model: string;
  to_model: string;
  /** Successful, uncached requests answered by `from_model` in the window. */
  requests: number;
  /** Of those, the ones where `to_model` was predicted at the same quality (and could serve them). */
  covered_requests: number;
  /** Mean predicted quality over the covered requests. */
  predicted_quality: { from: number; to: number };
  /** `router_predictions` when the receipts' candidates carried predictions for both, else `catalog_tiers`. */
  basis: 'router_predictions' | 'catalog_tiers';
  /** Cost of the covered requests in the window: as paid, and at `to_model`'s prices for the same tokens. */
  cost_usd: { current: number; projected: number };
  /** The window's saving scaled to 30 days. */
  monthly_savings_usd: number;
  savings_percent: number;
  message: string;
}

export interface RecommendModelMovesOptions {
  /** Recent receipts (any order); failed and cache-hit receipts are skipped. */
  receipts: Iterable<Receipt>;
  /** The catalog's models: prices for the projection, and tiers when a receipt has no prediction. */
  models: readonly ModelInfo[];
  /** The period the receipts cover, epoch ms, for the monthly figure; their own span when omitted. */
  window?: { from: number; to: number };
  /** How far below the current model's predicted quality the other may be and still count as the same. Default 0.005. */
  qualityTolerance?: number;
  /** Requests a subject must have sent to one model before it gets a recommendation. Default 20. */
  minRequests?: number;
  /** Share of those requests the other model must cover. Default 0.9. */
  minCoverage?: number;
  /** Recommendations saving less than this a month are left out. Default 1. */
  minMonthlySavingsUsd?: number;
}

const monthMs = 30 * 86_400_000;

interface Tally {
  scope: 'key' | 'tenant';
  subject: string;
  tenant: string;
  from: string;
  requests: number;
  /** Per candidate model: covered requests, qualities, costs, and whether every prediction came from the router. */
  moves: Map<string, { covered: number; fromQuality: number; toQuality: number; current: number; projected: number; predicted: boolean }>;
}

/**
 * Recommendations from stored receipts and the router's predictions: for each key (or tenant) and
 * model it uses, the cheaper model predicted at the same quality on at least `minCoverage` of its
 * requests, with the saving those requests would have made, scaled to a month. A receipt's
 * candidates carry the router's per-prompt predicted quality, and only models it considered are
 * compared; where the receipt has no prediction (an explicitly requested model), the catalog's
 * quality tier stands in, and the other model must offer every capability the current one has and a
 * context window large enough for the request.
 *
 * @example
 * const receipts = await store.recent({ limit: 10_000, tenant: 'acme' });
 * recommendModelMoves({ receipts, models: engine.catalog.all() });
 */
export function recommendModelMoves(options: RecommendModelMovesOptions): ModelMoveRecommendation[] {
  const tolerance = options.qualityTolerance ?? 0.005;
  const catalog = new Map(options.models.map((model) => [model.id, model]));
  const tallies = new Map<string, Tally>();
  let earliest = Infinity;
  let latest = -Infinity;
  for (const receipt of options.receipts) {
    if (receipt.status !== 'ok' || receipt.winner === null || receipt.cache?.status === 'hit') continue;
    const current = catalog.get(receipt.winner);
    if (current === undefined) continue;
    const time = Date.parse(receipt.timestamp);
    earliest = Math.min(earliest, time);
    latest = Math.max(latest, time);
    const scope = receipt.api_key_id === null || receipt.api_key_id === undefined ? 'tenant' : 'key';
    const subject = scope === 'key' ? receipt.api_key_id! : receipt.tenant;
    const key = JSON.stringify([scope, subject, receipt.winner]);
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = { scope, subject, tenant: receipt.tenant, from: receipt.winner, requests: 0, moves: new Map() };
      tallies.set(key, tally);
    }
    tally.requests += 1;
    const candidates = new Map(receipt.candidates.map((candidate) => [candidate.model, candidate]));
    const currentPrediction = candidates.get(current.id)?.predicted_quality;
    for (const other of options.models) {
      if (other.id === current.id) continue;
      const candidate = candidates.get(other.id);
      if (candidate !== undefined && !candidate.eligible) continue;
      // Where the router predicted this request, a model it did not consider is not second-guessed.
      if (candidate === undefined && currentPrediction !== undefined) continue;
      const predicted = candidate?.predicted_quality !== undefined && currentPrediction !== undefined;
      if (candidate === undefined && !canServe(other, current, receipt.tokens.prompt + receipt.tokens.completion)) continue;
      const fromQuality = predicted ? currentPrediction : current.quality;
      const toQuality = predicted ? candidate!.predicted_quality! : other.quality;
      if (toQuality < fromQuality - tolerance) continue;
      const projected = (receipt.tokens.prompt * other.inputPricePerMillion + receipt.tokens.completion * other.outputPricePerMillion) / 1e6;
      if (!(projected < receipt.cost_usd)) continue;
      const move = tally.moves.get(other.id) ?? { covered: 0, fromQuality: 0, toQuality: 0, current: 0, projected: 0, predicted: true };
      move.covered += 1;
      move.fromQuality += fromQuality;
      move.toQuality += toQuality;
      move.current += receipt.cost_usd;
      move.projected += projected;
      move.predicted &&= predicted;
      tally.moves.set(other.id, move);
    }
  }
  const window = options.window ?? { from: earliest, to: latest };
  // A window shorter than a day is scaled as a day, so a burst of minutes is not multiplied into a fortune.
  const toMonth = monthMs / Math.max(86_400_000, window.to - window.from);
  const recommendations: ModelMoveRecommendation[] = [];
  for (const tally of tallies.values()) {
    if (tally.requests < (options.minRequests ?? 20)) continue;
    let best: ModelMoveRecommendation | undefined;
    for (const [model, move] of tally.moves) {
      if (move.covered < tally.requests * (options.minCoverage ?? 0.9)) continue;
      const monthly = round((move.current - move.projected) * toMonth);
      if (monthly < (options.minMonthlySavingsUsd ?? 1) || (best !== undefined && monthly <= best.monthly_savings_usd)) continue;
      const percent = Math.round(((move.current - move.projected) / move.current) * 1000) / 10;
      const quality = { from: round(move.fromQuality / move.covered, 3), to: round(move.toQuality / move.covered, 3) };
      best = {
        id: `${tally.scope}:${tally.subject}:${tally.from}->${model}`,
        type: 'model_switch',
        scope: tally.scope,
        subject: tally.subject,
        tenant: tally.tenant,
        from_model: tally.from,
        to_model: model,
        requests: tally.requests,
        covered_requests: move.covered,
        predicted_quality: quality,
        basis: move.predicted ? 'router_predictions' : 'catalog_tiers',
        cost_usd: { current: round(move.current, 6), projected: round(move.projected, 6) },
        monthly_savings_usd: monthly,
        savings_percent: percent,
        message: `Move the traffic of ${tally.scope} ${tally.subject} from ${tally.from} to ${model} at the same predicted quality (${quality.to.toFixed(3)} vs ${quality.from.toFixed(3)} on ${move.covered} of ${tally.requests} requests), saving about $${monthly.toFixed(2)} a month (${percent}%).`,
      };
    }
    if (best !== undefined) recommendations.push(best);
  }
  return recommendations.sort((left, right) => right.monthly_savings_usd - left.monthly_savings_usd || (left.id < right.id ? -1 : 1));
}

/** Without the router's view of the request: the other model must do all the current one can. */
function canServe(other: ModelInfo, current: ModelInfo, tokens: number): boolean {
  const capabilities = current.capabilities as unknown as Record<string, boolean>;
  const offered = other.capabilities as unknown as Record<string, boolean>;
  return Object.keys(capabilities).every((name) => !capabilities[name] || offered[name] === true) && other.contextWindow >= tokens;
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
