import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ConfigurationError, type ChatRequest } from '@routekit/core';

/** At most this many rebuilt models are kept per delegate (a spend cap can vary the output limit per call). */
const keptPerDelegate = 16;
const rebuilt = new WeakMap<BaseChatModel, Map<string, BaseChatModel>>();

/**
 * The chosen delegate with this attempt's sampling parameters (temperature, top_p, the output limit,
 * the penalties) as its own fields. LangChain chat models take them at construction, not per call,
 * so a delegate whose fields differ is rebuilt from its constructor arguments (`lc_kwargs`, from
 * which LangChain's own `load()` rebuilds a model) with the request's values on top. A delegate whose
 * fields already match is used as it is.
 */
export function configuredDelegate(delegate: BaseChatModel, request: ChatRequest, id: string): BaseChatModel {
  const own = delegate as unknown as Record<string, unknown>;
  const outputLimit = request.max_completion_tokens ?? request.max_tokens;
  // Google's packages call the output limit maxOutputTokens; the rest use LangChain's standard maxTokens.
  const outputField = 'maxOutputTokens' in own && !('maxTokens' in own) ? 'maxOutputTokens' : 'maxTokens';
  const wanted: Array<[string, number | undefined]> = [
    ['temperature', request.temperature],
    ['topP', request.top_p],
    [outputField, outputLimit],
    ['frequencyPenalty', request.frequency_penalty],
    ['presencePenalty', request.presence_penalty],
  ];
  const fields = Object.fromEntries(wanted.filter(([field, value]) => value !== undefined && own[field] !== value));
  if (Object.keys(fields).length === 0) return delegate;
  const key = JSON.stringify(fields);
  const kept = rebuilt.get(delegate) ?? new Map<string, BaseChatModel>();
  rebuilt.set(delegate, kept);
  const known = kept.get(key);
  if (known !== undefined) return known;
  const model = rebuild(delegate, fields, id);
  if (kept.size >= keptPerDelegate) kept.delete(kept.keys().next().value!);
  kept.set(key, model);
  return model;
}

function rebuild(delegate: BaseChatModel, fields: Record<string, unknown>, id: string): BaseChatModel {
  const Model = delegate.constructor as new (fields: Record<string, unknown>) => BaseChatModel;
  const kwargs = (delegate as { lc_kwargs?: unknown }).lc_kwargs;
  try {
    if (typeof kwargs !== 'object' || kwargs === null) throw new TypeError('it keeps no constructor arguments (lc_kwargs)');
    return new Model({ ...kwargs, ...fields });
  } catch (error) {
    throw new ConfigurationError(`RoutedChatModel: models["${id}"] (${delegate._llmType()}) cannot take ${Object.keys(fields).join(', ')}: ${(error as Error).message}. Set them on the delegate itself instead.`, { key: `models.${id}`, cause: error });
  }
}
