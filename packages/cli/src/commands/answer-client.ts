import { ProviderFailedError } from '@routekit/core';

/**
 * Asks a model through an OpenAI-compatible `/chat/completions` endpoint (a provider, or `routekit serve`)
 * and returns the answer text. Failures are ProviderFailedErrors that carry the status, never the prompt.
 *
 * @example
 * const answer = openAiCompatibleAnswerer('http://localhost:8080/v1', process.env.ROUTEKIT_KEY);
 * await answer('openai/gpt-4.1-mini', 'What is 2 + 2?');
 */
export function openAiCompatibleAnswerer(baseUrl: string, apiKey?: string): (model: string, prompt: string) => Promise<string> {
  const url = `${baseUrl.replace(/\/$/, '')}/chat/completions`;
  return async (model, prompt) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` }) },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], temperature: 0 }),
      });
    } catch (error) {
      throw new ProviderFailedError(`Could not reach ${url} for model ${model}.`, { provider: url, model, failure: 'connection', cause: error });
    }
    if (!response.ok) {
      throw new ProviderFailedError(`${url} answered ${response.status} for model ${model}.`, { provider: url, model, failure: response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'server_error' : 'client_error', upstreamStatus: response.status });
    }
    const body = (await response.json()) as { choices?: { message?: { content?: string | null } }[] };
    return body.choices?.[0]?.message?.content ?? '';
  };
}
