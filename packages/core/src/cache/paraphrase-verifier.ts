import { contentWords, emptyDictionary, learnedDictionary, orderInversions, sameContent, splitWords } from './content-words.js';
import { classifierCut, paraphraseProbability } from './pair-classifier.js';
import { describeWords, type PromptWords } from './pair-features.js';

export type { PromptWords } from './pair-features.js';

/** How a candidate was accepted: by cosine alone, by the word rules or by the pair classifier at a lower cosine. */
export type ParaphraseEvidence = 'similarity' | 'same words' | 'same content words' | 'classifier';

// Below the threshold, how far the cosine may fall when the verifier agrees, and the fewest loose
// content words a prompt needs for the looser check (short questions share words by chance).
// Chosen on the QQP training 70% (scripts/cache-verifier-experiment.ts) for precision >= 0.95.
export const STRICT_MARGIN = 0.45;
export const LOOSE_MARGIN = 0.15;
const LOOSE_MINIMUM_WORDS = 4;
// "France's capital" / "capital of France" is one swap; "church engages millennials" /
// "millennials engage the church" is three.
const STRICT_MAXIMUM_INVERSIONS = 1;
const LOOSE_MAXIMUM_INVERSIONS = 2;


/** The words the verifier needs of one prompt; computed once when the prompt is stored. */
export function promptWords(text: string): PromptWords {
  return describeWords(text, contentWords(text, 'strict'), contentWords(text));
}

/**
 * Whether a cached prompt asks what the new one asks, given the cosine of their features:
 * - cosine >= threshold: yes (the first stage alone, as before the verifier);
 * - cosine >= threshold - 0.45 and the same content words up to articles, the copula, "of",
 *   contractions, possessives and fixed phrases ("capital city"), in order but one swap: yes;
 * - cosine >= threshold - 0.15, at least 4 content words in the cached prompt, and the same content words after
 *   dropping pronouns, auxiliaries and fillers, with at most one substitution or drop from the
 *   dictionary learned on QQP (scripts/cache-learn-dictionary.ts), and at most two swaps: yes;
 * - cosine >= threshold - 0.45 and the pair classifier (pair-classifier.ts: trees over cosine,
 *   word overlap, unmatched word weight, question-word agreement…) gives at least the cut the
 *   threshold maps to: yes (`classifier: false` leaves this out, to train the classifier).
 * The slot guard is applied after this, in every case.
 */
export function verifyParaphrase(query: PromptWords, cached: PromptWords, similarity: number, threshold: number, classifier = true): ParaphraseEvidence | null {
  if (similarity >= threshold) return 'similarity';
  if (similarity >= threshold - STRICT_MARGIN) {
    const left = splitWords(query.strict);
    const right = splitWords(cached.strict);
    if (sameContent(left, right, emptyDictionary, 0) && orderInversions(left, right) <= STRICT_MAXIMUM_INVERSIONS) return 'same words';
  }
  if (similarity >= threshold - LOOSE_MARGIN) {
    const left = splitWords(query.loose);
    const right = splitWords(cached.loose);
    if (right.length >= LOOSE_MINIMUM_WORDS && sameContent(left, right, learnedDictionary, 1) && orderInversions(left, right) <= LOOSE_MAXIMUM_INVERSIONS) return 'same content words';
  }
  if (!classifier || similarity < threshold - STRICT_MARGIN) return null;
  // A cut of 1 (thresholds from 0.94, the default included) is the classifier turned off: skip its features.
  const cut = classifierCut(threshold);
  if (cut < 1 && paraphraseProbability(query, cached, similarity) >= cut) return 'classifier';
  return null;
}
