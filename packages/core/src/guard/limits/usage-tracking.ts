import type { ChatChunk, ChatResponse, Usage } from '../../chat/chat-response.js';
import { textTokenBound } from './prompt-token-bound.js';

/** The usage a limit settles: tokens, and the prompt-cache breakdown when the provider reported one. */
export type SettledUsage = Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'prompt_tokens_details'>;

/**
 * Usage as reported, or bounded from the answer's text when the provider sent none: its UTF-8
 * bytes, so a limit settles too high rather than too low.
 */
export function usageOfResponse(response: ChatResponse, promptTokensEstimate: number): { usage: SettledUsage; estimated: boolean } {
  if (response.usage) return { usage: response.usage, estimated: false };
  let tokens = 0;
  for (const choice of response.choices) {
    tokens += textTokenBound(choice.message.content ?? '');
    for (const call of choice.message.tool_calls ?? []) tokens += textTokenBound(call.function.name) + textTokenBound(call.function.arguments);
  }
  return { usage: { prompt_tokens: promptTokensEstimate, completion_tokens: tokens }, estimated: true };
}

/**
 * Passes a stream through and calls `settle` once with its usage when the stream ends, fails or is
 * abandoned by the consumer: a limit must be settled even when the client hangs up mid-answer.
 */
export async function* trackStreamUsage(
  stream: AsyncIterable<ChatChunk>,
  promptTokensEstimate: number,
  settle: (usage: SettledUsage) => Promise<void>,
): AsyncGenerator<ChatChunk> {
  let reported: Usage | undefined;
  let outputTokens = 0;
  let failed = false;
  try {
    for await (const chunk of stream) {
      if (chunk.usage) reported = chunk.usage;
      for (const choice of chunk.choices) {
        outputTokens += textTokenBound(choice.delta.content ?? '');
        for (const call of choice.delta.tool_calls ?? []) outputTokens += textTokenBound(call.function?.name ?? '') + textTokenBound(call.function?.arguments ?? '');
      }
      yield chunk;
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A stream that failed before any output is not billed (and the engine may fall back).
    const silentFailure = failed && outputTokens === 0 && reported === undefined;
    await settle(reported ?? (silentFailure ? { prompt_tokens: 0, completion_tokens: 0 } : { prompt_tokens: promptTokensEstimate, completion_tokens: outputTokens })).catch(ignoreSettleFailure);
  }
}

/**
 * Settling happens after the answer exists: if the store fails then, the client still gets the
 * answer. A spend reservation then stays counted until its hold lapses (the request's deadline
 * plus a minute), a token estimate until its minute window ends: both err on the safe side.
 */
export function ignoreSettleFailure(): void {}
