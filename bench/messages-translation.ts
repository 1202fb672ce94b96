import { parseChatRequest, parseMessagesRequest, toAnthropicEvents, toAnthropicMessage, type ChatChunk, type ChatResponse } from '@routekit/core';

// `npm run bench -- messages`: what Anthropic's Messages API in front costs at the edge, beside the
// chat completions path, in one process: parsing and translating the request, translating the
// answer (JSON and a stream) and serialising it. Everything else on the request path (auth,
// routing, the upstream call, receipts) is the same code for both. CPU time from process.cpuUsage.
const requests = Number(process.env.BENCH_REQUESTS ?? 20_000);
const prompt = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
const response: ChatResponse = {
  id: 'chatcmpl-rk-bench',
  object: 'chat.completion',
  created: 0,
  model: 'openai/gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Mock answer from gpt-4.1-mini.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 500, completion_tokens: 6, total_tokens: 506 },
};
const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk => ({ id: 'chatcmpl-rk-bench', object: 'chat.completion.chunk', created: 0, model: 'openai/gpt-4.1-mini', choices: [{ index: 0, delta, finish_reason: finish }] });
const chunks = [chunk({ role: 'assistant', content: '' }), ...['Mock', ' answer', ' from', ' gpt-4.1-mini.'].map((content) => chunk({ content })), chunk({}, 'stop')];
async function* stream(): AsyncGenerator<ChatChunk> {
  yield* chunks;
}

async function measure(label: string, run: (index: number) => unknown): Promise<number> {
  for (let index = 0; index < 2_000; index++) await run(index);
  const cpu = process.cpuUsage();
  for (let index = 0; index < requests; index++) await run(index);
  const used = process.cpuUsage(cpu);
  const micros = (used.user + used.system) / requests;
  console.log(`| ${label} | ${micros.toFixed(1)} |`);
  return micros;
}

console.log(`\nEdge translation, ${requests} requests each, 2,000-character prompt (every body different):\n`);
console.log('| path | CPU µs per request |');
console.log('|---|---|');
const chat = await measure('chat completions: parse + validate, serialise the answer', (index) => {
  parseChatRequest(JSON.parse(JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `${prompt} (${index})` }] })));
  return JSON.stringify(response);
});
const messages = await measure('/v1/messages: parse + validate + translate, translate and serialise the answer', (index) => {
  parseMessagesRequest(JSON.parse(JSON.stringify({ model: 'openai/gpt-4.1-mini', max_tokens: 1024, messages: [{ role: 'user', content: `${prompt} (${index})` }] })));
  return JSON.stringify(toAnthropicMessage(response));
});
const chatStream = await measure('chat completions stream: serialise 6 chunks', () => chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`).join(''));
const messagesStream = await measure('/v1/messages stream: 6 chunks to Anthropic events, serialised', async () => {
  let text = '';
  for await (const event of toAnthropicEvents(stream())) text += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  return text;
});
console.log(`\n/v1/messages adds ${(messages - chat).toFixed(1)} µs CPU per JSON request and ${(messagesStream - chatStream).toFixed(1)} µs per stream at the edge.`);
