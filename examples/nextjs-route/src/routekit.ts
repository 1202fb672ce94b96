import { createOpenAI } from '@ai-sdk/openai';
import { createRoutekit } from '@routekit/ai-sdk';

// Real OpenAI when OPENAI_API_KEY is set (@ai-sdk/openai reads it, and OPENAI_BASE_URL, from the
// environment); routekit's mock upstream when `npm start` or a test put its URL in ROUTEKIT_MOCK_URL.
const mockUrl = process.env.ROUTEKIT_MOCK_URL;
const openai = createOpenAI(mockUrl ? { baseURL: mockUrl, apiKey: 'mock' } : {});

/** The app's one provider: `routekit('auto')` picks between these models per request. */
export const routekit = createRoutekit({
  models: {
    'openai/gpt-4.1': openai.chat('gpt-4.1'),
    'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini'),
  },
  pii: true,
  cache: true,
});
