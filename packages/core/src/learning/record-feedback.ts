import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { ReceiptStore } from '../receipts/receipt-store.js';
import { parseFeedback, type FeedbackResult } from './feedback.js';
import type { OutcomeStore } from './outcome.js';

/**
 * Validates feedback and stores it against the request's receipt: only the tenant that made the
 * request may score it (another tenant's id reads as unknown, so ids cannot be probed), only a
 * request that was answered, and only a model the request ranked. The last score for a request and
 * model replaces an earlier one: a user may change their vote, and a retried call does no harm.
 */
export async function recordFeedback(input: unknown, tenant: string, stores: { receipts: ReceiptStore; outcomes: OutcomeStore }): Promise<FeedbackResult> {
  const { requestId, score, model: named } = parseFeedback(input);
  const receipt = await stores.receipts.get(requestId);
  if (receipt === undefined || receipt.tenant !== tenant) {
    throw new NotFoundError('No receipt with this request_id for this tenant (receipts are kept for a limited time).', { code: 'receipt_not_found', param: 'request_id' });
  }
  if (receipt.status !== 'ok' || receipt.winner === null) throw new InvalidRequestError('This request has no answer to score (it failed).', { code: 'no_answer', param: 'request_id' });
  const ranked = receipt.candidates.filter((candidate) => candidate.eligible);
  const model = named ?? receipt.winner;
  if (model !== receipt.winner && !ranked.some((candidate) => candidate.model === model)) {
    throw new InvalidRequestError(`'model' must be a model this request ranked: ${ranked.map((candidate) => candidate.model).join(', ')}.`, { code: 'invalid_feedback', param: 'model' });
  }
  const costs: Record<string, number> = {};
  for (const candidate of ranked) costs[candidate.model] = candidate.estimated_cost_usd;
  const { replaced } = await stores.outcomes.record({
    request_id: requestId,
    tenant,
    model,
    score,
    receipt: { time: receipt.timestamp, models: ranked.map((candidate) => candidate.model), costs, winner: receipt.winner },
  });
  return { object: 'feedback', request_id: requestId, model, score, replaced };
}
