import { InvalidRequestError } from '../errors.js';
import { parseChatRequest, type ParsedChatRequest } from '../validation/parse-chat-request.js';
import type { RoutingDecision } from './routing-decision.js';

/** The fields `POST /v1/route` takes: seed 000's Smart Routing API, plus chat messages and tools. */
const routeFields = new Set(['prompt', 'messages', 'model', 'max_tokens', 'temperature', 'user_preferences', 'tools', 'tool_choice', 'response_format']);

/**
 * Validates a routing question: `prompt` (or OpenAI `messages`), an optional model string (default
 * `auto`), `max_tokens`, `temperature`, `tools`, `response_format`, and `user_preferences` (the
 * routing hints: priority, max_latency_ms, prefer_providers, exclude_providers, min_quality_score).
 *
 * @example
 * const { request, hints } = parseRouteRequest({ prompt: 'Prove Fermat\'s little theorem', user_preferences: { priority: 'quality' } });
 */
export function parseRouteRequest(body: unknown): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!routeFields.has(key)) throw new InvalidRequestError(`Unknown field "${key.slice(0, 40)}"; /v1/route takes ${[...routeFields].join(', ')}.`, { code: 'unknown_parameter', param: key.slice(0, 40) });
  }
  const { prompt, messages, model, user_preferences: preferences, ...rest } = fields;
  if ((prompt === undefined) === (messages === undefined)) {
    throw new InvalidRequestError('Give either prompt (a string) or messages (OpenAI chat messages).', { code: 'missing_prompt', param: 'prompt' });
  }
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt === '')) {
    throw new InvalidRequestError('prompt must be a non-empty string.', { code: 'invalid_type', param: 'prompt' });
  }
  const chat = { ...rest, model: model ?? 'auto', messages: messages ?? [{ role: 'user', content: prompt }], ...(preferences !== undefined && { 'x-routing-hints': preferences }) };
  try {
    return parseChatRequest(chat);
  } catch (error) {
    // The chat parser names its own field; the route API calls the hints user_preferences.
    if (error instanceof InvalidRequestError && error.param?.startsWith('x-routing-hints')) {
      throw new InvalidRequestError(error.message.replaceAll('x-routing-hints', 'user_preferences'), { code: error.code, param: error.param.replace('x-routing-hints', 'user_preferences') });
    }
    throw error;
  }
}

/** The decision as `POST /v1/route` returns it: the model to call, ranked candidates, the reason. */
export function routeDecisionResponse(decision: RoutingDecision, decisionMs: number): Record<string, unknown> {
  const winner = decision.candidates[0]!;
  return {
    object: 'route.decision',
    model: winner.model.id,
    provider: winner.model.provider,
    strategy: decision.strategy,
    reason: decision.reason,
    candidates: decision.candidates.map((candidate) => ({
      model: candidate.model.id,
      score: round(candidate.score),
      ...(candidate.predictedQuality !== undefined && { predicted_quality: candidate.predictedQuality }),
      estimated_cost_usd: round(candidate.estimatedCostUsd, 8),
      estimated_latency_ms: Math.round(candidate.estimatedLatencyMs),
    })),
    rejected: decision.rejected.map((rejected) => ({ model: rejected.model.id, reason: rejected.reason })),
    decision_ms: round(decisionMs),
  };
}

function round(value: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
