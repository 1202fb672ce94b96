// How far could a prompt-difficulty router get on RouterBench ARC-Challenge? Ranks prompts by their TRUE
// difficulty (the mean accuracy of the ten other models: leakage no real router has), sends the hardest
// share to GPT-4 and the rest to Yi-34B (the best cheap model), and prints accuracy and cost vs GPT-4.
// Run: npx tsx scripts/routing-arc-bound.ts
import { loadRows } from './routing-data.js';

const rows = loadRows('routerbench-arc-challenge');
const gpt4 = 'gpt-4-1106-preview';
const cheap = 'zero-one-ai/Yi-34B-Chat';
const models = Object.keys(rows[0]!.scores);
const difficulty = rows.map((row) => models.filter((model) => model !== gpt4).reduce((sum, model) => sum + row.scores[model]!, 0) / (models.length - 1));
const order = rows.map((_, index) => index).sort((a, b) => difficulty[a]! - difficulty[b]!);
const gpt4Cost = rows.reduce((sum, row) => sum + row.cost_usd![gpt4]!, 0);
const gpt4Accuracy = rows.reduce((sum, row) => sum + row.scores[gpt4]!, 0) / rows.length;
console.log(`GPT-4 alone: accuracy ${gpt4Accuracy.toFixed(3)}`);
for (const share of [0.05, 0.1, 0.15, 0.2, 0.3, 0.5]) {
  const strong = new Set(order.slice(0, Math.round(share * rows.length)));
  let accuracy = 0;
  let cost = 0;
  rows.forEach((row, index) => {
    const model = strong.has(index) ? gpt4 : cheap;
    accuracy += row.scores[model]! / rows.length;
    cost += row.cost_usd![model]!;
  });
  console.log(`hardest ${(share * 100).toFixed(0)}% to GPT-4: accuracy ${accuracy.toFixed(3)} at ${((cost / gpt4Cost) * 100).toFixed(1)}% of GPT-4's cost`);
}
