import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages';
import type { ToolChoice as LangChainToolChoice } from '@langchain/core/language_models/chat_models';
import type { ChatMessage, ToolChoice } from '@routekit/core';

/**
 * The engine's messages for one attempt back as LangChain messages for the delegate. A message the
 * engine left as it was (same OpenAI form as the app's) is handed over as the app's own object, so
 * ids, additional_kwargs and provider-specific blocks survive; a changed one (PII redacted) is rebuilt.
 */
export function toLangChainMessages(messages: readonly ChatMessage[], sent: readonly ChatMessage[], originals: readonly BaseMessage[]): BaseMessage[] {
  return messages.map((message, index) => {
    const original = originals[index];
    if (original !== undefined && sent.length === messages.length && (sent[index] === message || JSON.stringify(sent[index]) === JSON.stringify(message))) return original;
    return toLangChainMessage(message, original);
  });
}

function toLangChainMessage(message: ChatMessage, original: BaseMessage | undefined): BaseMessage {
  const kept = { ...(original?.id !== undefined && { id: original.id }), ...('name' in message && message.name !== undefined && { name: message.name }) };
  switch (message.role) {
    case 'system':
    case 'developer':
      return new SystemMessage({ ...kept, content: toLangChainContent(message.content) });
    case 'user':
      return new HumanMessage({ ...kept, content: toLangChainContent(message.content) });
    case 'assistant':
      return new AIMessage({
        ...kept,
        content: toLangChainContent(message.content ?? ''),
        tool_calls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, args: parseArguments(call.function.arguments), type: 'tool_call' as const })),
      });
    case 'tool':
      return new ToolMessage({ ...kept, content: toLangChainContent(message.content), tool_call_id: message.tool_call_id });
  }
}

function toLangChainContent(content: ChatMessage['content']): MessageContent {
  if (content === null) return '';
  return typeof content === 'string' ? content : (content as unknown as MessageContent);
}

/** Tool-call arguments as an object; text that is not a JSON object is kept under `input`. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { input: parsed };
  } catch {
    return { input: text };
  }
}

/** OpenAI's tool_choice in LangChain's portable terms, which every provider package accepts. */
export function toLangChainToolChoice(choice: ToolChoice | undefined): LangChainToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice === 'required' ? 'any' : choice;
  return choice.function.name;
}
