import type { ToolCall } from '../../chat/chat-request.js';
import type { ChatChunk, ChatResponse, ChunkChoice } from '../../chat/chat-response.js';
import type { ChatResult } from '../../pipeline/chat-result.js';
import { PlaceholderRestorer } from './placeholder-restorer.js';
import type { PiiSession } from './pii-session.js';

/** Inside a JSON string, an original value must be escaped the way JSON.stringify would. */
const jsonEscape = (value: string) => JSON.stringify(value).slice(1, -1);

function restoreToolCalls(calls: ToolCall[], session: PiiSession): ToolCall[] {
  return calls.map((call) => ({ ...call, function: { ...call.function, arguments: session.restore(call.function.arguments, jsonEscape) } }));
}

export function restoreResponse(response: ChatResponse, session: PiiSession): ChatResponse {
  return {
    ...response,
    choices: response.choices.map((choice) => ({
      ...choice,
      message: {
        ...choice.message,
        content: choice.message.content === null ? null : session.restore(choice.message.content),
        ...(choice.message.tool_calls === undefined ? {} : { tool_calls: restoreToolCalls(choice.message.tool_calls, session) }),
      },
    })),
  };
}

/** Restorers per choice (content) and per choice and tool call (arguments). */
class ChoiceRestorers {
  readonly content: PlaceholderRestorer;
  readonly toolArguments = new Map<number, PlaceholderRestorer>();

  constructor(private readonly session: PiiSession) {
    this.content = new PlaceholderRestorer(session.originals.keys(), (text) => session.restore(text));
  }

  forTool(index: number): PlaceholderRestorer {
    let restorer = this.toolArguments.get(index);
    if (restorer === undefined) {
      restorer = new PlaceholderRestorer(this.session.originals.keys(), (text) => this.session.restore(text, jsonEscape));
      this.toolArguments.set(index, restorer);
    }
    return restorer;
  }
}

function restoreChoice(choice: ChunkChoice, restorers: ChoiceRestorers): ChunkChoice {
  const delta = { ...choice.delta };
  const finished = choice.finish_reason !== null && choice.finish_reason !== undefined;
  if (typeof delta.content === 'string' || (finished && delta.content === undefined)) {
    const restored = restorers.content.push(delta.content ?? '') + (finished ? restorers.content.flush() : '');
    if (delta.content !== undefined || restored.length > 0) delta.content = restored;
  }
  if (delta.tool_calls !== undefined) {
    delta.tool_calls = delta.tool_calls.map((call) => {
      const piece = call.function?.arguments;
      if (piece === undefined) return call;
      return { ...call, function: { ...call.function, arguments: restorers.forTool(call.index).push(piece) } };
    });
  }
  if (finished && restorers.toolArguments.size > 0) {
    const held = [...restorers.toolArguments].map(([index, restorer]) => ({ index, rest: restorer.flush() })).filter(({ rest }) => rest.length > 0);
    if (held.length > 0) delta.tool_calls = [...(delta.tool_calls ?? []), ...held.map(({ index, rest }) => ({ index, function: { arguments: rest } }))];
  }
  return { ...choice, delta };
}

/** Restores placeholders across chunks, holding back a placeholder split between two chunks. */
export async function* restoreStream(stream: AsyncIterable<ChatChunk>, session: PiiSession): AsyncGenerator<ChatChunk> {
  const choices = new Map<number, ChoiceRestorers>();
  let last: ChatChunk | undefined;
  for await (const chunk of stream) {
    last = chunk;
    yield {
      ...chunk,
      choices: chunk.choices.map((choice) => {
        let restorers = choices.get(choice.index);
        if (restorers === undefined) choices.set(choice.index, (restorers = new ChoiceRestorers(session)));
        return restoreChoice(choice, restorers);
      }),
    };
  }
  // A stream cut short (no finish_reason) still gives the client what was held back.
  const rest: ChunkChoice[] = [];
  for (const [index, restorers] of choices) {
    const content = restorers.content.flush();
    const toolCalls = [...restorers.toolArguments].map(([toolIndex, restorer]) => ({ index: toolIndex, function: { arguments: restorer.flush() } })).filter((call) => call.function.arguments.length > 0);
    if (content.length > 0 || toolCalls.length > 0) {
      rest.push({ index, delta: { ...(content.length > 0 ? { content } : {}), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }, finish_reason: null });
    }
  }
  if (rest.length > 0 && last !== undefined) yield { id: last.id, object: 'chat.completion.chunk', created: last.created, model: last.model, choices: rest };
}

/** The result with this session's placeholders turned back into the original values. */
export function restoreResult(result: ChatResult, session: PiiSession): ChatResult {
  if (session.originals.size === 0) return result;
  return result.type === 'response' ? { type: 'response', response: restoreResponse(result.response, session) } : { type: 'stream', stream: restoreStream(result.stream, session) };
}
