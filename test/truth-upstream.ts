import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEncoding } from 'js-tiktoken';
import type { ChatRequest } from '@routekit/core';

/** A real BPE tokenizer (GPT-4's cl100k: harder on CJK than GPT-4o's), the "truth" the upstream bills by. */
export const cl100k = getEncoding('cl100k_base');

// js-tiktoken is slow on long CJK runs; prompts repeat in the tests, so each text is counted once.
const counted = new Map<string, number>();
export function trueTokens(text: string): number {
  let tokens = counted.get(text);
  if (tokens === undefined) {
    tokens = cl100k.encode(text).length;
    counted.set(text, tokens);
  }
  return tokens;
}

/** OpenAI's documented chat overhead: 3 tokens per message, 3 to prime the reply. */
export function trueTokensOfMessages(request: ChatRequest): number {
  let tokens = 3;
  for (const message of request.messages) {
    tokens += 3 + trueTokens(message.role);
    const content = message.content;
    if (typeof content === 'string') tokens += trueTokens(content);
    else if (Array.isArray(content)) for (const part of content) if (part.type === 'text') tokens += trueTokens(part.text);
  }
  return tokens;
}

export interface TruthUpstreamOptions {
  /** Completion tokens of an answer when the request sets no max_tokens: a model that runs long. */
  longAnswerTokens: number;
  /** Prices the upstream bills at, per million tokens. */
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  /** The text answers are cut from (its tokens are repeated as needed). */
  answerText: string;
}

export interface TruthUpstream {
  url: string;
  /** What the upstream billed, in micro-dollars, rounded up per call as the gateway counts it. */
  readonly billedMicros: number;
  readonly calls: number;
  /** The output cap each call carried (max_completion_tokens ?? max_tokens), null when none. */
  readonly caps: Array<number | null>;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible upstream that counts tokens with a real tokenizer, answers long unless
 * the request caps the output (as a real model does), honours the cap exactly, and adds up what
 * it would bill: the ground truth a spend limit is checked against.
 */
export async function startTruthUpstream(options: TruthUpstreamOptions): Promise<TruthUpstream> {
  const answerTokens = cl100k.encode(options.answerText);
  let billedMicros = 0;
  let calls = 0;
  const caps: Array<number | null> = [];

  const answers = new Map<number, string>();
  function answerOf(count: number): string {
    let answer = answers.get(count);
    if (answer === undefined) {
      const tokens: number[] = [];
      while (tokens.length < count) tokens.push(...answerTokens.slice(0, count - tokens.length));
      answer = cl100k.decode(tokens);
      answers.set(count, answer);
    }
    return answer;
  }

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of incoming) parts.push(part as Buffer);
    const request = JSON.parse(Buffer.concat(parts).toString('utf8')) as ChatRequest;
    const cap = request.max_completion_tokens ?? request.max_tokens ?? null;
    caps.push(cap);
    calls += 1;
    const completion = cap === null ? options.longAnswerTokens : Math.min(cap, options.longAnswerTokens);
    const prompt = trueTokensOfMessages(request);
    billedMicros += Math.ceil(prompt * options.inputPricePerMillion + completion * options.outputPricePerMillion);
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    const content = answerOf(completion);
    const base = { id: `chatcmpl-${calls}`, created: 0, model: request.model };
    if (request.stream) {
      outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
      const pieces = content.match(/[^]{1,400}/g) ?? [];
      for (const piece of pieces) outgoing.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
      outgoing.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: cap === null ? 'stop' : 'length' }] })}\n\n`);
      outgoing.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
      outgoing.end('data: [DONE]\n\n');
      return;
    }
    outgoing.writeHead(200, { 'content-type': 'application/json' });
    outgoing.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage }));
  }

  const server = createServer((incoming, outgoing) => void serve(incoming, outgoing).catch(() => outgoing.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get billedMicros() {
      return billedMicros;
    },
    get calls() {
      return calls;
    },
    caps,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Deterministic text in a script: a small linear congruential generator over a character pool,
 * with a separator (a space, or a CJK comma) every 3 to 18 characters, as real sentences have.
 */
export function generatedText(pool: string, length: number, seed: number, separators = ' '): string {
  const characters = [...pool];
  const breaks = [...separators];
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0);
  let text = '';
  let untilBreak = 3 + (next() % 16);
  for (let index = 0; index < length; index++) {
    if (--untilBreak === 0) {
      text += breaks[next() % breaks.length];
      untilBreak = 3 + (next() % 16);
    } else text += characters[next() % characters.length];
  }
  return text;
}
