import type { Receipt } from '@routekit/core';
import { convertToModelMessages, streamText, type UIMessage } from 'ai';
import { routekit } from '../../../routekit.js';

/**
 * The App Router route handler (`app/api/chat/route.ts`) that `useChat` posts to. The only
 * routekit-specific line is `model: routekit('auto')`; the message metadata shows which model
 * answered and what it cost.
 */
export async function POST(request: Request): Promise<Response> {
  const { messages } = (await request.json()) as { messages: UIMessage[] };
  const result = streamText({
    model: routekit('auto'),
    messages: await convertToModelMessages(messages),
    abortSignal: request.signal,
  });
  return result.toUIMessageStreamResponse({
    messageMetadata: ({ part }) => {
      if (part.type !== 'finish-step') return undefined;
      const receipt = part.providerMetadata?.routekit as Receipt | undefined;
      return receipt && { model: receipt.winner, costUsd: receipt.cost_usd, cache: receipt.cache?.status ?? 'off' };
    },
  });
}
