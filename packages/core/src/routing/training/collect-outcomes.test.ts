import { describe, expect, it } from 'vitest';
import { collectOutcomes, exactMatchGrade, judgeGrader } from './collect-outcomes.js';

describe('exactMatchGrade', () => {
  it('compares a numeric reference with the last number of the answer', () => {
    expect(exactMatchGrade('First 3 + 4 = 7, so the total is 1,250.', '1250')).toBe(1);
    expect(exactMatchGrade('The answer is 12.', '13')).toBe(0);
    expect(exactMatchGrade('no number here', '5')).toBe(0);
  });

  it('compares a choice letter with the first standalone letter of the answer', () => {
    expect(exactMatchGrade('B) wet palms', 'B')).toBe(1);
    expect(exactMatchGrade('(c)', 'C')).toBe(1);
    expect(exactMatchGrade('A', 'B')).toBe(0);
    expect(exactMatchGrade('a good pick is B', 'A')).toBe(0);
  });

  it('compares other text case- and punctuation-insensitively', () => {
    expect(exactMatchGrade('Paris!', 'paris')).toBe(1);
    expect(exactMatchGrade('Lyon', 'Paris')).toBe(0);
  });
});

describe('collectOutcomes', () => {
  it('asks every model about every prompt and grades the answers into training rows', async () => {
    const asked: string[] = [];
    const rows = await collectOutcomes(
      [{ id: 'a', prompt: 'What is 2 + 2?', ref_answer: 4 }, { prompt: 'Capital of France?', ref_answer: 'Paris' }],
      {
        models: ['big', 'small'],
        answer: async (model, prompt) => {
          asked.push(`${model}:${prompt}`);
          return model === 'big' ? (prompt.includes('2 + 2') ? 'It is 4.' : 'Paris') : 'I think 5.';
        },
        concurrency: 2,
      },
    );
    expect(asked).toHaveLength(4);
    expect(rows).toEqual([
      { id: 'a', prompt: 'What is 2 + 2?', scores: { big: 1, small: 0 } },
      { prompt: 'Capital of France?', scores: { big: 1, small: 0 } },
    ]);
  });

  it('grades with a judge model that replies 1 or 0, and refuses anything else', async () => {
    const grade = judgeGrader(async (prompt) => (prompt.includes('Candidate answer:\nyes') ? '1' : '0'));
    expect(await grade('yes', 'yes', 'q')).toBe(1);
    expect(await grade('no', 'yes', 'q')).toBe(0);
    await expect(judgeGrader(async () => 'maybe')('a', 'b', 'q')).rejects.toThrow(/did not reply 1 or 0/);
  });
});
