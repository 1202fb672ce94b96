// Routing decision latency: features + score + rank for a 2,000-character prompt, no network.
// Run: npx tsx bench/routing-decision.ts   Prints p50/p99 per strategy, CPU time per decision, and the
// ratio to a baseline measured in the same run (an explicit model, which scores nothing), so machines
// compare fairly.
import { ModelCatalog } from '../packages/core/src/catalog/model-catalog.js';
import type { ChatRequest } from '../packages/core/src/chat/chat-request.js';
import { Router } from '../packages/core/src/routing/router.js';

const base = 'A train leaves Boston at 3 pm travelling at 60 mph toward New York, 215 miles away. Another leaves New York at 4 pm at 75 mph. ';
const prompt = (index: number) => `${base.repeat(Math.ceil(2000 / base.length))}`.slice(0, 1990) + ` #${index}`.padStart(10, ' ');

export interface DecisionTiming { strategy: string; p50: number; p99: number; cpuMicros: number; ratio: number }

export function measureDecisions(iterations = 3000): DecisionTiming[] {
  const router = new Router({ catalog: new ModelCatalog({ providers: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'together'] }) });
  const strategies = ['openai/gpt-4.1-mini', 'auto', 'router-default-0.55', 'router-mf-0.11593', 'router-lr-0.6', 'router-complexity-0.5', 'router@q:1|c:0.3|t:0.1'];
  const results = strategies.map((strategy) => {
    const request = (index: number): ChatRequest => ({ model: strategy, messages: [{ role: 'user', content: prompt(index) }] });
    for (let index = 0; index < 300; index++) router.decide(request(index)); // warm up the JIT and the lazy weights
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (let index = 0; index < iterations; index++) {
      const input = request(index);
      const start = process.hrtime.bigint();
      router.decide(input);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    return { strategy, p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]!, cpuMicros: (used.user + used.system) / iterations };
  });
  const baseline = results[0]!.p99;
  return results.map((result) => ({ ...result, ratio: result.p99 / baseline }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`prompt length ${prompt(0).length} characters`);
  console.log('wall time per decision (p50, p99) and CPU time per decision (mean over the timed loop); ratio of p99 to an explicit model, same run');
  for (const { strategy, p50, p99, cpuMicros, ratio } of measureDecisions()) console.log(`${strategy.padEnd(26)} p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  CPU ${cpuMicros.toFixed(0)} µs  (${ratio.toFixed(1)}x explicit)`);
}
