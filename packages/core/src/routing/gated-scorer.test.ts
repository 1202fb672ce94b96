import { describe, expect, it } from 'vitest';
import { ComplexityScorer } from './complexity-scorer.js';
import { GatedScorer } from './gated-scorer.js';
import { isExamStyle, isWordProblem } from './prompt-type.js';
import { shippedStrongWeakScorer } from './shipped-routers.js';

const multipleChoice = 'Which gas do plants absorb?\nA. Oxygen\nB. Carbon dioxide\nC. Nitrogen\nD. Helium\nAnswer:';
const wordProblem = 'Janet has 3 apples and buys 5 more. She gives half of them to Tom. How many apples does she have left?';
const chat = 'Write a short, friendly email inviting my team to a picnic on Friday.';

describe('prompt type', () => {
  it('tells exam-style prompts (answer choices, word problems) from open chat', () => {
    expect(isExamStyle(multipleChoice)).toBe(true);
    expect(isWordProblem(wordProblem)).toBe(true);
    expect(isExamStyle(chat)).toBe(false);
    expect(isWordProblem('Write a function that returns 2 + 3. What does it print?')).toBe(false);
    expect(isWordProblem('I have 2 cats.')).toBe(false);
  });
});

describe('GatedScorer', () => {
  it('answers with the exam scorer on exam-style prompts and with the chat scorer otherwise', () => {
    const exam = shippedStrongWeakScorer();
    const complexity = new ComplexityScorer();
    const gated = new GatedScorer({ name: 'default', exam, chat: complexity });
    expect(gated.strongWinProbability(multipleChoice)).toBe(exam.strongWinProbability(multipleChoice));
    expect(gated.strongWinProbability(wordProblem)).toBe(exam.strongWinProbability(wordProblem));
    expect(gated.strongWinProbability(chat)).toBe(complexity.strongWinProbability(chat));
    expect(gated.branch(chat)).toBe(complexity);
    expect(gated.defaultThreshold).toBe(exam.defaultThreshold);
  });

  it('builds an exam scorer given as a function only on the first exam-style prompt', () => {
    let built = 0;
    const complexity = new ComplexityScorer();
    const gated = new GatedScorer({ name: 'default', exam: () => (built++, shippedStrongWeakScorer()), chat: complexity });
    expect(gated.strongWinProbability(chat)).toBe(complexity.strongWinProbability(chat));
    expect(built).toBe(0);
    expect(gated.strongWinProbability(multipleChoice)).toBe(shippedStrongWeakScorer().strongWinProbability(multipleChoice));
    expect(gated.models).toEqual(shippedStrongWeakScorer().models);
    expect(built).toBe(1);
  });
});
