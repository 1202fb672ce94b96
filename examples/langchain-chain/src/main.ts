import { startDemoUpstream } from './demo-upstream.js';
import { runExample } from './run-example.js';

// Real OpenAI when a key is set; otherwise the built-in mock upstream, so this runs on a fresh machine.
const apiKey = process.env.OPENAI_API_KEY;
const log = (line: string) => console.log(line);
if (apiKey !== undefined && apiKey !== '') {
  await runExample({ apiKey, ...(process.env.OPENAI_BASE_URL !== undefined && { baseUrl: process.env.OPENAI_BASE_URL }), log });
} else {
  console.warn('OPENAI_API_KEY is not set: demo mode, answers come from the built-in mock upstream.');
  const upstream = await startDemoUpstream();
  try {
    await runExample({ baseUrl: upstream.url, apiKey: 'demo', log });
  } finally {
    await upstream.close();
  }
}
