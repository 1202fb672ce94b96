// The bound lives in core, which also applies it to the JSON text inside a request that it parses
// (tool-call arguments and tool results, under PII redaction).
export { assertJsonTextDepth, assertValueDepth, maxJsonDepth } from '@routekit/core';
