import type { ChatRequest } from '../chat/chat-request.js';
import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { RequestProfile } from './request-profile.js';
import type { RoutingHints } from './routing-hints.js';

/** Everything a strategy may look at to rank models for one request. */
export interface RoutingContext {
  request: ChatRequest;
  profile: RequestProfile;
  hints: RoutingHints;
  catalog: ModelCatalog;
  latency: LatencyTracker;
}

/** The cost of a request on a model at the profile's token estimates, in USD. */
export function estimateCostUsd(model: ModelInfo, profile: Pick<RequestProfile, 'inputTokens' | 'outputTokens'>): number {
  return (profile.inputTokens * model.inputPricePerMillion + profile.outputTokens * model.outputPricePerMillion) / 1_000_000;
}
