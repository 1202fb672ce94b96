import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { BaseChatModel, BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { Runnable } from '@langchain/core/runnables';
import { type Attempt, type ChatChunk, type ChatResponse, type ChatResult, classifyDelegateStream, type Exchange, InvalidRequestError, toDelegateFailure } from '@routekit/core';
import { configuredDelegate } from './configured-delegate.js';
import { textOf } from './to-chat-request.js';
import { toChatChunks, toChatResponse } from './to-chat-result.js';
import { toLangChainMessages, toLangChainToolChoice } from './to-langchain-messages.js';

/** What of the app's call the OpenAI-shaped request cannot carry, kept for the delegate. */
export interface DelegateCallContext {
  /** The app's own messages: handed on as they are wherever the engine did not change them. */
  messages: BaseMessage[];
  /** The app's own tool objects (zod schemas, strict flags), bound to the chosen delegate. */
  tools: BindToolsInput[] | undefined;
  /** Call options routekit does not read, for the delegate (e.g. a provider's own switches). */
  passThrough: Record<string, unknown>;
}

/** Per exchange, so one engine serves concurrent calls without sharing state. */
export const delegateContexts = new WeakMap<Exchange, DelegateCallContext>();

/**
 * Calls the chosen LangChain model for one attempt: the engine's (possibly redacted) request back
 * in LangChain's terms, tools bound to that model, and its answer as the core's response or chunks.
 * Errors are classified by the core so that it can fall back before the first token.
 */
export async function callDelegate(registered: BaseChatModel, attempt: Attempt, signal: AbortSignal): Promise<ChatResult> {
  const { request, exchange } = attempt;
  const delegate = configuredDelegate(registered, request, attempt.model.id);
  const context = delegateContexts.get(exchange);
  if (context === undefined) throw new Error('RoutedChatModel: an exchange reached the delegate without its call context.');
  const messages = toLangChainMessages(request.messages, exchange.original.messages, context.messages);
  // callbacks: [] keeps the delegate out of the app's callbacks: the routed run reports every token once.
  const options = { ...context.passThrough, ...(request.stop !== undefined && { stop: typeof request.stop === 'string' ? [request.stop] : request.stop }), signal, callbacks: [] };
  const format = request.response_format;
  try {
    if (format !== undefined && format.type !== 'text') {
      const schema = format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : { type: 'object' };
      const structured = delegate.withStructuredOutput(schema, {
        method: format.type === 'json_schema' ? 'jsonSchema' : 'jsonMode',
        includeRaw: true,
        ...(format.type === 'json_schema' && { name: format.json_schema.name }),
        ...(format.type === 'json_schema' && format.json_schema.strict !== undefined && { strict: format.json_schema.strict }),
      });
      const response = toChatResponse(structuredMessage(await structured.invoke(messages, options)), attempt.model.id);
      return request.stream === true ? { type: 'stream', stream: responseChunks(response) } : { type: 'response', response };
    }
    const runnable = withTools(delegate, request.tools === undefined ? undefined : (context.tools ?? request.tools), toLangChainToolChoice(request.tool_choice));
    if (request.stream === true) {
      const chunks = toChatChunks(await runnable.stream(messages, options), attempt.model.id);
      return { type: 'stream', stream: classifyDelegateStream(chunks, attempt, signal) };
    }
    return { type: 'response', response: toChatResponse(await runnable.invoke(messages, options), attempt.model.id) };
  } catch (error) {
    throw toDelegateFailure(error, attempt, signal);
  }
}

function withTools(delegate: BaseChatModel, tools: BindToolsInput[] | undefined, toolChoice: ReturnType<typeof toLangChainToolChoice>): Runnable<BaseLanguageModelInput, AIMessageChunk> {
  if (tools === undefined || tools.length === 0) return delegate;
  if (typeof delegate.bindTools !== 'function') {
    throw new InvalidRequestError(`The chat model registered for this id (${delegate._llmType()}) has no bindTools(); register a tool-calling model or drop the tools.`, { code: 'tools_unsupported', param: 'tools' });
  }
  return delegate.bindTools(tools, toolChoice === undefined ? {} : { tool_choice: toolChoice });
}

/**
 * The raw message of a delegate's structured output. A provider that answers structured output
 * with a tool call (or a test model that returns only the parsed value) has no JSON text: the
 * parsed value is written as the text the app's parser reads.
 */
function structuredMessage(result: unknown): BaseMessage {
  const { raw, parsed } = (typeof result === 'object' && result !== null && 'raw' in result ? result : { raw: undefined, parsed: result }) as { raw?: BaseMessage; parsed?: unknown };
  if (raw !== undefined && textOf(raw.content).trim() !== '') return raw;
  const { usage_metadata: usage, response_metadata: metadata } = (raw ?? {}) as AIMessage;
  return new AIMessage({ content: JSON.stringify(parsed ?? null), ...(usage !== undefined && { usage_metadata: usage }), response_metadata: { ...metadata, finish_reason: 'stop' } });
}

/** A whole response as the chunks a stream of it would have been. */
export async function* responseChunks(response: ChatResponse): AsyncGenerator<ChatChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  const choice = response.choices[0]!;
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: choice.message.content ?? '' }, finish_reason: choice.finish_reason }] };
  if (response.usage !== undefined) yield { ...base, choices: [], usage: response.usage };
}
