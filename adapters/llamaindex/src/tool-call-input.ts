import type { JSONObject } from '@llamaindex/core/global';
import type { PartialToolCall, ToolCall } from '@llamaindex/core/llms';

/**
 * LlamaIndex tool calls carry `input` as an object (`ToolCall`) or, from some LLMs such as
 * `@llamaindex/openai` without streaming, as a JSON string (`PartialToolCall`): both are accepted.
 */
export function toolArguments(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input ?? {});
}

/** The tool input as LlamaIndex's `ToolCall.input` object, or the raw string when it is not a JSON object. */
export function toolInput(argumentsText: string): JSONObject | string {
  try {
    const parsed: unknown = JSON.parse(argumentsText === '' ? '{}' : argumentsText);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as JSONObject;
  } catch {
    // Not JSON: handed on as the string the model wrote, like a PartialToolCall.
  }
  return argumentsText;
}

/** An OpenAI-style call (arguments as a JSON string) as a LlamaIndex tool call with an object input when it parses. */
export function llamaIndexToolCall(id: string, name: string, argumentsText: string): ToolCall | PartialToolCall {
  const input = toolInput(argumentsText);
  return typeof input === 'string' ? { id, name, input } : { id, name, input };
}
