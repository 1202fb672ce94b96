import { describe, expect, it } from 'vitest';
import { contentWords, orderInversions, paraphraseDictionary, sameContent, wordDifference } from './content-words.js';
import { promptWords, verifyParaphrase } from './paraphrase-verifier.js';

const none = paraphraseDictionary({ synonyms: [], droppable: [] });

describe('contentWords', () => {
  it('reads contractions, possessives and fixed phrases as the plain wording', () => {
    expect(contentWords("What's France's capital city?", 'strict')).toEqual(['what', 'capital', 'france']);
    expect(contentWords('What is the capital of France?', 'strict')).toEqual(['what', 'capital', 'france']);
  });

  it('drops pronouns and question auxiliaries only in the loose reading, and keeps names written in capitals', () => {
    expect(contentWords('How can I learn guitar?')).toEqual(contentWords('How do you learn the guitar?'));
    expect(contentWords('How can I learn guitar?', 'strict')).not.toEqual(contentWords('How do you learn the guitar?', 'strict'));
    expect(contentWords('What does a manager do?')).toContain('do');
    expect(contentWords('How did you get into NYU?')).toContain('did');
    expect(contentWords('What is IT?')).toEqual(['what', 'it']);
  });
});

describe('sameContent and orderInversions', () => {
  it('pairs dictionary synonyms and droppable words, up to the allowed number of edits', () => {
    const dictionary = paraphraseDictionary({ synonyms: [['earn', 'make']], droppable: ['quora'] });
    expect(sameContent(['how', 'make', 'money'], ['how', 'earn', 'money'], dictionary, 1)).toBe(true);
    expect(sameContent(['how', 'make', 'money'], ['how', 'earn', 'money'], none, 1)).toBe(false);
    expect(sameContent(['how', 'make', 'money', 'quora'], ['how', 'earn', 'money'], dictionary, 1)).toBe(false);
    expect(sameContent(['how', 'make', 'money', 'quora'], ['how', 'earn', 'money'], dictionary, 2)).toBe(true);
    expect(sameContent([], [], none, 0)).toBe(false);
  });

  it('counts swapped word pairs and multiset differences', () => {
    expect(orderInversions(['church', 'engage', 'millennial'], ['millennial', 'engage', 'church'])).toBe(3);
    expect(orderInversions(['what', 'france', 'capital'], ['what', 'capital', 'france'])).toBe(1);
    expect(wordDifference(['a', 'b', 'b'], ['b', 'c'])).toEqual([['a', 'b'], ['c']]);
  });
});

describe('verifyParaphrase', () => {
  const capital = promptWords('What is the capital of France?');
  it('accepts the same words well below the threshold, and nothing else there', () => {
    expect(verifyParaphrase(promptWords("What's France's capital city?"), capital, 0.61, 0.95)).toBe('same words');
    expect(verifyParaphrase(promptWords('What is the capital of Germany?'), capital, 0.9, 0.95)).toBeNull();
    expect(verifyParaphrase(promptWords("What's France's capital city?"), capital, 0.49, 0.95)).toBeNull();
    expect(verifyParaphrase(promptWords("What's France's capital city?"), capital, 0.53, 0.99)).toBeNull(); // a higher threshold raises the floor too
    expect(verifyParaphrase(promptWords('anything at all'), capital, 0.95, 0.95)).toBe('similarity');
  });
});
