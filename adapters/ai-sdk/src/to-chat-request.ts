import { createHash } from 'node:crypto';
import type { LanguageModelV4CallOptions } from '@ai-sdk/provider';
import type { ChatRequest, FunctionTool, ResponseFormat, ToolChoice } from '@routekit/core';
import { translatePrompt } from './translate-prompt.js';

/**
 * The engine's view of an AI SDK call: messages, function tools, tool choice, structured output
 * and sampling in OpenAI's shape, so that routing sees what the call needs (tools, images, JSON) and
 * the cache keys on what changes the answer. What the shape cannot carry (provider tools and options,
 * reasoning effort, top-k, files other than images) is folded into one digest field, so that two
 * calls differing only there never share a cache entry.
 */
export function toChatRequest(model: string, options: LanguageModelV4CallOptions, stream: boolean): ChatRequest {
  const functionTools: FunctionTool[] = [];
  const providerTools: unknown[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function') {
      functionTools.push({ type: 'function', function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.inputSchema as Record<string, unknown>, ...(tool.strict !== undefined && { strict: tool.strict }) } });
    } else providerTools.push(tool);
  }
  const opaque = { providerTools, topK: options.topK, reasoning: options.reasoning, providerOptions: options.providerOptions, files: opaqueParts(options) };
  const request: ChatRequest = {
    model,
    messages: translatePrompt(options.prompt).messages,
    ...(functionTools.length > 0 && { tools: functionTools }),
    ...(options.toolChoice && functionTools.length > 0 && { tool_choice: toToolChoice(options.toolChoice) }),
    ...(options.responseFormat?.type === 'json' && { response_format: toResponseFormat(options.responseFormat) }),
    ...(options.maxOutputTokens !== undefined && { max_tokens: options.maxOutputTokens }),
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.topP !== undefined && { top_p: options.topP }),
    ...(options.stopSequences?.length && { stop: options.stopSequences }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.presencePenalty !== undefined && { presence_penalty: options.presencePenalty }),
    ...(options.frequencyPenalty !== undefined && { frequency_penalty: options.frequencyPenalty }),
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
  const opaqueJson = JSON.stringify(opaque, binaryAsBase64);
  if (opaqueJson !== NOTHING_OPAQUE) request['x-ai-sdk-options'] = createHash('sha256').update(opaqueJson).digest('base64url');
  return request;
}

const NOTHING_OPAQUE = JSON.stringify({ providerTools: [], files: [] });

function toToolChoice(choice: NonNullable<LanguageModelV4CallOptions['toolChoice']>): ToolChoice {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
}

function toResponseFormat(format: { schema?: unknown; name?: string; description?: string }): ResponseFormat {
  if (format.schema === undefined) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema as Record<string, unknown>, ...(format.description !== undefined && { description: format.description }) } };
}

/** The parts of the prompt the engine's messages leave out: non-text files, reasoning, custom parts. */
function opaqueParts(options: LanguageModelV4CallOptions): unknown[] {
  return options.prompt.flatMap((message) =>
    typeof message.content === 'string' ? [] : message.content.filter((part) => part.type !== 'text' && part.type !== 'tool-call' && part.type !== 'tool-result' && !(part.type === 'file' && part.data.type === 'text')),
  );
}

function binaryAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}
