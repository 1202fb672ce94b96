import type { ChatChunk } from '../chat/chat-response.js';

/**
 * Passes a stream through and calls `onEnd` exactly once when it ends: with no argument when it
 * completed, with the error when it failed or with an abort error when the consumer stopped early.
 */
export async function* finishStream(stream: AsyncIterable<ChatChunk>, onEnd: (error?: unknown) => Promise<void>): AsyncGenerator<ChatChunk> {
  let outcome: { error?: unknown } | undefined;
  try {
    yield* stream;
    outcome = {};
  } catch (error) {
    outcome = { error };
    throw error;
  } finally {
    // A consumer that stops iterating early (client gone) lands here with no outcome.
    await onEnd(outcome === undefined ? new StreamClosedError() : outcome.error);
  }
}

/** The consumer stopped reading a stream before its end. */
export class StreamClosedError extends Error {
  constructor() {
    super('The stream was closed before its end.');
    this.name = 'StreamClosedError';
  }
}
