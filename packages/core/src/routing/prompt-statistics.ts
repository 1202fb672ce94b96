/** Prompt statistics appended after the hashed space, each scaled to about 0..1. */
export const statisticNames = [
  'bias', 'log-characters', 'log-words', 'digit-share', 'math-symbol-share', 'uppercase-share', 'log-lines',
  'log-question-marks', 'code-cues', 'latex-cues', 'log-numbers', 'mean-word-length', 'non-ascii-share', 'choice-lines', 'log-largest-number',
  'log-capitalised-words', 'log-sentences',
] as const;

const mathSymbols = new Set('=+-*/^<>%∑∫√πθ'.split('').map((character) => character.charCodeAt(0)));

/** Prompt statistics in the order of `statisticNames`, each scaled to about 0..1. */
export function promptStatistics(text: string): number[] {
  const length = text.length;
  let digits = 0, math = 0, upper = 0, lines = 1, questions = 0, nonAscii = 0, words = 0, wordCharacters = 0, numbers = 0, largest = 0;
  let inWord = false, inNumber = false, numberValue = 0, capitalised = 0, sentences = 0;
  for (let position = 0; position < length; position++) {
    const code = text.charCodeAt(position);
    const isDigit = code >= 48 && code <= 57;
    const isLetter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
    if (isDigit) digits++;
    if (code >= 65 && code <= 90) upper++;
    if (code > 127) nonAscii++;
    if (code === 10) lines++;
    if (code === 63) questions++;
    if (mathSymbols.has(code)) math++;
    if ((code === 46 || code === 33 || code === 63) && (position + 1 === length || text.charCodeAt(position + 1) === 32 || text.charCodeAt(position + 1) === 10)) sentences++;
    if (isDigit || isLetter) {
      if (!inWord) {
        words++;
        // Names and other proper nouns: in word problems each one is another actor to keep track of.
        if (code >= 65 && code <= 90) {
          const next = text.charCodeAt(position + 1);
          if (next >= 97 && next <= 122) capitalised++;
        }
      }
      inWord = true;
      wordCharacters++;
    } else inWord = false;
    if (isDigit) {
      numberValue = inNumber ? numberValue * 10 + (code - 48) : code - 48;
      inNumber = true;
    } else if (inNumber) {
      numbers++;
      if (numberValue > largest) largest = numberValue;
      inNumber = false;
    }
  }
  if (inNumber) {
    numbers++;
    if (numberValue > largest) largest = numberValue;
  }
  const share = (count: number) => (length === 0 ? 0 : count / length);
  const code = /```|\bdef |\bfunction\b|\breturn\b|[{};]\s*$/m.test(text) ? 1 : 0;
  const latex = /\\frac|\\sqrt|\$[^$]+\$|\\\(|\\begin/.test(text) ? 1 : 0;
  const choices = (text.match(/^\s*\(?[A-Ha-h][.)]\s/gm)?.length ?? 0) / 4;
  return [
    1,
    Math.log1p(length) / 10,
    Math.log1p(words) / 8,
    share(digits) * 5,
    share(math) * 10,
    share(upper) * 5,
    Math.log1p(lines) / 5,
    Math.log1p(questions) / 3,
    code,
    latex,
    Math.log1p(numbers) / 4,
    words === 0 ? 0 : wordCharacters / words / 10,
    share(nonAscii) * 5,
    Math.min(choices, 2),
    Math.log10(1 + largest) / 10,
    Math.log1p(capitalised) / 4,
    Math.log1p(sentences) / 4,
  ];
}
