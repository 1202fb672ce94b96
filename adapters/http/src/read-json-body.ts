import type { IncomingMessage } from 'node:http';
import { InvalidRequestError } from '@routekit/core';

/**
 * Reads and parses a JSON body, refusing more than `limitBytes` as soon as it is exceeded rather
 * than after buffering it all.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return parseJson(Buffer.concat(chunks).toString('utf8'));
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new InvalidRequestError('The request body is empty; send a JSON object.', { code: 'invalid_json' });
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', { code: 'invalid_json' });
  }
}

function tooLarge(limitBytes: number): InvalidRequestError {
  return new InvalidRequestError(`The request body is larger than the limit of ${limitBytes} bytes.`, { code: 'body_too_large', status: 413 });
}
