import type { ChatRequest } from '../chat/chat-request.js';

/**
 * A scorer maps a prompt to a predicted quality in 0..1 per model it knows (data-set model names),
 * and for a two-model router to the probability that the strong model's answer beats the weak one.
 */
export interface QualityScorer {
  /** The name used in `router-<name>-<threshold>`. */
  readonly name: string;
  /** The models this scorer predicts for. */
  readonly models: readonly string[];
  /** Predicted quality per model, in the order of `models`. */
  predict(text: string): Float64Array;
  /**
   * The strong model's expected advantage mapped to 0..1: (1 + P(strong right) - P(weak right)) / 2,
   * RouteLLM's strong-win probability with ties counted half.
   */
  strongWinProbability(text: string): number;
  /** The threshold to use when the model string gives none (calibrated on the training prompts). */
  readonly defaultThreshold: number;
}

/** Characters of prompt text a scorer looks at: the end of a long conversation matters most. */
export const scoredCharacters = 4000;

/**
 * The text a scorer reads from a request: the user messages (the system prompt is usually the same
 * for every request of an app, so it does not tell prompts apart), the most recent last.
 */
export function scoredText(request: Pick<ChatRequest, 'messages'>): string {
  const parts: string[] = [];
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') parts.push(message.content);
    else for (const part of message.content) if (part.type === 'text') parts.push(part.text);
  }
  const text = parts.join('\n');
  return text.length > scoredCharacters ? text.slice(text.length - scoredCharacters) : text;
}
