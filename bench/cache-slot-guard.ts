// What the slot guard costs on the request path for long prompts: extracting the slots of a
// 2,000-character prompt (once per lookup, and once per store) and comparing them with a cached
// prompt's (once per candidate that passed the threshold or the verifier). The prompts are real
// QQP questions joined up to 2,000 characters; each is compared with itself reworded (lower case,
// no "?") and with itself with two words swapped, the cases where every check runs to the end.
// Reports CPU time (process.cpuUsage) per operation beside wall-clock p50/p99.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/cache-slot-guard.ts
import { compareSlots, extractSlots } from '../packages/core/src/cache/slot-guard.js';
import { readPairs } from '../scripts/cache-paraphrase-data.js';

const CHARACTERS = 2000;
const PROMPTS = 400;
const ROUNDS = 5;
const questions = [...new Set(readPairs('qqp.train.jsonl').flatMap((pair) => [pair.a.trim(), pair.b.trim()]))].filter(Boolean);
const prompts = Array.from({ length: PROMPTS }, (_, index) => {
  let text = '';
  for (let at = index * 37; text.length < CHARACTERS; at += 1) text += `${questions[at % questions.length]} `;
  return text.slice(0, CHARACTERS);
});
const reworded = prompts.map((prompt) => prompt.toLowerCase().replace(/\?/g, ''));
const swapped = prompts.map((prompt) => {
  const words = prompt.split(' ');
  [words[10], words[20]] = [words[20]!, words[10]!];
  return words.join(' ');
});

function measure(name: string, operation: (index: number) => unknown): void {
  const wall: number[] = [];
  for (let index = 0; index < PROMPTS; index += 1) operation(index); // warm-up
  const cpuBefore = process.cpuUsage();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let index = 0; index < PROMPTS; index += 1) {
      const started = performance.now();
      operation(index);
      wall.push(performance.now() - started);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  wall.sort((left, right) => left - right);
  const microseconds = (milliseconds: number) => (milliseconds * 1000).toFixed(1);
  console.log(`${name.padEnd(46)} CPU ${((cpu.user + cpu.system) / wall.length).toFixed(1).padStart(6)} µs/op   wall p50 ${microseconds(wall[Math.floor(wall.length / 2)]!).padStart(6)} µs  p99 ${microseconds(wall[Math.floor(wall.length * 0.99)]!).padStart(6)} µs`);
}

const slots = prompts.map(extractSlots);
const rewordedSlots = reworded.map(extractSlots);
const swappedSlots = swapped.map(extractSlots);
console.log(`${PROMPTS} prompts of ${CHARACTERS} characters, ${ROUNDS} rounds`);
// A fresh string each time, so no tokenizer cache is hit.
measure('extractSlots (2,000 characters)', (index) => extractSlots(`${prompts[index]} `));
measure('compareSlots, same prompt reworded', (index) => compareSlots(slots[index]!, rewordedSlots[index]!));
measure('compareSlots, two words swapped', (index) => compareSlots(slots[index]!, swappedSlots[index]!));
