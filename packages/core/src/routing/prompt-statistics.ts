import { countLineStartMatches } from './count-line-start-matches.js';

/** Prompt statistics appended after the hashed space, each scaled to about 0..1. */
export const statisticNames = [
  'bias', 'log-characters', 'log-words', 'digit-share', 'math-symbol-share', 'uppercase-share', 'log-lines',
  'log-question-marks', 'code-cues', 'latex-cues', 'log-numbers', 'mean-word-length', 'non-ascii-share', 'choice-lines', 'log-largest-number',
  'log-capitalised-words', 'log-sentences',
] as const;

const mathSymbols = '=+-*/^<>%∑∫√πθ';

// What each ASCII character is, as bits: one table lookup per character instead of a dozen comparisons.
const digit = 1, upper = 2, lower = 4, math = 8, sentencePunctuation = 16;
const asciiClasses = new Uint8Array(128);
for (let code = 48; code <= 57; code++) asciiClasses[code] = digit;
for (let code = 65; code <= 90; code++) asciiClasses[code] = upper;
for (let code = 97; code <= 122; code++) asciiClasses[code] = lower;
for (const symbol of mathSymbols) if (symbol.charCodeAt(0) < 128) asciiClasses[symbol.charCodeAt(0)]! |= math;
for (const symbol of '.!?') asciiClasses[symbol.charCodeAt(0)] = sentencePunctuation;

/** A lettered answer choice at a line's start ("A. …", "(b) …"), for `countLineStartMatches`. */
const choiceLine = /\s*\(?[A-Ha-h][.)]\s/y;

const codeCue = /```|\bdef |\bfunction\b|\breturn\b|[{};]\s*$/m;

/** Whether a prompt shows code (a fence, `def`, `function`, `return`, a line ending in a brace or semicolon): the `code-cues` statistic. */
export function hasCodeCue(text: string): boolean {
  return codeCue.test(text);
}

/** Prompt statistics in the order of `statisticNames`, each scaled to about 0..1. */
export function promptStatistics(text: string): number[] {
  const length = text.length;
  let digits = 0, mathCount = 0, upperCount = 0, lines = 1, questions = 0, nonAscii = 0, words = 0, wordCharacters = 0, numbers = 0, largest = 0;
  let inWord = false, inNumber = false, numberValue = 0, capitalised = 0, sentences = 0;
  for (let position = 0; position < length; position++) {
    const code = text.charCodeAt(position);
    // Lower-case letters and spaces are most of any prompt: each takes a short path with the same
    // effect as the general one below (a letter extends a word and ends a number, a space ends both).
    if (code >= 97 && code <= 122) {
      if (!inWord) {
        words++;
        inWord = true;
      }
      wordCharacters++;
      if (inNumber) {
        numbers++;
        if (numberValue > largest) largest = numberValue;
        inNumber = false;
      }
      continue;
    }
    if (code === 32) {
      inWord = false;
      if (inNumber) {
        numbers++;
        if (numberValue > largest) largest = numberValue;
        inNumber = false;
      }
      continue;
    }
    // Any character above ASCII counts as a letter (and as non-ASCII); a few are maths symbols.
    const classes = code < 128 ? asciiClasses[code]! : lower | (mathSymbols.includes(text[position]!) ? math : 0);
    if (code > 127) nonAscii++;
    if (classes & math) mathCount++;
    if (code === 10) lines++;
    else if (code === 63) questions++;
    if (classes & sentencePunctuation) {
      const next = position + 1 === length ? 32 : text.charCodeAt(position + 1);
      if (next === 32 || next === 10) sentences++;
    }
    if (classes & (digit | upper | lower)) {
      if (!inWord) {
        words++;
        // Names and other proper nouns: in word problems each one is another actor to keep track of.
        if (classes & upper) {
          const next = text.charCodeAt(position + 1);
          if (next >= 97 && next <= 122) capitalised++;
        }
      }
      inWord = true;
      wordCharacters++;
      if (classes & upper) upperCount++;
    } else inWord = false;
    if (classes & digit) {
      digits++;
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
  const code = hasCodeCue(text) ? 1 : 0;
  const latex = /\\frac|\\sqrt|\$[^$]+\$|\\\(|\\begin/.test(text) ? 1 : 0;
  const choices = countLineStartMatches(text, choiceLine) / 4;
  return [
    1,
    Math.log1p(length) / 10,
    Math.log1p(words) / 8,
    share(digits) * 5,
    share(mathCount) * 10,
    share(upperCount) * 5,
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

/**
 * Task statistics, appended after `statisticNames` when `PromptFeaturizerOptions.taskStatistics` is set.
 * Word-problem ones count what a solver has to keep track of (quantities, fractions, rates, time units,
 * actors, sequencing words); answer-choice ones describe the options of a multiple-choice question
 * (numeric, "none of the above", a NOT/EXCEPT stem, option length). Raw values: training standardises them.
 */
export const taskStatisticNames = [
  'numbers', 'log-largest-value', 'decimals', 'percentages', 'money', 'fractions', 'multipliers', 'sentences',
  'log-characters', 'rates', 'comparisons', 'time-units', 'distinct-names', 'sequencing',
  'numeric-choices', 'all-or-none-of-the-above', 'negation-cue', 'log-longest-choice', 'log-mean-choice-length', 'statement-pair',
  'log-question-stem', 'which-of-the-following', 'true-false-choices',
] as const;

const numberPattern = /\d+(?:[.,]\d+)*/g;
const sentenceEnd = /[.?!](?:\s|$)/g;
const percentWord = /percent/gi;
const fractionPattern = /\d+\/\d+/g;
const multiplierWords = /\b(?:half|twice|double|triple|third|quarter|fourth)\b/gi;
const rateWords = /\b(?:each|every|per)\b/gi;
const comparisonWords = /\b(?:more|less|fewer|than)\b/gi;
const timeWords = /\b(?:hour|minute|day|week|month|year)s?\b/gi;
const nameWords = /\b[A-Z][a-z]+/g;
const sequencingWords = /\b(?:if|after|before|then|remaining|left|rest)\b/gi;

/** Task statistics in the order of `taskStatisticNames`. */
export function taskStatistics(text: string): number[] {
  const numbers = text.match(numberPattern) ?? [];
  let largest = 0;
  let decimals = 0;
  for (const number of numbers) {
    largest = Math.max(largest, Number(number.replaceAll(',', '')) || 0);
    if (number.includes('.')) decimals++;
  }
  const count = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
  let percent = count(percentWord);
  let money = 0;
  for (let position = 0; position < text.length; position++) {
    const code = text.charCodeAt(position);
    if (code === 37) percent++;
    else if (code === 36) money++;
  }
  return [
    numbers.length, Math.log1p(largest), decimals, percent, money, count(fractionPattern), count(multiplierWords), count(sentenceEnd),
    Math.log1p(text.length), count(rateWords), count(comparisonWords), count(timeWords), new Set(text.match(nameWords) ?? []).size, count(sequencingWords),
    ...choiceStatistics(text),
  ];
}

const choiceLines = /^[ \t]*\(?[A-H][.)][ \t]+(.*)$/gm;

/** The answer-choice part of `taskStatistics` (all zero for a prompt without lettered options). */
function choiceStatistics(text: string): number[] {
  const choices = [...text.matchAll(choiceLines)].map((match) => match[1]!.trim());
  const lengths = choices.map((choice) => choice.length);
  const numeric = choices.filter((choice) => /^[-$]?\d[\d.,/%]*\s*\S{0,6}$/.test(choice)).length;
  const firstChoice = text.search(/^[ \t]*\(?A[.)]/m);
  const stem = firstChoice < 0 ? text : text.slice(0, firstChoice);
  return [
    numeric,
    /\b(?:all|none|both|neither) of the (?:above|following)\b/i.test(text) ? 1 : 0,
    /\b(?:NOT|EXCEPT|LEAST|FALSE)\b/.test(text) ? 1 : 0,
    lengths.length === 0 ? 0 : Math.log1p(Math.max(...lengths)),
    lengths.length === 0 ? 0 : Math.log1p(lengths.reduce((a, b) => a + b, 0) / lengths.length),
    /Statement 1/.test(text) ? 1 : 0,
    Math.log1p(stem.length),
    /\bwhich of the following\b/i.test(text) ? 1 : 0,
    choices.filter((choice) => /^(?:true|false|wrong|not wrong)\b/i.test(choice)).length,
  ];
}
