import { createRoutedChat } from './create-routed-chat.js';
import { defaultQuestions, runConversation } from './run-conversation.js';

// `npm start -w examples/llamaindex-chat [-- "your question" ...]`: a LlamaIndex chat engine whose
// Settings.llm is a RoutedLLM. Without OPENAI_API_KEY it says so and runs against the mock upstream.
const chat = await createRoutedChat();
if (chat.demo !== undefined) {
  console.log('routekit: OPENAI_API_KEY is not set. DEMO MODE: both models are the built-in mock upstream; answers are canned.');
}
const questions = process.argv.slice(2);
try {
  const asked = questions.length > 0 ? questions : defaultQuestions;
  const write = (text: string) => process.stdout.write(text);
  await runConversation(chat, asked, write);
  // A new conversation that opens with the same question is answered from routekit's cache.
  write('\n--- a new conversation ---');
  await runConversation(chat, asked.slice(0, 1), write);
} finally {
  await chat.close();
}
