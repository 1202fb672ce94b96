import { describe, expect, it } from 'vitest';
import { parseServerSentEvents, type ServerSentEvent } from './server-sent-events.js';

async function* chunksOf(parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  yield* parts;
}

async function collect(parts: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(chunksOf(parts))) events.push(event);
  return events;
}

const body = ': keep-alive\n\ndata: {"a":1}\n\nevent: message_stop\ndata: first\ndata: second\n\ndata: héllo ✓\r\n\r\ndata:[DONE]\n\n';
const expected: ServerSentEvent[] = [
  { event: undefined, data: '{"a":1}' },
  { event: 'message_stop', data: 'first\nsecond' },
  { event: undefined, data: 'héllo ✓' },
  { event: undefined, data: '[DONE]' },
];

describe('parseServerSentEvents', () => {
  it('reads comments, named events, multi-line data, CRLF and a value without a space', async () => {
    expect(await collect([body])).toEqual(expected);
  });

  it('gives the same events when the bytes are split at every position, inside characters and CRLFs', async () => {
    const bytes = new TextEncoder().encode(body);
    for (let split = 1; split < bytes.length; split += 1) {
      expect(await collect([bytes.slice(0, split), bytes.slice(split)])).toEqual(expected);
    }
    expect(await collect([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it('treats a lone CR as a line end and strips a byte order mark', async () => {
    expect(await collect(['\uFEFFdata: a\r\rdata: b\r', '\r'])).toEqual([
      { event: undefined, data: 'a' },
      { event: undefined, data: 'b' },
    ]);
  });

  it('delivers an event left pending at the end of the body', async () => {
    expect(await collect(['data: x\n\ndata: [DONE]'])).toEqual([
      { event: undefined, data: 'x' },
      { event: undefined, data: '[DONE]' },
    ]);
  });
});
