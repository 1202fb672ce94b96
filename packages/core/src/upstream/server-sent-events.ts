/** One event of a `text/event-stream`: `event` is absent for plain `data:` events (OpenAI's). */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

const lineBreak = /\r\n|\r|\n/g;

/**
 * Parses a `text/event-stream` body as the WHATWG spec reads it: lines end with CRLF, CR or LF,
 * `:` lines are comments (keep-alives), several `data:` lines join with `\n`, and a blank line
 * ends an event. Chunks may split anywhere, including inside a multi-byte character or a CRLF.
 * An event still pending when the body ends is delivered rather than dropped, because some
 * OpenAI-compatible servers omit the last blank line.
 */
export async function* parseServerSentEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  let first = true;

  function* takeLine(line: string): Generator<ServerSentEvent> {
    if (line === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      data = [];
      event = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }

  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      first = false;
    }
    let start = 0;
    lineBreak.lastIndex = 0;
    for (let match = lineBreak.exec(buffer); match !== null; match = lineBreak.exec(buffer)) {
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      yield* takeLine(buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer.endsWith('\r')) buffer = buffer.slice(0, -1);
  if (buffer !== '') yield* takeLine(buffer);
  yield* takeLine('');
}
