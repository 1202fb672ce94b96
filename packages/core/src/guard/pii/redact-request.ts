import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolCall } from '../../chat/chat-request.js';
import type { PiiSession } from './pii-session.js';

/** Redacts the string leaves of a JSON value, keys included (they can be user data too). */
function redactJsonValue(value: unknown, session: PiiSession, path: string): unknown {
  if (typeof value === 'string') return session.redact(value, path);
  if (Array.isArray(value)) return value.map((item, index) => redactJsonValue(item, session, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [session.redact(key, path), redactJsonValue(item, session, `${path}.${key}`)]));
  }
  return value;
}

/**
 * Tool arguments and results are often JSON: redacting the parsed strings keeps the JSON valid
 * (a raw pass could cut through an escape sequence). Text that is not JSON is redacted as text.
 */
export function redactJsonOrText(text: string, session: PiiSession, path: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return session.redact(text, path);
    }
    const redacted = redactJsonValue(parsed, session, path);
    return JSON.stringify(redacted) === JSON.stringify(parsed) ? text : JSON.stringify(redacted);
  }
  return session.redact(text, path);
}

function redactParts<T extends ContentPart | TextPart>(parts: T[], session: PiiSession, path: string, json: boolean): T[] {
  return parts.map((part, index) => {
    if (part.type !== 'text') return part;
    const text = json ? redactJsonOrText(part.text, session, `${path}[${index}].text`) : session.redact(part.text, `${path}[${index}].text`);
    return text === part.text ? part : { ...part, text };
  });
}

function redactToolCalls(calls: ToolCall[], session: PiiSession, path: string): ToolCall[] {
  return calls.map((call, index) => {
    const argumentsText = redactJsonOrText(call.function.arguments, session, `${path}[${index}].function.arguments`);
    return argumentsText === call.function.arguments ? call : { ...call, function: { ...call.function, arguments: argumentsText } };
  });
}

function redactMessage(message: ChatMessage, session: PiiSession, path: string): ChatMessage {
  const json = message.role === 'tool';
  const content = message.content;
  let redacted: ChatMessage = message;
  if (typeof content === 'string') {
    const text = json ? redactJsonOrText(content, session, `${path}.content`) : session.redact(content, `${path}.content`);
    if (text !== content) redacted = { ...message, content: text } as ChatMessage;
  } else if (Array.isArray(content)) {
    redacted = { ...message, content: redactParts(content as ContentPart[], session, `${path}.content`, json) } as ChatMessage;
  }
  if (redacted.role === 'assistant' && redacted.tool_calls !== undefined) {
    redacted = { ...redacted, tool_calls: redactToolCalls(redacted.tool_calls, session, `${path}.tool_calls`) };
  }
  return redacted;
}

/**
 * A redacted copy of the request: every role's text, text parts, tool-call arguments and tool
 * results. The original request is left as it was (the exchange keeps it as `original`).
 */
export function redactRequest(request: ChatRequest, session: PiiSession): ChatRequest {
  return { ...request, messages: request.messages.map((message, index) => redactMessage(message, session, `messages[${index}]`)) };
}
