import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import { InvalidRequestError } from '@routekit/core';
import { assertJsonTextDepth } from './json-depth.js';

type Decoder = (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;

const decoders: ReadonlyMap<string, Decoder> = new Map([
  ['gzip', promisify(gunzip) as Decoder],
  ['x-gzip', promisify(gunzip) as Decoder],
  ['deflate', promisify(inflate) as Decoder],
  ['br', promisify(brotliDecompress) as Decoder],
]);

/**
 * Refuses a body that is not declared as JSON with 415. A browser may send text/plain, form and
 * multipart bodies to any origin without a preflight, so parsing those as JSON would let any web
 * page drive a gateway on localhost; `application/json` cannot be sent cross-site without CORS.
 */
export function assertJsonContentType(request: IncomingMessage): void {
  // What nearly every client sends, checked before anything is split.
  if (request.headers['content-type'] === 'application/json') return;
  const [mediaType = '', ...parameters] = (request.headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (mediaType !== 'application/json') {
    throw new InvalidRequestError('The request body must be JSON, sent with Content-Type: application/json.', { code: 'unsupported_media_type', status: 415 });
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new InvalidRequestError('JSON bodies must be UTF-8 (charset=utf-8).', { code: 'unsupported_media_type', status: 415 });
  }
}

/**
 * Reads, decodes (`Content-Encoding` gzip, deflate or br) and parses a JSON body. `limitBytes`
 * bounds both what arrives and what it decodes to, so a small compressed bomb is refused with 413
 * as soon as its output passes the limit; any other encoding is refused with 415.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const encodings = contentEncodings(request);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  let body = await readBody(request, limitBytes);
  // Codings are listed in the order they were applied, so they are undone from the last.
  for (const encoding of encodings.toReversed()) body = await decode(body, encoding, limitBytes);
  return parseJson(body.toString('utf8'));
}

/**
 * The raw body, refused with 413 (and the rest of it dropped) as soon as it passes `limitBytes`.
 * Events rather than `for await`: a stream's async iterator costs more than the parse.
 */
function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (request.destroyed) return Promise.reject(clientLeft(request));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: Error) => {
      request.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else {
        settle(tooLarge(limitBytes));
        request.destroy();
      }
    };
    const onEnd = () => settle();
    const onClose = () => settle(clientLeft(request));
    request.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}

function clientLeft(request: IncomingMessage): Error {
  return request.errored ?? new Error('The client closed the connection before sending the whole body.');
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new InvalidRequestError('The request body is empty; send a JSON object.', { code: 'invalid_json' });
  assertJsonTextDepth(text);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', { code: 'invalid_json' });
  }
}

function contentEncodings(request: IncomingMessage): string[] {
  const header = request.headers['content-encoding'];
  if (header === undefined) return [];
  const encodings = header.split(',').map((encoding) => encoding.trim().toLowerCase()).filter((encoding) => encoding !== '' && encoding !== 'identity');
  for (const encoding of encodings) {
    if (!decoders.has(encoding)) {
      throw new InvalidRequestError('The Content-Encoding is not supported; send the body uncompressed, or as gzip, deflate or br.', { code: 'unsupported_content_encoding', status: 415 });
    }
  }
  return encodings;
}

async function decode(body: Buffer, encoding: string, limitBytes: number): Promise<Buffer> {
  try {
    // maxOutputLength stops decompression as soon as the output passes the limit.
    return await decoders.get(encoding)!(body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limitBytes);
    throw new InvalidRequestError(`The request body is not valid ${encoding} data.`, { code: 'invalid_encoding' });
  }
}

function tooLarge(limitBytes: number): InvalidRequestError {
  return new InvalidRequestError(`The request body is larger than the limit of ${limitBytes} bytes.`, { code: 'body_too_large', status: 413 });
}
