import { describe, expect, it } from 'vitest';
import { seededRandom } from './training/logistic-regression.js';
import { jsonTextTooDeep } from '../validation/json-depth.js';
import { scoredStatistics } from './complexity-scorer.js';
import { countLineStartMatches } from './count-line-start-matches.js';
import { groupedByFirstLetter } from './grouped-by-first-letter.js';
import { promptStatistics, statisticNames } from './prompt-statistics.js';

// The routing's text scans were rewritten for speed (issue #25); each must give what the plain
// version gives, on generated text that piles up the cases where they could differ.
function generator(seed: number): (pieces: readonly string[], most: number) => string {
  const random = seededRandom(seed);
  return (pieces, most) => Array.from({ length: Math.floor(random() * most) }, () => pieces[Math.floor(random() * pieces.length)]!).join('');
}

describe('countLineStartMatches', () => {
  it('counts what /^…/gm counts, also across \\r, U+2028, blank lines and a match ending in a newline', () => {
    const text = generator(5);
    const pieces = ['A', 'b', 'h', 'I', '.', ')', '(', ' ', '\t', '\n', '\r', '\u2028', '\u2029', '\u00a0', 'x', 'A. ', '(b) ', '\n\n', ' \n'];
    const patterns: Array<[RegExp, RegExp]> = [
      [/^\s*\(?[A-Ha-h][.)]\s/gm, /\s*\(?[A-Ha-h][.)]\s/y],
      [/^[ \t]*\(?[A-Ha-h][.)][ \t]/gm, /[ \t]*\(?[A-Ha-h][.)][ \t]/y],
    ];
    let matches = 0;
    for (let sample = 0; sample < 10_000; sample++) {
      const sampleText = text(pieces, 30);
      for (const [multiline, sticky] of patterns) {
        const expected = sampleText.match(multiline)?.length ?? 0;
        matches += expected;
        expect(countLineStartMatches(sampleText, sticky)).toBe(expected);
        expect(countLineStartMatches(sampleText, sticky, 2)).toBe(Math.min(expected, 2));
      }
    }
    expect(matches).toBeGreaterThan(5_000);
  });
});

describe('jsonTextTooDeep', () => {
  /** The character-by-character reading it replaced. */
  function reference(text: string, limit: number): boolean {
    let depth = 0;
    let inString = false;
    for (let index = 0; index < text.length; index += 1) {
      const character = text[index];
      if (inString) {
        if (character === '\\') index += 1;
        else if (character === '"') inString = false;
      } else if (character === '"') inString = true;
      else if (character === '{' || character === '[') {
        depth += 1;
        if (depth > limit) return true;
      } else if (character === '}' || character === ']') depth -= 1;
    }
    return false;
  }

  it('agrees with a character-by-character reading on escaped quotes, backslash runs and unterminated strings', () => {
    const text = generator(11);
    const pieces = ['"', '\\', '{', '}', '[', ']', 'a', ' ', ':', ',', '\\"', '\\\\'];
    let deep = 0;
    for (let sample = 0; sample < 10_000; sample++) {
      const sampleText = text(pieces, 40);
      for (const limit of [0, 1, 2, 3]) {
        const expected = reference(sampleText, limit);
        if (expected) deep += 1;
        expect(jsonTextTooDeep(sampleText, limit)).toBe(expected);
      }
    }
    expect(deep).toBeGreaterThan(5_000);
  });
});

describe('groupedByFirstLetter', () => {
  it('matches what the plain alternation matches, case-insensitively, between word boundaries', () => {
    const words = String.raw`step[- ]by[- ]step|prove|proof|derive|explain why|analy[sz]e|compare|evaluate|trade-?offs?|solve|compute|how many|how much|sum of|at least|at most|no more than|do not|don't|words|only`;
    const plain = new RegExp(String.raw`\b(?:${words})\b`, 'gi');
    const grouped = new RegExp(String.raw`\b(?:${groupedByFirstLetter(words)})\b`, 'gi');
    expect(groupedByFirstLetter('prove|solve|proof')).toBe('p(?:rove|roof)|s(?:olve)');
    const text = generator(3);
    const pieces = ['step', 'by', 'Step', 'prove', 'proof', 'PROOFS', 'derive', 'derivative', 'explain', 'why', 'analyse', 'compare', 'compute', 'trade', 'off', 'offs', 'how', 'many', 'much', 'sum', 'of', 'at', 'least', 'most', 'no', 'more', 'than', 'do', 'not', "don't", 'words', 'only', ' ', ' ', ' ', ' ', ' ', '-', '_', "'", '\n', '1', 'ſ'];
    let matches = 0;
    for (let sample = 0; sample < 10_000; sample++) {
      const sampleText = text(pieces, 14);
      const expected = sampleText.match(plain) ?? [];
      matches += expected.length;
      expect(sampleText.match(grouped) ?? []).toEqual(expected);
    }
    expect(matches).toBeGreaterThan(1_000);
  });
});

describe('scoredStatistics', () => {
  it('gives the complexity score the same four statistics as promptStatistics', () => {
    const text = generator(9);
    const pieces = ['a', 'b', 'Z', ' ', '\n', '\r', '\t', '0', '7', '42', '3.14', '中', 'é', '😀', '\u2028', '=', '+', '√', 'A. ', 'Hello'];
    const at = (name: (typeof statisticNames)[number]) => statisticNames.indexOf(name);
    for (let sample = 0; sample < 10_000; sample++) {
      const sampleText = text(pieces, 40);
      const statistics = promptStatistics(sampleText);
      expect(scoredStatistics(sampleText)).toEqual({
        logCharacters: statistics[at('log-characters')],
        nonAsciiShare: statistics[at('non-ascii-share')],
        logLines: statistics[at('log-lines')],
        logNumbers: statistics[at('log-numbers')],
      });
    }
  });
});
