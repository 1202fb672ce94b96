import type { ChatRequest } from '../chat/chat-request.js';
import type { ChatResponse } from '../chat/chat-response.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { ConfigurationError } from '../errors.js';
import { promptTokenBound } from '../guard/limits/prompt-token-bound.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import type { Exchange } from '../pipeline/exchange.js';
import { costOfUsage } from '../receipts/account-usage.js';
import { scoredText } from '../routing/quality-scorer.js';
import type { OutcomeStore } from './outcome.js';

/** Sampled judging: for a share of routed requests, after the answer went out, ask the other model and a judge. */
export interface JudgingOptions {
  /** Share of eligible requests judged, 0 to 1. */
  share: number;
  /** The judge's catalog id; it must be routable here (e.g. `openai/gpt-4.1`). */
  judge: string;
  /** What judging may spend in total in this process (the other model's answers and the judge's calls), in USD; judging stops there. */
  spendLimitUsd: number;
  /** The tenants that opted in (a list, or a check); no other tenant's request is ever judged. */
  tenants: readonly string[] | ((tenant: string) => boolean);
  /** The other model's output cap, tokens. Default 1,024. */
  maxAnswerTokens?: number;
  /** How long each judging call may take before it is given up (and its hold on the cap released), ms. Default 60,000. */
  timeoutMs?: number;
  /** Told of each finished judgement (tests, metrics); never of prompt text. */
  onJudged?: (result: { request_id: string; scores: Record<string, number>; cost_usd: number }) => void;
  /** Told of a judgement that failed (a provider error); the request it was for was answered already. */
  onError?: (error: unknown) => void;
  /** The sampling's random source (tests). Default Math.random. */
  random?: () => number;
}

/** The fixed pairwise rubric; the answers' order is swapped in the second call to cancel position bias. */
export const judgeRubric = [
  'You compare two answers to the same request. Judge which answer serves the user better: correct,',
  'complete for what was asked, clear, and safe. Ignore length unless it hurts the answer. Reply with',
  'exactly one of: A, B, tie.',
].join(' ');

const judgeOutputTokens = 4;

/**
 * Sampled judging, off the request path: `consider` is called once the answer has gone out and
 * returns at once; for an opted-in tenant, a sampled share of requests the `default` router
 * decided, and while the spend cap allows the worst case, it asks the other candidate for its
 * answer and the judge twice (both orders), then stores both models' scores as outcomes. The judge
 * sees the request and the answers as the models did (after PII redaction).
 */
export function createSampledJudging(options: JudgingOptions, context: { catalog: ModelCatalog; call: ModelCall; outcomes: OutcomeStore }) {
  if (!(options.share >= 0 && options.share <= 1)) throw new ConfigurationError('learning.judging.share must be a number from 0 to 1.', { key: 'learning.judging.share' });
  if (!(options.spendLimitUsd >= 0)) throw new ConfigurationError('learning.judging.spendLimitUsd must be 0 or more.', { key: 'learning.judging.spendLimitUsd' });
  const judge = context.catalog.get(options.judge);
  if (judge === undefined || !context.catalog.routable().includes(judge)) throw new ConfigurationError(`learning.judging.judge: "${options.judge}" is not a routable model here.`, { key: 'learning.judging.judge' });
  const optedIn = typeof options.tenants === 'function' ? options.tenants : ((list: readonly string[]) => (tenant: string) => list.includes(tenant))(options.tenants);
  const random = options.random ?? Math.random;
  const maxAnswerTokens = options.maxAnswerTokens ?? 1024;
  const timeoutMs = options.timeoutMs ?? 60_000;
  /** Spent, plus the worst case of judgements still running: never above the limit. */
  let committed = 0;
  const judgeModel: ModelInfo = judge;

  /** Holds `usd` of the cap if it fits; false when it does not. */
  const reserve = (usd: number): boolean => {
    if (committed + usd > options.spendLimitUsd) return false;
    committed += usd;
    return true;
  };

  async function judgeOne(exchange: Exchange, answered: ModelInfo, other: ModelInfo, answer: string, otherWorst: number): Promise<void> {
    let reserved = otherWorst;
    let spent = 0;
    try {
      const request: ChatRequest = withoutStreaming({ ...exchange.request, max_tokens: maxAnswerTokens });
      const otherResponse = await callOnce(context.call, exchange, other, request, timeoutMs);
      spent += costOfUsage(other, otherResponse.usage ?? { prompt_tokens: promptTokenBound(request), completion_tokens: maxAnswerTokens });
      const otherAnswer = textOf(otherResponse);
      const question = scoredText(exchange.request);
      // Order 1: the answer the client got is A; order 2: it is B. Answers are clipped so the judge's prompt stays bounded.
      const prompts = [[answer, otherAnswer], [otherAnswer, answer]].map(([first, second]) => `Request:\n${question}\n\nAnswer A:\n${clip(first!)}\n\nAnswer B:\n${clip(second!)}`);
      // A token is at least one byte, so bytes bound the judge's prompt tokens before it is sent.
      const judgeWorst = prompts.reduce((sum, prompt) => sum + ((Buffer.byteLength(judgeRubric) + Buffer.byteLength(prompt) + 16) * judgeModel.inputPricePerMillion + judgeOutputTokens * judgeModel.outputPricePerMillion) / 1_000_000, 0);
      if (!reserve(judgeWorst)) return;
      reserved += judgeWorst;
      const verdicts: number[] = [];
      for (const [order, prompt] of prompts.entries()) {
        const response = await callOnce(context.call, exchange, judgeModel, { model: judgeModel.upstreamModel, messages: [{ role: 'system', content: judgeRubric }, { role: 'user', content: prompt }], max_tokens: judgeOutputTokens, temperature: 0 }, timeoutMs);
        spent += costOfUsage(judgeModel, response.usage ?? { prompt_tokens: Buffer.byteLength(judgeRubric) + Buffer.byteLength(prompt) + 16, completion_tokens: judgeOutputTokens });
        const verdict = /^\W*(a|b|tie)\b/i.exec(textOf(response))?.[1]?.toLowerCase();
        const answeredIsA = order === 0;
        if (verdict === 'tie') verdicts.push(0.5);
        else if (verdict === 'a') verdicts.push(answeredIsA ? 1 : 0);
        else if (verdict === 'b') verdicts.push(answeredIsA ? 0 : 1);
      }
      if (verdicts.length === 0) return;
      const answeredScore = verdicts.reduce((sum, value) => sum + value, 0) / verdicts.length;
      const { receipt } = exchange;
      const ranked = receipt.candidates.filter((candidate) => candidate.eligible);
      const costs = Object.fromEntries(ranked.map((candidate) => [candidate.model, candidate.estimated_cost_usd]));
      const receiptInfo = { time: receipt.timestamp, models: ranked.map((candidate) => candidate.model), costs, winner: receipt.winner };
      const scores = { [answered.id]: answeredScore, [other.id]: 1 - answeredScore };
      for (const [model, score] of Object.entries(scores)) await context.outcomes.record({ request_id: receipt.request_id, tenant: receipt.tenant, model, score, receipt: receiptInfo });
      options.onJudged?.({ request_id: receipt.request_id, scores, cost_usd: spent });
    } finally {
      // The reservations become what was really spent (never more: outputs are capped, prompts bounded).
      committed -= reserved - Math.min(spent, reserved);
    }
  }

  return {
    /** Called after the answer went out; returns at once, the judgement runs in the background. */
    consider(exchange: Exchange, answer: string | undefined): void {
      const { receipt, decision, request } = exchange;
      if (answer === undefined || receipt.status !== 'ok' || decision?.routerVersion === undefined || (request.tools?.length ?? 0) > 0 || !optedIn(receipt.tenant)) return;
      if (random() >= options.share) return;
      const answered = context.catalog.get(receipt.winner ?? '');
      const otherId = receipt.candidates.find((candidate) => candidate.eligible && candidate.model !== receipt.winner)?.model;
      const other = otherId === undefined ? undefined : context.catalog.get(otherId);
      if (answered === undefined || other === undefined) return;
      const otherWorst = (promptTokenBound(withoutStreaming(request)) * other.inputPricePerMillion + maxAnswerTokens * other.outputPricePerMillion) / 1_000_000;
      if (!reserve(otherWorst)) return;
      void judgeOne(exchange, answered, other, answer, otherWorst).catch((error: unknown) => options.onError?.(error));
    },
    /** What judging has spent, plus the worst case of judgements still running, in USD. */
    get committedUsd(): number {
      return committed;
    },
  };
}

/** An answer as the judge reads it: at most 8,000 characters. */
function clip(text: string): string {
  return text.length > 8000 ? `${text.slice(0, 8000)}…` : text;
}

export type SampledJudging = ReturnType<typeof createSampledJudging>;

async function callOnce(call: ModelCall, exchange: Exchange, model: ModelInfo, request: ChatRequest, timeoutMs: number): Promise<ChatResponse> {
  const result: ChatResult = await call({ exchange, model, request: { ...request, model: model.upstreamModel }, index: 0 }, AbortSignal.timeout(timeoutMs));
  if (result.type === 'response') return result.response;
  // A delegate that always streams: read it whole.
  let text = '';
  let usage: ChatResponse['usage'];
  for await (const chunk of result.stream) {
    text += chunk.choices?.[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { id: 'judging', object: 'chat.completion', created: 0, model: model.id, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], ...(usage && { usage }) };
}

function withoutStreaming(request: ChatRequest): ChatRequest {
  const { stream: _stream, stream_options: _options, n: _n, max_completion_tokens: _max, ...rest } = request;
  return rest;
}

function textOf(response: ChatResponse): string {
  return response.choices.map((choice) => choice.message.content ?? '').join('');
}
