import type { JSONObject, LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import type { Attempt, ChatMessage, ChatResult, Engine, Exchange } from '@routekit/core';
import { readCallOptions } from './call-options.js';
import { toDelegateFailure, unwrapDelegateFailure } from './delegate-failure.js';
import { toChatRequest } from './to-chat-request.js';
import { applyEngineText } from './translate-prompt.js';
import { fromChatResponse, toChatResponse } from './translate-result.js';
import { toChatChunks, toStreamParts } from './translate-stream.js';

const CALL = 'ai-sdk:call';

/** What one AI SDK call keeps beside its exchange: the delegate gets these options, not the engine's request. */
interface DelegateCall {
  readonly mode: 'generate' | 'stream';
  /** The app's call options (routekit's own provider options taken out): files, reasoning, provider options and all. */
  readonly options: LanguageModelV4CallOptions;
  /** The messages the engine was given, to tell what it changed. */
  readonly messages: ChatMessage[];
  /** The middleware's wrapped model; the provider's delegate comes from the engine's choice. */
  readonly model: LanguageModelV4 | undefined;
  generated?: { model: LanguageModelV4; result: LanguageModelV4GenerateResult };
  streamed?: { model: LanguageModelV4; result: LanguageModelV4StreamResult };
}

/**
 * The engine's `call` for AI SDK models: the chosen model gets the app's original call options with
 * only what the engine changed applied (the redacted text) and this attempt's abort signal.
 */
export async function callDelegate(delegate: LanguageModelV4, attempt: Attempt, signal: AbortSignal): Promise<ChatResult> {
  const call = attempt.exchange.state.get(CALL) as DelegateCall;
  const model = call.model ?? delegate;
  const options: LanguageModelV4CallOptions = { ...call.options, prompt: applyEngineText(call.options.prompt, call.messages, attempt.request.messages), abortSignal: signal };
  const fail = (error: unknown) => toDelegateFailure(error, attempt, signal);
  try {
    if (call.mode === 'generate') {
      const result = await model.doGenerate(options);
      call.generated = { model, result };
      return { type: 'response', response: toChatResponse(result) };
    }
    const result = await model.doStream(options);
    call.streamed = { model, result };
    return { type: 'stream', stream: toChatChunks(result.stream, model.modelId, fail) };
  } catch (error) {
    throw fail(error);
  }
}

function startExchange(engine: Engine, modelString: string, appOptions: LanguageModelV4CallOptions, mode: DelegateCall['mode'], model?: LanguageModelV4): { exchange: Exchange; call: DelegateCall } {
  const { options, tenant, hints, cache } = readCallOptions(appOptions);
  const request = toChatRequest(modelString, options, mode === 'stream');
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const exchange = engine.createExchange({ request, tenant, hints, headers, signal: options.abortSignal, ...(cache === false && { options: { cache: false } }) });
  const call: DelegateCall = { mode, options, messages: request.messages, model };
  exchange.state.set(CALL, call);
  return { exchange, call };
}

/** The receipt as plain JSON, as provider metadata must be. */
function receiptOf(exchange: Exchange): JSONObject {
  return JSON.parse(JSON.stringify(exchange.receipt)) as JSONObject;
}

/** `doGenerate` through the engine: decide, call the delegate (or not, on a cache hit), translate back. */
export async function generateThroughEngine(engine: Engine, modelString: string, appOptions: LanguageModelV4CallOptions, model?: LanguageModelV4): Promise<LanguageModelV4GenerateResult> {
  const { exchange, call } = startExchange(engine, modelString, appOptions, 'generate', model);
  let result: ChatResult;
  try {
    result = await engine.run(exchange);
  } catch (error) {
    throw unwrapDelegateFailure(error);
  }
  if (result.type !== 'response') throw new Error('routekit: the engine streamed an answer to a non-streaming call.');
  const delegated = call.generated;
  return {
    ...fromChatResponse(result.response, delegated?.result),
    providerMetadata: { ...delegated?.result.providerMetadata, routekit: receiptOf(exchange) },
    ...(delegated?.result.request && { request: delegated.result.request }),
    response: delegated
      ? { ...delegated.result.response, modelId: delegated.result.response?.modelId ?? delegated.model.modelId }
      : { id: exchange.id, modelId: exchange.receipt.winner ?? modelString, timestamp: new Date() },
    warnings: delegated?.result.warnings ?? [],
  };
}

/** `doStream` through the engine; it resolves once the chosen model produced its first token. */
export async function streamThroughEngine(engine: Engine, modelString: string, appOptions: LanguageModelV4CallOptions, model?: LanguageModelV4): Promise<LanguageModelV4StreamResult> {
  const { exchange, call } = startExchange(engine, modelString, appOptions, 'stream', model);
  let result: ChatResult;
  try {
    result = await engine.run(exchange);
  } catch (error) {
    throw unwrapDelegateFailure(error);
  }
  if (result.type !== 'stream') throw new Error('routekit: the engine answered a streaming call without a stream.');
  const delegated = call.streamed;
  // A cache hit has no delegate stream to say where the answer came from.
  const head: LanguageModelV4StreamPart[] = delegated
    ? []
    : [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', id: exchange.id, modelId: exchange.receipt.winner ?? modelString, timestamp: new Date() }];
  const parts = toStreamParts(result.stream, () => ({ routekit: receiptOf(exchange) }));
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of head) controller.enqueue(part);
    },
    async pull(controller) {
      try {
        const next = await parts.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(unwrapDelegateFailure(error));
      }
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
  return { stream, ...(delegated?.result.request && { request: delegated.result.request }), ...(delegated?.result.response && { response: delegated.result.response }) };
}
