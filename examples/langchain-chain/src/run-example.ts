import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import type { Receipt } from '@routekit/core';
import { RoutedChatModel } from '@routekit/langchain';
import { createAgent } from 'langchain';
import { z } from 'zod';

export interface RunExampleOptions {
  /** An OpenAI-compatible base URL (the mock upstream in demo mode); OpenAI's own when omitted. */
  baseUrl?: string;
  /** The provider key; the mock accepts any. */
  apiKey: string;
  /** Where the example prints what happened. */
  log: (line: string) => void;
}

export interface ExampleResult {
  chainAnswer: string;
  agentAnswer: string;
  /** The receipts of every routed call, in order. */
  receipts: Receipt[];
}

/**
 * A prompt | model | parser chain and a tool-calling agent, both on one RoutedChatModel that
 * chooses between gpt-4.1 and gpt-4.1-mini per call, with PII redaction and the answer cache on.
 */
export async function runExample(options: RunExampleOptions): Promise<ExampleResult> {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: options.apiKey, maxRetries: 1, ...(options.baseUrl !== undefined && { configuration: { baseURL: options.baseUrl } }) });
  const receipts: Receipt[] = [];
  const llm = new RoutedChatModel({
    models: { 'openai/gpt-4.1': chat('gpt-4.1'), 'openai/gpt-4.1-mini': chat('gpt-4.1-mini') },
    model: 'auto',
    pii: true,
    cache: true,
    receipts: { put: async (receipt) => void receipts.push(receipt), get: async (id) => receipts.find((receipt) => receipt.request_id === id) },
  });

  const prompt = ChatPromptTemplate.fromMessages([['system', 'Answer in one short sentence.'], ['human', '{question}']]);
  const chain = prompt.pipe(llm).pipe(new StringOutputParser());
  const chainAnswer = await chain.invoke({ question: 'What is the capital of France?' });
  options.log(`chain: ${chainAnswer}`);

  const getWeather = tool(async ({ city }) => (city.toLowerCase() === 'paris' ? 'sunny, 21 °C' : 'cloudy'), {
    name: 'get_weather',
    description: 'The current weather of a city.',
    schema: z.object({ city: z.string().describe('The city name') }),
  });
  const agent = createAgent({ model: llm, tools: [getWeather] });
  const state = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris right now?' }] });
  const agentAnswer = state.messages.at(-1)?.text ?? '';
  options.log(`agent: ${agentAnswer}`);

  for (const receipt of receipts) {
    options.log(`receipt ${receipt.request_id}: ${receipt.winner} (${receipt.strategy}: ${receipt.reason}); $${receipt.cost_usd} spent, $${receipt.savings_usd} saved`);
  }
  return { chainAnswer, agentAnswer, receipts };
}
