import type { ChatRequest } from '../chat/chat-request.js';
import type { FinishReason, Usage } from '../chat/chat-response.js';
import type { MockApi, MockReply, MockUpstreamOptions } from './mock-upstream-options.js';
import { schemaInstance } from './schema-instance.js';

/** A reply cut into the pieces the mock streams, with its usage. */
export interface ReplyPlan {
  model: string;
  textPieces: string[];
  toolCalls: { id: string; name: string; arguments: string; argumentPieces: string[] }[];
  finishReason: FinishReason;
  usage: Usage;
}

/** The default reply: see `MockUpstreamOptions.reply`. */
export function defaultReply(request: ChatRequest): MockReply {
  const tools = request.tools ?? [];
  const last = request.messages.at(-1);
  if (tools.length > 0 && request.tool_choice !== 'none' && last?.role !== 'tool') {
    const name = typeof request.tool_choice === 'object' ? request.tool_choice.function.name : tools[0]!.function.name;
    // Arguments valid for the tool's parameters schema, so a client that validates them (zod tools,
    // LangChain, the AI SDK) runs its tool and the loop goes on.
    const parameters = tools.find((tool) => tool.function.name === name)?.function.parameters;
    return { tool_calls: [{ name, arguments: JSON.stringify(parameters === undefined ? {} : schemaInstance(parameters)) }] };
  }
  return structuredAnswer(request) ?? `Mock answer from ${request.model}.`;
}

/** The answer `response_format` asks for: JSON (`json_object`), JSON valid for the schema (`json_schema`). */
function structuredAnswer(request: ChatRequest): string | undefined {
  const format = request.response_format;
  if (format?.type === 'json_object') return JSON.stringify({ answer: `Mock answer from ${request.model}.` });
  if (format?.type === 'json_schema') return JSON.stringify(schemaInstance(format.json_schema?.schema ?? { type: 'object' }));
  return undefined;
}

/** Word-ish tokens that join back to the text exactly: each carries its leading whitespace. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** A rough token count, `ceil(characters / 4)` over all message text. */
export function estimatePromptTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) for (const part of content) if (part.type === 'text') characters += part.text.length;
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) characters += call.function.arguments.length;
  }
  return Math.ceil(characters / 4);
}

let toolCallCounter = 0;

/** Decides the reply of one request and cuts it into pieces. */
export function planReply(request: ChatRequest, api: MockApi, options: MockUpstreamOptions): ReplyPlan {
  const reply = (options.reply ?? defaultReply)(request, api);
  const content = typeof reply === 'string' ? reply : (reply.content ?? '');
  let textPieces = splitIntoPieces(content);
  const maximum = request.max_completion_tokens ?? request.max_tokens;
  const truncated = typeof maximum === 'number' && textPieces.length > maximum;
  if (truncated) textPieces = textPieces.slice(0, maximum);
  const prefix = api === 'anthropic' ? 'toolu_mock_' : 'call_mock_';
  const toolCalls = (typeof reply === 'string' || truncated ? [] : (reply.tool_calls ?? [])).map((call) => ({
    id: `${prefix}${++toolCallCounter}`,
    name: call.name,
    arguments: call.arguments,
    argumentPieces: call.arguments.match(/[^]{1,8}/g) ?? [],
  }));
  const prompt = estimatePromptTokens(request);
  const completion = textPieces.length + toolCalls.reduce((sum, call) => sum + 1 + call.argumentPieces.length, 0);
  return {
    model: request.model,
    textPieces,
    toolCalls,
    finishReason: truncated ? 'length' : toolCalls.length > 0 ? 'tool_calls' : 'stop',
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
