import { InvalidRequestError } from '../errors.js';

/** Feedback on one answer, as an app sends it (`POST /v1/feedback`, or an adapter's `feedback()`). */
export interface FeedbackInput {
  /** The receipt's `request_id`. */
  request_id: string;
  /** Quality of the answer, 0 (useless) to 1 (right); give this or `thumbs`. */
  score?: number;
  /** `up` is a score of 1, `down` of 0. */
  thumbs?: 'up' | 'down';
  /** The model whose answer is scored, when the app compared answers of several; default the one that answered. */
  model?: string;
}

/** What `feedback()` answers. */
export interface FeedbackResult {
  object: 'feedback';
  request_id: string;
  model: string;
  score: number;
  /** True when this replaced an earlier score for the same request and model (the last one counts). */
  replaced: boolean;
}

const feedbackKeys = new Set(['request_id', 'score', 'thumbs', 'model']);

/**
 * Validates feedback from an app: a known request id format, exactly one of `score` (0..1) and
 * `thumbs`, an optional model id; any other key is an error naming it.
 */
export function parseFeedback(value: unknown): { requestId: string; score: number; model?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The body must be a JSON object: { "request_id": "...", "score": 0.8 } or { "request_id": "...", "thumbs": "up" }.', null);
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) if (!feedbackKeys.has(key)) throw invalid(`Unknown parameter: '${key}'; feedback takes request_id, score or thumbs, and model.`, key);
  const requestId = body.request_id;
  if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 200) throw invalid("'request_id' must be the request_id of a receipt (a non-empty string).", 'request_id');
  const hasScore = body.score !== undefined;
  const hasThumbs = body.thumbs !== undefined;
  if (hasScore === hasThumbs) throw invalid("Give exactly one of 'score' (0 to 1) and 'thumbs' (\"up\" or \"down\").", hasScore ? 'thumbs' : 'score');
  let score: number;
  if (hasScore) {
    if (typeof body.score !== 'number' || !Number.isFinite(body.score) || body.score < 0 || body.score > 1) throw invalid("'score' must be a number from 0 to 1.", 'score');
    score = body.score;
  } else {
    if (body.thumbs !== 'up' && body.thumbs !== 'down') throw invalid("'thumbs' must be \"up\" or \"down\".", 'thumbs');
    score = body.thumbs === 'up' ? 1 : 0;
  }
  if (body.model !== undefined && (typeof body.model !== 'string' || body.model.length === 0 || body.model.length > 200)) throw invalid("'model' must be a model id of the receipt, e.g. \"openai/gpt-4.1\".", 'model');
  return { requestId, score, ...(typeof body.model === 'string' && { model: body.model }) };
}

function invalid(message: string, param: string | null): InvalidRequestError {
  return new InvalidRequestError(message, { code: 'invalid_feedback', param });
}
