export { startMockUpstream } from './mock-upstream.js';
export type { MockApi, MockFailure, MockReply, MockUpstream, MockUpstreamOptions, RecordedRequest } from './mock-upstream-options.js';
export { defaultReply, estimatePromptTokens, splitIntoPieces } from './mock-reply.js';
export { schemaInstance, type SchemaInstanceOptions } from './schema-instance.js';
export { base64OfVector, mockEmbeddingDimensions, mockVector } from './mock-embeddings.js';
export { seededRandom } from '../routing/training/logistic-regression.js';
