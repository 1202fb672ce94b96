import type { Receipt } from '@routekit/core';
import { Settings, SimpleChatEngine } from 'llamaindex';
import { describeReceipt, type RoutedChat } from './create-routed-chat.js';

/** The questions the example asks when none are given on the command line. */
export const defaultQuestions = [
  'What is the capital of France?',
  'Prove that the square root of 2 is irrational, step by step.',
  'My email is jane.doe@example.com: write me a one-line greeting that mentions it.',
];

/**
 * A chat engine on `Settings.llm = RoutedLLM`: asks each question in one new conversation,
 * streams the answers to `write`, and returns the receipts.
 */
export async function runConversation(chat: RoutedChat, questions: readonly string[], write: (text: string) => void): Promise<Receipt[]> {
  Settings.llm = chat.llm;
  const engine = new SimpleChatEngine();
  const receipts: Receipt[] = [];
  for (const question of questions) {
    write(`\n> ${question}\n`);
    let receipt: Receipt | undefined;
    for await (const chunk of await engine.chat({ message: question, stream: true })) {
      write(chunk.delta);
      // The last chunk of a routed stream carries the finished receipt.
      receipt = (chunk.raw as { routekit?: Receipt } | null)?.routekit ?? receipt;
    }
    if (receipt !== undefined) {
      receipts.push(receipt);
      write(`\n${describeReceipt(receipt)}\n`);
    }
  }
  return receipts;
}
