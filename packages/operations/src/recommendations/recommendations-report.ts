import { InvalidRequestError, type ModelInfo, type ReceiptStore } from '@routekit/core';
import { recommendModelMoves, type ModelMoveRecommendation } from './recommend-model-moves.js';

/** The body of `GET /v1/recommendations` and the output of `routekit recommend --json`. */
export interface RecommendationsReport {
  object: 'list';
  /** The window analysed, ISO 8601. */
  from: string;
  to: string;
  /** Receipts read (at most `maxReceipts`, newest first). */
  receipts_analysed: number;
  data: ModelMoveRecommendation[];
}

export interface RecommendationsReportOptions {
  /** Where receipts are kept; it must list recent receipts (`recent`). */
  receipts: ReceiptStore;
  /** The routable models: prices and quality tiers. */
  models: readonly ModelInfo[];
  /** Only this tenant's traffic; every tenant's when omitted (an admin). */
  tenant?: string;
  /** Days of traffic to analyse, 1 to 90, as a string from a query or a flag. Default 30. */
  days?: string | null;
  /** The newest receipts read, at most. Default 50,000. */
  maxReceipts?: number;
  /** The clock, epoch ms; tests pass their own. */
  now?: number;
}

/** Reads the window's receipts from the store and recommends model moves over them. */
export async function recommendationsReport(options: RecommendationsReportOptions): Promise<RecommendationsReport> {
  if (options.receipts.recent === undefined) throw new InvalidRequestError('This receipt store cannot list receipts; configure a durable store (SQLite or PostgreSQL).', { code: 'recommendations_unavailable', status: 404 });
  const days = options.days === undefined || options.days === null || options.days === '' ? 30 : Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new InvalidRequestError('days must be a whole number from 1 to 90.', { param: 'days' });
  const to = options.now ?? Date.now();
  const from = to - days * 86_400_000;
  const listed = await options.receipts.recent({ limit: options.maxReceipts ?? 50_000, ...(options.tenant !== undefined && { tenant: options.tenant }) });
  const receipts = listed.filter((receipt) => {
    const time = Date.parse(receipt.timestamp);
    return time >= from && time < to;
  });
  // When the store held more than we read, the window is what the receipts actually cover.
  const oldest = receipts.reduce((earliest, receipt) => Math.min(earliest, Date.parse(receipt.timestamp)), to);
  const window = { from: listed.length >= (options.maxReceipts ?? 50_000) ? oldest : from, to };
  return {
    object: 'list',
    from: new Date(window.from).toISOString(),
    to: new Date(to).toISOString(),
    receipts_analysed: receipts.length,
    data: recommendModelMoves({ receipts, models: options.models, window }),
  };
}
