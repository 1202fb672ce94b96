import type { ChatMessage, ChatRequest, FunctionTool, ToolCall } from '../../chat/chat-request.js';
import { jsonTextTooDeep, jsonTooDeep, maxJsonDepth } from '../../validation/json-depth.js';
import type { PiiSession } from './pii-session.js';

// Every string of a request leaves for the provider, so every string is redacted, field by field
// (REQUEST_FIELDS below), and whatever routekit does not know is walked string by string. Only
// these stay as they are: identifiers the provider matches against each other or against the
// tool definitions (tool and function names, tool call ids, roles, part and format types) and
// the model string (routing reads it). Base64 payloads (`data:…;base64,` URLs anywhere, and
// `input_audio.data`) are binary: not read.

/**
 * Redacts the string leaves of a JSON value, keys included (they can be user data too). Bounded
 * by `maxJsonDepth`, as request bodies are at the HTTP edge, so that no value (an in-process
 * app's included) can overflow the stack: deeper is a 400 naming the field.
 */
function redactJsonValue(value: unknown, session: PiiSession, path: string, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, session, path);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxJsonDepth) throw jsonTooDeep(shortened(path));
  if (Array.isArray(value)) return value.map((item, index) => redactJsonValue(item, session, `${path}[${index}]`, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [session.redact(key, path), redactJsonValue(item, session, `${path}.${key}`, depth + 1)]));
}

/** A path 100 levels deep is long: the error names its start. */
function shortened(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 120)}…`;
}

function redactString(value: string, session: PiiSession, path: string): string {
  return value.startsWith('data:') ? redactDataUrl(value, session, path) : session.redact(value, path);
}

/**
 * A `data:` URL: its media type and parameters are text (`;name=ana@example.com`), and so is a
 * payload that is not base64 (percent-encoded text), which is redacted decoded and re-encoded.
 */
function redactDataUrl(url: string, session: PiiSession, path: string): string {
  const comma = url.indexOf(',');
  if (comma === -1) return session.redact(url, path);
  const header = url.slice(0, comma);
  const redactedHeader = session.redact(header, path);
  const payload = url.slice(comma + 1);
  if (/;base64$/i.test(header)) return `${redactedHeader},${payload}`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(payload);
  } catch {
    return `${redactedHeader},${session.redact(payload, path)}`;
  }
  const redacted = session.redact(decoded, path);
  return `${redactedHeader},${redacted === decoded ? payload : encodeURIComponent(redacted)}`;
}

/**
 * Tool arguments and results are often JSON: redacting the parsed strings keeps the JSON valid
 * (a raw pass could cut through an escape sequence). Text that is not JSON is redacted as text.
 * JSON nested deeper than `maxJsonDepth` is refused with a 400 naming the field: it cannot be
 * walked safely, and redacting it as plain text could break it.
 */
export function redactJsonOrText(text: string, session: PiiSession, path: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"')) {
    if (jsonTextTooDeep(text)) throw jsonTooDeep(path);
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

type Part = { type: string; [field: string]: unknown };

/** A part other than text: an image URL is redacted as a URL, anything else string by string (its type kept). */
function redactOtherPart(part: Part, session: PiiSession, path: string): Part {
  const { type, ...rest } = part;
  if (type === 'image_url' && typeof part.image_url === 'object' && part.image_url !== null) {
    const { url, ...imageRest } = part.image_url as { url?: unknown };
    const others = redactJsonValue(imageRest, session, `${path}.image_url`) as object;
    const redactedUrl = typeof url === 'string' ? redactString(url, session, `${path}.image_url.url`) : url;
    const { image_url: _image, ...partRest } = rest;
    return { type, ...(redactJsonValue(partRest, session, path) as object), image_url: { ...others, url: redactedUrl } };
  }
  if (type === 'input_audio' && typeof part.input_audio === 'object' && part.input_audio !== null) {
    // The audio itself is base64: only the fields beside it are text.
    const { data, ...audioRest } = part.input_audio as { data?: unknown };
    const { input_audio: _audio, ...partRest } = rest;
    return { type, ...(redactJsonValue(partRest, session, path) as object), input_audio: { ...(redactJsonValue(audioRest, session, `${path}.input_audio`) as object), data } };
  }
  return { type, ...(redactJsonValue(rest, session, path) as object) };
}

/**
 * The parts of one message. Text parts are read as one text, so a card number split over two
 * parts is still found; tool results (`json`) are redacted part by part, to keep each one valid JSON.
 */
function redactParts(parts: Part[], session: PiiSession, path: string, json: boolean): Part[] {
  const textIndexes = parts.flatMap((part, index) => (part.type === 'text' && typeof part.text === 'string' ? [index] : []));
  const texts = json
    ? textIndexes.map((index) => redactJsonOrText(parts[index]!.text as string, session, `${path}[${index}].text`))
    : textIndexes.length > 0
      ? session.redactPieces(textIndexes.map((index) => parts[index]!.text as string), `${path}[${textIndexes[0]}].text`)
      : [];
  // Where each text part's redacted text is: a Map, since a body may hold many thousands of parts.
  const textAt = new Map(textIndexes.map((partIndex, at) => [partIndex, at]));
  return parts.map((part, index) => {
    const at = textAt.get(index);
    if (at === undefined) return redactOtherPart(part, session, `${path}[${index}]`);
    const { type, text: _text, ...rest } = part;
    return { type, ...(redactJsonValue(rest, session, `${path}[${index}]`) as object), text: texts[at]! };
  });
}

/**
 * Tool calls. The schema checks them only on assistant messages, and lets any other message carry
 * whatever it likes under `tool_calls`: an entry or a `function` that is not an object is redacted
 * string by string like any unknown value.
 */
function redactToolCalls(calls: unknown[], session: PiiSession, path: string): unknown[] {
  return calls.map((call, index) => {
    if (!isRecord(call)) return redactJsonValue(call, session, `${path}[${index}]`);
    const { id, type, function: fn, ...rest } = call as ToolCall & Record<string, unknown>;
    if (!isRecord(fn)) return { ...(redactJsonValue(rest, session, `${path}[${index}]`) as object), id, type, ...(fn !== undefined && { function: redactJsonValue(fn, session, `${path}[${index}].function`) }) };
    const { name, arguments: argumentsText, ...fnRest } = fn as ToolCall['function'] & Record<string, unknown>;
    return {
      ...(redactJsonValue(rest, session, `${path}[${index}]`) as object),
      id,
      type,
      function: { ...(redactJsonValue(fnRest, session, `${path}[${index}].function`) as object), name, arguments: typeof argumentsText === 'string' ? redactJsonOrText(argumentsText, session, `${path}[${index}].function.arguments`) : redactJsonValue(argumentsText, session, `${path}[${index}].function.arguments`) },
    };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function redactMessage(message: ChatMessage, session: PiiSession, path: string): ChatMessage {
  const { role, content, ...rest } = message as ChatMessage & Record<string, unknown>;
  const json = role === 'tool';
  const { tool_calls: toolCalls, tool_call_id: toolCallId, ...others } = rest;
  const redacted: Record<string, unknown> = { role, ...(redactJsonValue(others, session, path) as object) };
  if (typeof content === 'string') redacted.content = json ? redactJsonOrText(content, session, `${path}.content`) : session.redact(content, `${path}.content`);
  else if (Array.isArray(content)) redacted.content = redactParts(content as unknown as Part[], session, `${path}.content`, json);
  else if (content !== undefined) redacted.content = redactJsonValue(content, session, `${path}.content`);
  if (Array.isArray(toolCalls)) redacted.tool_calls = redactToolCalls(toolCalls, session, `${path}.tool_calls`);
  else if (toolCalls !== undefined) redacted.tool_calls = redactJsonValue(toolCalls, session, `${path}.tool_calls`);
  if (toolCallId !== undefined) redacted.tool_call_id = toolCallId;
  return redacted as ChatMessage;
}

function redactTool(tool: FunctionTool, session: PiiSession, path: string): FunctionTool {
  const { type, function: fn, ...rest } = tool as FunctionTool & Record<string, unknown>;
  if (fn === null || typeof fn !== 'object') return { type, ...(redactJsonValue(rest, session, path) as object) } as FunctionTool;
  // The name is what the model calls; the description and every string of the schema are text.
  const { name, ...fnRest } = fn;
  return { ...(redactJsonValue(rest, session, path) as object), type, function: { ...(redactJsonValue(fnRest, session, `${path}.function`) as object), name } } as FunctionTool;
}

function redactResponseFormat(format: unknown, session: PiiSession, path: string): unknown {
  if (format === null || typeof format !== 'object' || Array.isArray(format)) return redactJsonValue(format, session, path);
  const { type, json_schema: schema, ...rest } = format as Record<string, unknown>;
  const redacted: Record<string, unknown> = { type, ...(redactJsonValue(rest, session, path) as object) };
  if (schema !== null && typeof schema === 'object' && !Array.isArray(schema)) {
    const { name, ...schemaRest } = schema as Record<string, unknown>;
    redacted.json_schema = { ...(redactJsonValue(schemaRest, session, `${path}.json_schema`) as object), name };
  } else if (schema !== undefined) redacted.json_schema = redactJsonValue(schema, session, `${path}.json_schema`);
  return redacted;
}

/**
 * How each field of the request is redacted. Fields not listed (`user`, `metadata`, `stop`,
 * `prediction`, and any field routekit does not know) have every string redacted, keys included.
 */
const REQUEST_FIELDS: ReadonlyMap<string, (value: unknown, session: PiiSession, path: string) => unknown> = new Map<string, (value: unknown, session: PiiSession, path: string) => unknown>([
  ['model', (value) => value],
  ['messages', (value, session, path) => (Array.isArray(value) ? value.map((message, index) => redactMessage(message as ChatMessage, session, `${path}[${index}]`)) : redactJsonValue(value, session, path))],
  ['tools', (value, session, path) => (Array.isArray(value) ? value.map((tool, index) => redactTool(tool as FunctionTool, session, `${path}[${index}]`)) : redactJsonValue(value, session, path))],
  // `none`/`auto`/`required` or the name of a tool to call: identifiers only.
  ['tool_choice', (value) => value],
  ['response_format', redactResponseFormat],
]);

/**
 * A redacted copy of the request: every string that leaves for the provider (see REQUEST_FIELDS).
 * The original request is left as it was (the exchange keeps it as `original`).
 */
export function redactRequest(request: ChatRequest, session: PiiSession): ChatRequest {
  // fromEntries defines fields, so one called "__proto__" stays a field (an assignment would set the prototype).
  return Object.fromEntries(
    Object.entries(request).map(([field, value]) => {
      const handler = REQUEST_FIELDS.get(field);
      return handler === undefined ? [session.redact(field, field), redactJsonValue(value, session, field)] : [field, handler(value, session, field)];
    }),
  ) as ChatRequest;
}
