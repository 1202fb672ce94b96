import type { ChatRequest } from '@routekit/core';
import { startMockUpstream, type MockReply, type MockUpstream } from '@routekit/core/testing';

/**
 * The built-in mock upstream with answers that make the demo read well: the agent's tool gets a
 * real argument, a tool result is summarised, anything else gets the mock's usual answer.
 */
export function startDemoUpstream(): Promise<MockUpstream> {
  return startMockUpstream({ reply: demoReply });
}

function demoReply(request: ChatRequest): MockReply {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return `It is ${String(last.content)} in Paris today.`;
  const weather = request.tools?.find((tool) => tool.function.name === 'get_weather');
  if (weather !== undefined) return { tool_calls: [{ name: 'get_weather', arguments: JSON.stringify({ city: 'Paris' }) }] };
  return `Mock answer from ${request.model}.`;
}
