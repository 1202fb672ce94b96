import type { LanguageModelV4Content, LanguageModelV4FinishReason, LanguageModelV4GenerateResult, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { ChatResponse, FinishReason, ToolCall, Usage } from '@routekit/core';

/** The engine's view of a delegate's answer: the text, the app's tool calls, usage and finish reason. */
export function toChatResponse(result: LanguageModelV4GenerateResult): ChatResponse {
  const texts = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  const toolCalls = result.content.flatMap((part): ToolCall[] => (part.type === 'tool-call' && !part.providerExecuted ? [{ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } }] : []));
  const usage = toUsage(result.usage);
  return {
    id: '',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: '',
    choices: [{ index: 0, message: { role: 'assistant', content: texts.length === 0 && toolCalls.length > 0 ? null : texts.join(''), ...(toolCalls.length > 0 && { tool_calls: toolCalls }) }, finish_reason: toFinishReason(result.finishReason) }],
    ...(usage && { usage }),
  };
}

/**
 * The app's content: the delegate's own parts (reasoning, files, sources, provider metadata) with
 * the engine's text and tool arguments (PII restored) put back, or, when the engine answered
 * without a delegate (a cache hit), the engine's answer alone.
 */
export function fromChatResponse(response: ChatResponse, delegated: LanguageModelV4GenerateResult | undefined): Pick<LanguageModelV4GenerateResult, 'content' | 'finishReason' | 'usage'> {
  const choice = response.choices[0];
  const text = choice?.message.content ?? '';
  const calls = choice?.message.tool_calls ?? [];
  if (delegated === undefined) {
    const content: LanguageModelV4Content[] = [
      ...(text === '' ? [] : [{ type: 'text' as const, text }]),
      ...calls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.function.name, input: call.function.arguments })),
    ];
    return { content, finishReason: fromFinishReason(choice?.finish_reason ?? null), usage: fromUsage(response.usage) };
  }
  const sameText = delegated.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('') === text;
  let textPlaced = false;
  let toolIndex = 0;
  const content = delegated.content.flatMap((part): LanguageModelV4Content[] => {
    if (part.type === 'text') {
      // Restoring may have changed the text: it goes, whole, where the first text part was.
      if (sameText) return [part];
      if (textPlaced) return [];
      textPlaced = true;
      return [{ ...part, text }];
    }
    if (part.type === 'tool-call' && !part.providerExecuted) return [{ ...part, input: calls[toolIndex++]?.function.arguments ?? part.input }];
    return [part];
  });
  return { content, finishReason: delegated.finishReason, usage: delegated.usage };
}

/** OpenAI usage for the engine's accounting, or nothing when the delegate did not count (the engine then estimates). */
export function toUsage(usage: LanguageModelV4Usage): Usage | undefined {
  const prompt = usage.inputTokens.total;
  const completion = usage.outputTokens.total;
  if (prompt === undefined || completion === undefined) return undefined;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function fromUsage(usage: Usage | null | undefined): LanguageModelV4Usage {
  return {
    inputTokens: { total: usage?.prompt_tokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: usage?.completion_tokens, text: undefined, reasoning: undefined },
  };
}

export function toFinishReason(reason: LanguageModelV4FinishReason): FinishReason {
  switch (reason.unified) {
    case 'stop':
      return 'stop';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      // `length` for errors, interruptions and unknown reasons too: an incomplete answer the cache must not keep.
      return 'length';
  }
}

export function fromFinishReason(reason: FinishReason | null): LanguageModelV4FinishReason {
  const unified = reason === 'stop' ? 'stop' : reason === 'length' ? 'length' : reason === 'content_filter' ? 'content-filter' : reason === null ? 'other' : 'tool-calls';
  return { unified, raw: reason ?? undefined };
}
