/**
 * Asks a model through an OpenAI-compatible `/chat/completions` endpoint (a provider, or `routekit serve`)
 * and returns the answer text. Errors carry the status, never the prompt.
 *
 * @example
 * const answer = openAiCompatibleAnswerer('http://localhost:8080/v1', process.env.ROUTEKIT_KEY);
 * await answer('openai/gpt-4.1-mini', 'What is 2 + 2?');
 */
export function openAiCompatibleAnswerer(baseUrl: string, apiKey?: string): (model: string, prompt: string) => Promise<string> {
  const url = `${baseUrl.replace(/\/$/, '')}/chat/completions`;
  return async (model, prompt) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` }) },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], temperature: 0 }),
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status} for model ${model}`);
    const body = (await response.json()) as { choices?: { message?: { content?: string | null } }[] };
    return body.choices?.[0]?.message?.content ?? '';
  };
}
