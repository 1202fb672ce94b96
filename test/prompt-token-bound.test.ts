import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { estimateTokens, profileRequest, promptTokenBound, textTokenBound } from '@routekit/core';
import { cl100k, generatedText, trueTokensOfMessages } from './truth-upstream.js';

const o200k = getEncoding('o200k_base');

// Character pools per script; the generator adds a separator every 3 to 18 characters.
const englishWords = 'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(' ');

/** English-like prose: real words in a deterministic order, a full stop every 12 words. */
function prose(words: number, seed: number): string {
  let state = seed;
  const picked: string[] = [];
  for (let index = 0; index < words; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    picked.push(englishWords[state % englishWords.length]! + (index % 12 === 11 ? '.' : ''));
  }
  return picked.join(' ');
}

const scripts: Array<{ name: string; pool: string; separators: string }> = [
  { name: 'random letters', pool: 'etaoinshrdlucmfwypvbgkjqxz', separators: ' ' },
  { name: 'code', pool: 'abcdefghijklmnopqrstuvwxyz_(){}[];=+-*/<>.,:"\'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', separators: ' \n\t' },
  { name: 'digits', pool: '0123456789', separators: ' ,.' },
  { name: 'Chinese', pool: '的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部', separators: '，。' },
  { name: 'Japanese', pool: 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコ日本語東京大阪', separators: '、。' },
  { name: 'Korean', pool: '가나다라마바사아자차카타파하한국어서울대학교사람시간', separators: ' ' },
  { name: 'Cyrillic', pool: 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя', separators: ' ' },
  { name: 'Arabic', pool: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي', separators: ' ' },
  { name: 'Hindi', pool: 'अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह्ािीुूेैोौं', separators: ' ' },
  { name: 'emoji', pool: '😀😂🥲😍🤔👍👎🙏🔥🎉🚀🌍🍕🐍🧠💡✅❌👩‍💻👨‍👩‍👧🏳️‍🌈', separators: ' ' },
];

describe('the prompt token bound against real tokenizers (cl100k, o200k), on generated text in several scripts', () => {
  it('is never below the true count, and reports how loose it is per script', () => {
    const rows: string[] = [];
    const samples = [0, 1, 2, 3, 4].map((sample) => prose(60 + sample * 40, sample + 1));
    const proseBytes = samples.reduce((sum, text) => sum + textTokenBound(text), 0);
    const proseTruth = samples.reduce((sum, text) => sum + Math.max(cl100k.encode(text).length, o200k.encode(text).length), 0);
    for (const text of samples) expect(textTokenBound(text)).toBeGreaterThanOrEqual(cl100k.encode(text).length);
    rows.push(`${'English prose'.padEnd(14)} bound/truth ${(proseBytes / proseTruth).toFixed(2)}; characters/4 estimate/truth ${(estimateTokens(samples.join('').length) / proseTruth).toFixed(2)}`);
    for (const [index, script] of scripts.entries()) {
      let worstRatio = Number.POSITIVE_INFINITY;
      let bytes = 0;
      let truth = 0;
      let characters = 0;
      let routingEstimate = 0;
      for (let sample = 0; sample < 5; sample++) {
        const text = generatedText(script.pool, 200 + sample * 150, index * 100 + sample + 1, script.separators);
        const bound = textTokenBound(text);
        const counts = [cl100k.encode(text).length, o200k.encode(text).length];
        for (const count of counts) {
          expect(bound).toBeGreaterThanOrEqual(count);
          worstRatio = Math.min(worstRatio, bound / count);
        }
        bytes += bound;
        truth += Math.max(...counts);
        characters += [...text].length;
        routingEstimate += profileRequest({ model: 'auto', messages: [{ role: 'user', content: text }] }).inputTokens - 1;
      }
      rows.push(`${script.name.padEnd(14)} bound/truth ${(bytes / truth).toFixed(2)} (tightest ${worstRatio.toFixed(2)}); characters/4 estimate/truth ${(estimateTokens(characters) / truth).toFixed(2)}; routing estimate/truth ${(routingEstimate / truth).toFixed(2)}`);
      // Routing's estimate is not a bound, but it must not read a non-Latin script at a fraction of its
      // tokens (ASCII keeps characters / 4, right for prose; these random ASCII strings are worst cases).
      if (/[^\x00-\x7f]/.test(script.pool)) expect(routingEstimate / truth).toBeGreaterThan(0.5);
    }
    console.info(`prompt token bound (UTF-8 bytes) vs the larger of cl100k and o200k:\n${rows.join('\n')}`);
  });

  it("keeps routing's estimate for ASCII text as it was, and sees a long Chinese prompt for what it is", () => {
    const english = prose(300, 3);
    expect(profileRequest({ model: 'auto', messages: [{ role: 'user', content: english }] }).inputTokens).toBe(estimateTokens(english.length + 4));
    // 100,000 Chinese characters are over 100,000 tokens: too long for a 32k or 128k window, which characters / 4 (25,001) missed.
    const chinese = generatedText(scripts.find((script) => script.name === 'Chinese')!.pool, 100_000, 5, '，。');
    expect(profileRequest({ model: 'auto', messages: [{ role: 'user', content: chinese }] }).inputTokens).toBeGreaterThan(100_000);
  });

  it('bounds whole chat requests, template overhead included', () => {
    for (const [index, script] of scripts.entries()) {
      const request = {
        model: 'auto',
        messages: [
          { role: 'system' as const, content: 'You answer briefly.' },
          { role: 'user' as const, content: generatedText(script.pool, 300, index + 7, script.separators) },
          { role: 'assistant' as const, content: generatedText(script.pool, 40, index + 8, script.separators) },
          { role: 'user' as const, content: 'ok' },
        ],
      };
      expect(promptTokenBound(request)).toBeGreaterThanOrEqual(trueTokensOfMessages(request));
    }
  });
});
