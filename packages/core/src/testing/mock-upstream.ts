import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import { anthropicErrorBody, chatRequestOfMessages, invalidMessagesField, messageEvents, messageOf, messagesExtras } from './mock-anthropic-wire.js';
import { chatCompletionEvents, chatCompletionOf, openAiErrorBody } from './mock-openai-wire.js';
import { embeddingsOf, invalidEmbeddingField } from './mock-embeddings.js';
import { createMockPromptCache, withCacheUsage } from './mock-prompt-cache.js';
import { planReply } from './mock-reply.js';
import { sendJson, startEventStream, waitForGeneration, writeEvents, write, type Pacing } from './mock-stream.js';
import type { MockApi, MockFailure, MockUpstream, MockUpstreamOptions, RecordedRequest } from './mock-upstream-options.js';

const defaultModels = ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

/**
 * Starts a mock LLM upstream on 127.0.0.1 (a free port) that speaks OpenAI's chat completions
 * (`POST /v1/chat/completions`, JSON and SSE, tool calls, usage), `GET /v1/models`, and
 * Anthropic's Messages API (`POST /v1/messages`, JSON and SSE), with configurable latency,
 * speed and failures. Point any OpenAI client's `baseURL` at `url`.
 *
 * @example
 * const upstream = await startMockUpstream({ timeToFirstTokenMs: 20 });
 * const client = new OpenAI({ baseURL: upstream.url, apiKey: 'test' });
 * upstream.failNext({ type: 'status', status: 429, retryAfterSeconds: 1 });
 * await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toThrow();
 * const answer = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
 * await upstream.close();
 */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  let queued: MockFailure[] = [];
  let connections = 0;
  let requestCounter = 0;
  // Answers the mock itself cuts off (reset, cut-stream) are not clients going away.
  const cutByMock = new WeakSet<ServerResponse>();
  // The mock's Anthropic prompt cache: prefixes up to a cache_control breakpoint seen so far.
  const cachedPrefixes = new Set<string>();
  const pacing: Pacing = { timeToFirstTokenMs: options.timeToFirstTokenMs ?? 0, tokensPerSecond: options.tokensPerSecond };
  const promptCache = options.promptCache === true ? createMockPromptCache() : options.promptCache || undefined;

  const server = createServer((request, response) => {
    serve(request, response).catch(() => response.destroy());
  });
  server.on('connection', () => (connections += 1));

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const [path, query] = splitUrl(request.url ?? '/');
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path, query, headers: lowerCaseHeaders(request), body: parseBody(text), aborted: false };
    requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished && !cutByMock.has(response)) recorded.aborted = true;
    });
    response.setHeader('x-request-id', `req_mock_${++requestCounter}`);
    try {
      await handle(recorded, response);
    } catch (error) {
      // A request the mock cannot answer (a JSON schema it cannot satisfy) is the client's error, as upstream.
      const status = error instanceof InvalidRequestError ? 400 : 500;
      if (!response.headersSent) sendJson(response, status, openAiErrorBody(status, status === 400 ? (error as Error).message : `Mock upstream failed: ${(error as Error).message}`));
      else response.destroy();
    }
  }

  async function handle(recorded: RecordedRequest, response: ServerResponse): Promise<void> {
    const api: MockApi = recorded.path === '/v1/messages' ? 'anthropic' : 'openai';
    const errorBody = api === 'anthropic' ? anthropicErrorBody : openAiErrorBody;
    // Azure OpenAI: the deployment is in the path, the key in `api-key`, the version in the query.
    const azure = azurePath.exec(recorded.path);
    if (options.apiKey !== undefined && !(azure === null ? authorized(recorded.headers, options.apiKey) : recorded.headers['api-key'] === options.apiKey)) return sendJson(response, 401, errorBody(401));
    if (azure !== null && !new URLSearchParams(recorded.query).has('api-version')) return sendJson(response, 400, errorBody(400, 'Missing required query parameter: api-version.'));
    if (recorded.method === 'GET' && recorded.path === '/v1/models') {
      const data = (options.models ?? defaultModels).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'routekit-mock' }));
      return sendJson(response, 200, { object: 'list', data });
    }
    const operation = azure?.[2] ?? (recorded.path === '/v1/embeddings' ? 'embeddings' : recorded.path === '/v1/chat/completions' || recorded.path === '/v1/messages' ? 'chat/completions' : undefined);
    if (recorded.method !== 'POST' || operation === undefined) return sendJson(response, 404, errorBody(404, `No route for ${recorded.method} ${recorded.path} on the mock upstream.`));
    // Azure answers as the deployment: a body may leave its model out.
    if (azure !== null && typeof recorded.body === 'object' && recorded.body !== null && typeof (recorded.body as { model?: unknown }).model !== 'string') recorded.body = { ...recorded.body, model: decodeURIComponent(azure[1]!) };
    if (operation === 'embeddings') {
      const invalidEmbedding = invalidEmbeddingField(recorded.body);
      if (invalidEmbedding !== undefined) return sendJson(response, 400, errorBody(400, `Invalid or missing field: ${invalidEmbedding}.`));
      const failure = queued.shift() ?? (Object.hasOwn(options.failures ?? {}, (recorded.body as { model: string }).model) ? options.failures![(recorded.body as { model: string }).model] : undefined);
      if (failure !== undefined && (await playFailure(failure, api, { model: (recorded.body as { model: string }).model, messages: [] }, response))) return;
      await waitForGeneration(0, pacing);
      if (response.destroyed) return;
      return sendJson(response, 200, embeddingsOf(recorded.body as Parameters<typeof embeddingsOf>[0]), {}, failure?.type === 'cut-stream');
    }
    const invalid = api === 'anthropic' ? invalidMessagesField(recorded.body) : invalidChatField(recorded.body);
    if (invalid !== undefined) return sendJson(response, 400, errorBody(400, `Invalid or missing field: ${invalid}.`));

    const chatRequest = api === 'anthropic' ? chatRequestOfMessages(recorded.body as Parameters<typeof chatRequestOfMessages>[0]) : (recorded.body as ChatRequest);
    const failure = queued.shift() ?? options.chooseFailure?.(chatRequest, api) ?? (Object.hasOwn(options.failures ?? {}, chatRequest.model) ? options.failures![chatRequest.model] : undefined);
    if (failure !== undefined && (await playFailure(failure, api, chatRequest, response))) return;

    const plan = planReply(chatRequest, api, options);
    const extras = api === 'anthropic' ? messagesExtras(recorded.body as Parameters<typeof messagesExtras>[0], cachedPrefixes) : undefined;
    if (promptCache !== undefined) plan.usage = withCacheUsage(plan.usage, promptCache(chatRequest, api));
    const cutAfter = failure?.type === 'cut-stream' ? failure.afterChunks : undefined;
    if (chatRequest.stream) {
      startEventStream(response, {});
      const events = api === 'anthropic' ? messageEvents(plan, extras) : chatCompletionEvents(plan, chatRequest.stream_options?.include_usage === true);
      return writeEvents(response, events, pacing, cutAfter);
    }
    await waitForGeneration(plan.textPieces.length, pacing);
    if (response.destroyed) return;
    sendJson(response, 200, api === 'anthropic' ? messageOf(plan, extras) : chatCompletionOf(plan), {}, cutAfter !== undefined);
  }

  /** Plays a failure; false when the answer still has to be written (a cut stream). */
  async function playFailure(failure: MockFailure, api: MockApi, request: ChatRequest, response: ServerResponse): Promise<boolean> {
    switch (failure.type) {
      case 'status': {
        const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
        sendJson(response, failure.status, api === 'anthropic' ? anthropicErrorBody(failure.status) : openAiErrorBody(failure.status), headers);
        return true;
      }
      case 'timeout':
        return true;
      case 'reset':
        cutByMock.add(response);
        response.socket?.destroy();
        return true;
      case 'malformed-json':
        if (request.stream) {
          startEventStream(response, {});
          await write(response, 'data: {"id": "chatcmpl-mock", "choices": [{"delta": \n\n');
          response.end();
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"id": "chatcmpl-mock", "object": "chat.completion", "choices": [');
        }
        return true;
      case 'cut-stream':
        cutByMock.add(response);
        return false;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, failure.ms));
        return response.destroyed;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get connections() {
      return connections;
    },
    failNext(failure: MockFailure, count = 1) {
      for (let index = 0; index < count; index += 1) queued.push(failure);
    },
    reset() {
      requests.length = 0;
      queued = [];
      cachedPrefixes.clear();
      connections = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

const azurePath = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

function splitUrl(url: string): [string, string] {
  const mark = url.indexOf('?');
  return mark === -1 ? [url, ''] : [url.slice(0, mark), url.slice(mark)];
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of request) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

function authorized(headers: Record<string, string>, apiKey: string): boolean {
  return headers.authorization === `Bearer ${apiKey}` || headers['x-api-key'] === apiKey;
}

function invalidChatField(body: unknown): string | undefined {
  const candidate = body as Partial<ChatRequest> | null;
  if (typeof candidate !== 'object' || candidate === null) return 'body';
  if (typeof candidate.model !== 'string') return 'model';
  if (!Array.isArray(candidate.messages) || candidate.messages.length === 0) return 'messages';
  return undefined;
}
