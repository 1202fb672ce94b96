// What the semantic cache's slot guard buys against the failure users fear most: answering a
// slightly different question from the cache ("capital of Germany" for "of France", 2016 for 2015,
// "to Spanish" for "to French", "worst" for "best", an added "not"). Every QQP held-out question
// (both sides, deduplicated) yields at most one variant per kind by swapping ONE slot value,
// deterministically (choices come from a hash of the question, no Math.random). Each variant gets a
// fresh scope holding only the original; a hit on the variant is a wrong answer served. Counted at
// 0.90/0.95/0.99 with the guard on (default), off (`guard: false`), and cosine only without guard
// (`verify: false, guard: false`). A control looks up the same questions after rewrites that keep
// their meaning, so a guard that refuses everything would show up as a low control hit rate.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/cache-slot-swaps.ts [--all]  (--all: every variant still served at 0.95)
// Measured at 0.95 (5449 QQP variants, 15604 rewrites, ~7 s alone): wrong answers 0.0% guard on vs 15.0% guard off; control hits 98.9% vs 100%.
// Generated classes (3742 variants): 0.0% at 0.90/0.95/0.99 with the guard; 70.7% at 0.95 before it compared operators and roles.
// Before the guard counted negations and knew inflected polar words (boys, selling, love/hate…) it served 1.6%: 85 of 99 second negations.
import { createHashedEmbedder, type Embedder } from '../packages/core/src/cache/hashed-embedder.js';
import { createSemanticCache, type SemanticCache, type SemanticCacheOptions } from '../packages/core/src/cache/semantic-cache.js';
import { hashString } from '../packages/core/src/cache/text-features.js';
import { isHeldOut, readPairs } from '../scripts/cache-paraphrase-data.js';

interface Variant { kind: string; original: string; variant: string }

const SEED = 0x5107_5a95;
// A deterministic pick from `options` other than `current`, keyed on the question.
function pick(options: readonly string[], current: string, key: string): string {
  const others = options.filter((option) => option !== current);
  return others[hashString(key, SEED) % others.length]!;
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const matchCase = (replacement: string, original: string) =>
  original[0] === original[0]!.toUpperCase() && original[0] !== original[0]!.toLowerCase() ? replacement[0]!.toUpperCase() + replacement.slice(1) : replacement;

// (a) Numbers: the first number in the text; four-digit years 1900-2099 move by one, other numbers double or grow by one.
function swapNumber(question: string): Variant | null {
  const match = /(?<![\w.])\d[\d,]*(?:\.\d+)?/.exec(question);
  if (!match) return null;
  const value = Number(match[0].replace(/,/g, ''));
  if (!Number.isFinite(value)) return null;
  const isYear = /^\d{4}$/.test(match[0]) && value >= 1900 && value <= 2099;
  const replaced = isYear ? value + 1 : hashString(question, SEED) % 2 === 0 ? value * 2 : value + 1;
  const text = Number.isInteger(replaced) ? String(replaced) : replaced.toFixed(match[0].split('.')[1]?.length ?? 1);
  return { kind: isYear ? 'year' : 'number', original: question, variant: question.slice(0, match.index) + text + question.slice(match.index + match[0].length) };
}

const NUMBER_WORDS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twelve', 'twenty', 'hundred', 'thousand', 'million'];
function swapNumberWord(question: string): Variant | null {
  const match = new RegExp(`\\b(${NUMBER_WORDS.join('|')})\\b`, 'i').exec(question);
  if (!match) return null;
  const replacement = matchCase(pick(NUMBER_WORDS, match[1]!.toLowerCase(), question), match[1]!);
  return { kind: 'number word', original: question, variant: question.slice(0, match.index) + replacement + question.slice(match.index + match[0].length) };
}

// (b) Names, matched case-sensitively as written with a capital ("turkey" the bird stays).
const NAME_LISTS: Record<string, readonly string[]> = {
  country: ['France', 'Germany', 'Spain', 'Italy', 'Portugal', 'Russia', 'China', 'Japan', 'India', 'Pakistan', 'Bangladesh', 'Canada', 'Mexico', 'Brazil', 'Argentina', 'Australia', 'Egypt', 'Nigeria', 'Kenya', 'Turkey', 'Iran', 'Iraq', 'Israel', 'Greece', 'Sweden', 'Norway', 'Denmark', 'Finland', 'Poland', 'Ukraine', 'Netherlands', 'Belgium', 'Switzerland', 'Austria', 'Ireland', 'Singapore', 'Malaysia', 'Indonesia', 'Thailand', 'Vietnam', 'Korea', 'Philippines', 'America', 'USA', 'UK', 'England', 'Scotland'],
  city: ['London', 'Paris', 'Berlin', 'Tokyo', 'Delhi', 'Mumbai', 'Bangalore', 'Chennai', 'Hyderabad', 'Pune', 'Kolkata', 'Beijing', 'Shanghai', 'Sydney', 'Toronto', 'Chicago', 'Boston', 'Seattle', 'Dubai', 'Moscow', 'Madrid', 'Rome', 'New York', 'San Francisco'],
  person: ['Trump', 'Clinton', 'Obama', 'Modi', 'Hillary', 'Putin', 'Gandhi', 'Kejriwal', 'Musk', 'Gates', 'Zuckerberg', 'Einstein', 'Newton', 'Shakespeare', 'Hitler', 'Lincoln', 'Rahul', 'Sanders', 'Messi', 'Ronaldo'],
  company: ['Google', 'Apple', 'Microsoft', 'Amazon', 'Facebook', 'Samsung', 'Netflix', 'Uber', 'Twitter', 'Quora', 'Tesla', 'Intel', 'IBM', 'Infosys', 'Flipkart', 'Snapchat', 'Instagram', 'WhatsApp', 'iPhone', 'Android', 'Windows', 'Linux'],
  'programming language': ['Python', 'Java', 'JavaScript', 'PHP', 'Ruby', 'Swift', 'Kotlin', 'Scala', 'Perl', 'Haskell', 'MATLAB', 'Golang'],
};
function swapName(question: string, kind: string, names: readonly string[]): Variant | null {
  const longestFirst = [...names].sort((left, right) => right.length - left.length);
  const match = new RegExp(`\\b(${longestFirst.map(escapeRegExp).join('|')})\\b`).exec(question);
  if (!match) return null;
  const variant = question.slice(0, match.index) + pick(names, match[1]!, question) + question.slice(match.index + match[0].length);
  return { kind, original: question, variant };
}

// (c) Human languages after "to/in/into/from".
const LANGUAGES = ['English', 'Spanish', 'French', 'German', 'Italian', 'Portuguese', 'Chinese', 'Mandarin', 'Japanese', 'Korean', 'Russian', 'Arabic', 'Hindi', 'Dutch', 'Swedish', 'Polish', 'Turkish', 'Greek', 'Hebrew', 'Latin', 'Bengali', 'Urdu', 'Tamil', 'Telugu', 'Marathi', 'Punjabi', 'Kannada', 'Malayalam', 'Gujarati', 'Vietnamese', 'Thai', 'Persian'];
function swapLanguage(question: string): Variant | null {
  const match = new RegExp(`\\b(to|in|into|from) (${LANGUAGES.join('|')})\\b`).exec(question);
  if (!match) return null;
  const variant = question.slice(0, match.index) + `${match[1]} ${pick(LANGUAGES, match[2]!, question)}` + question.slice(match.index + match[0].length);
  return { kind: 'language', original: question, variant };
}

// (d) Polar words: the first one in the text flips to its opposite.
const POLAR_PAIRS: readonly (readonly [string, string])[] = [
  ['best', 'worst'], ['better', 'worse'], ['good', 'bad'], ['more', 'less'], ['most expensive', 'cheapest'], ['most', 'least'],
  ['before', 'after'], ['buy', 'sell'], ['buying', 'selling'], ['increase', 'decrease'], ['cheap', 'expensive'],
  ['advantages', 'disadvantages'], ['pros', 'cons'], ['largest', 'smallest'], ['highest', 'lowest'], ['high', 'low'],
  ['fastest', 'slowest'], ['easiest', 'hardest'], ['easy', 'difficult'], ['positive', 'negative'], ['legal', 'illegal'],
  ['rich', 'poor'], ['richest', 'poorest'], ['win', 'lose'], ['love', 'hate'], ['happy', 'sad'], ['strong', 'weak'],
  ['safe', 'dangerous'], ['import', 'export'], ['start', 'stop'], ['true', 'false'], ['male', 'female'], ['men', 'women'],
  ['boys', 'girls'], ['above', 'below'], ['first', 'last'], ['north', 'south'], ['east', 'west'], ['always', 'never'],
  ['success', 'failure'], ['accept', 'reject'], ['oldest', 'youngest'],
];
// One-way flips whose reverse would be ambiguous ("smallest" back to "largest" or "biggest").
const POLAR_ONE_WAY: readonly (readonly [string, string])[] = [['biggest', 'smallest'], ['gain', 'lose'], ['reduce', 'increase']];
const POLAR = new Map<string, string>([...POLAR_PAIRS.flatMap(([left, right]) => [[left, right], [right, left]] as [string, string][]), ...POLAR_ONE_WAY]);
const POLAR_PATTERN = new RegExp(`\\b(${[...POLAR.keys()].sort((left, right) => right.length - left.length).map(escapeRegExp).join('|')})\\b`, 'i');
function swapPolar(question: string): Variant | null {
  const match = POLAR_PATTERN.exec(question);
  if (!match) return null;
  const replacement = matchCase(POLAR.get(match[1]!.toLowerCase())!, match[1]!);
  return { kind: 'polar word', original: question, variant: question.slice(0, match.index) + replacement + question.slice(match.index + match[0].length) };
}

// (e) Negation, only in the simple shapes: "Why do" -> "Why don't", "Can I" -> "Can't I" or
// "Can I not", "Is it possible" -> "Is it not possible", "Is Python a…" -> "Is Python not a…".
const NEGATED_AUXILIARY: Record<string, string> = {
  do: "don't", does: "doesn't", did: "didn't", is: "isn't", are: "aren't", was: "wasn't", were: "weren't", can: "can't",
  could: "couldn't", should: "shouldn't", would: "wouldn't", will: "won't", have: "haven't", has: "hasn't",
};
const PRONOUNS = 'I|we|you|he|she|they|it|one|there|this|that|people';
const PREDICATES = new Set(['a', 'an', 'the', 'good', 'bad', 'safe', 'possible', 'worth', 'true', 'better', 'real', 'legal', 'healthy', 'really', 'necessary', 'right', 'wrong', 'harmful', 'ok', 'okay', 'normal', 'allowed', 'able', 'enough', 'required', 'important', 'useful', 'bad']);
const ALREADY_NEGATIVE = /\b(not|no|never|none|nothing|nobody|neither|nor|without|cannot)\b|n['’]t\b/i;
function negate(question: string): Variant | null {
  // A question that already says "not" is kept apart: adding a second negation is where a yes/no flag can miss.
  const kind = ALREADY_NEGATIVE.test(question) ? 'negation, already negative' : 'negation';
  const keyed = (variant: string) => ({ kind, original: question, variant });
  const why = /^(Why) (do|does|did|is|are|was|were|can|should|would|will) /i.exec(question);
  if (why) return keyed(`${why[1]} ${NEGATED_AUXILIARY[why[2]!.toLowerCase()]} ${question.slice(why[0].length)}`);
  const auxiliary = new RegExp(`^(Do|Does|Did|Is|Are|Was|Were|Can|Could|Should|Would|Will|Have|Has) (${PRONOUNS}) `).exec(question);
  if (auxiliary) {
    const contracted = hashString(question, SEED) % 2 === 0;
    const rest = question.slice(auxiliary[0].length);
    return keyed(contracted ? `${matchCase(NEGATED_AUXILIARY[auxiliary[1]!.toLowerCase()]!, auxiliary[1]!)} ${auxiliary[2]} ${rest}` : `${auxiliary[1]} ${auxiliary[2]} not ${rest}`);
  }
  // "Is/Are <subject of one to three words> <predicate>": insert "not" before the predicate.
  const copula = /^(Is|Are|Was|Were) /.exec(question);
  if (copula) {
    const words = question.slice(copula[0].length).split(' ');
    for (let index = 1; index <= 3 && index < words.length; index += 1) {
      if (PREDICATES.has(words[index]!.toLowerCase())) return keyed(`${copula[0]}${[...words.slice(0, index), 'not', ...words.slice(index)].join(' ')}`);
    }
  }
  const what = /^(What|Which) (should|can|must) (I|we|you) /.exec(question);
  if (what) return keyed(`${what[0]}not ${question.slice(what[0].length)}`);
  return null;
}

// The control: rewrites that keep the meaning.
const CONTROL_REWRITES: Record<string, (question: string) => string> = {
  "what is -> what's": (question) => question.replace(/\b(W|w)hat is\b/, "$1hat's"),
  "what's -> what is": (question) => question.replace(/\b(W|w)hat's\b/, '$1hat is'),
  'how do i -> how can i': (question) => question.replace(/\b(H|h)ow do I\b/, '$1ow can I'),
  'how can i -> how do i': (question) => question.replace(/\b(H|h)ow can I\b/, '$1ow do I'),
  lowercase: (question) => question.toLowerCase(),
  'drop trailing ?': (question) => question.replace(/\?+\s*$/, ''),
};

// (f) and (g): generated prompts, not QQP. A small seeded generator (no Math.random) builds maths
// and code prompts and swaps ONE operator ("x^2 + 2x + 1" / "x^2 - 2x + 1", "a < b" / "a > b",
// "i++" / "i--"), and A-relation-B prompts and swaps the two arguments ("convert benzene into
// toluene" / "toluene into benzene", "from the airport to the station" / the reverse). Each
// generated prompt also gets meaning-preserving rewords for the control, and symmetric relations
// ("difference between A and B", "A vs B") get their reorder as a control too (they ask the same).
function generator(seed: number): (count: number) => number {
  let state = seed >>> 0 || 1;
  return (count) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % count;
  };
}
const GENERATED = 1500;
const choose = <T,>(random: (count: number) => number, items: readonly T[]): T => items[random(items.length)]!;

const OPERATOR_FLIPS = new Map<string, string>([['+', '-'], ['-', '+'], ['*', '/'], ['/', '*'], ['<', '>'], ['>', '<'], ['<=', '>='], ['>=', '<='], ['==', '!='], ['!=', '=='], ['++', '--'], ['--', '++'], ['+=', '-='], ['-=', '+='], ['&&', '||'], ['||', '&&'], ['<<', '>>'], ['>>', '<<'], ['^', '*'], ['&', '|'], ['|', '&']]);
const VARIABLES = ['x', 'y', 'z', 'a', 'b', 'n', 't'];
const IDENTIFIERS = ['i', 'j', 'count', 'total', 'index', 'left', 'right', 'value', 'flags', 'mask', 'n'];
const LANGUAGES_FOR_CODE = ['C', 'C++', 'Java', 'JavaScript', 'Python', 'Rust', 'Go'];

/** A random polynomial-like expression, with its operator positions. */
function expression(random: (count: number) => number): string {
  const variable = choose(random, VARIABLES);
  const terms = 2 + random(3);
  let text = `${variable}^${2 + random(3)}`;
  for (let term = 1; term < terms; term += 1) {
    const coefficient = 1 + random(9);
    const power = terms - term - 1;
    const body = power === 0 ? `${coefficient}` : power === 1 ? `${coefficient}${variable}` : `${coefficient}${variable}^${power}`;
    text += ` ${choose(random, ['+', '-', '+', '-', '*', '/'])} ${body}`;
  }
  return text;
}

const MATH_TEMPLATES = ['Simplify {e}', 'Factor {e}', 'Solve {e} = 0', 'What is the derivative of {e}?', 'Integrate {e} dx', 'Find the roots of {e}', 'Expand ({e})^2', 'Is {v} {c} {w} when {v} = {w} + 1?', 'Prove that {v} {c} {w} implies {v}^2 {c} {w}^2 for positive numbers'];
const CODE_TEMPLATES = [
  'What does {i}++ do in {l}?', 'Why does {i}-- behave differently from --{i} in {l}?', 'What is the output of for ({i} = 0; {i} < n; {i}++) in {l}?',
  'Explain {i} += {j} in {l}', 'Is {i} == {j} the same as {j} == {i} in {l}?', 'What does {i} && {j} return in {l}?', 'What does {i} << 2 mean in {l}?',
  'Why is {i} & {j} zero in {l}?', 'When is {i} <= {j} true in {l}?', 'What does while ({i} != {j}) {i}++; do in {l}?',
];

/** The operator tokens of a prompt with where they are, so one can be flipped. */
function operatorSpans(text: string): Array<{ index: number; operator: string }> {
  const spans: Array<{ index: number; operator: string }> = [];
  for (const match of text.matchAll(/\+\+|--|\+=|-=|<=|>=|==|!=|&&|\|\||<<|>>|[-+*/<>^&|]/g)) {
    // A hyphen inside a word is not an operator.
    if (match[0] === '-' && /[A-Za-z]/.test(text[match.index - 1] ?? '') && /[A-Za-z]/.test(text[match.index + 1] ?? '')) continue;
    if (OPERATOR_FLIPS.has(match[0])) spans.push({ index: match.index, operator: match[0] });
  }
  return spans;
}

function operatorVariant(kind: string, original: string, random: (count: number) => number): Variant | null {
  const spans = operatorSpans(original);
  if (spans.length === 0) return null;
  const span = choose(random, spans);
  const variant = original.slice(0, span.index) + OPERATOR_FLIPS.get(span.operator)! + original.slice(span.index + span.operator.length);
  return { kind, original, variant };
}

function fillCode(template: string, random: (count: number) => number): string {
  const first = choose(random, IDENTIFIERS);
  const second = choose(random, IDENTIFIERS.filter((name) => name !== first));
  return template.replaceAll('{i}', first).replaceAll('{j}', second).replaceAll('{l}', choose(random, LANGUAGES_FOR_CODE));
}

function fillMath(template: string, random: (count: number) => number): string {
  const left = choose(random, VARIABLES);
  const right = choose(random, VARIABLES.filter((name) => name !== left));
  return template.replaceAll('{e}', expression(random)).replaceAll('{v}', left).replaceAll('{w}', right).replaceAll('{c}', choose(random, ['<', '>', '<=', '>=']));
}

// Lower-case arguments on purpose: capitalised ones are names, whose order the guard already checks.
const ARGUMENTS: Record<string, readonly string[]> = {
  chemical: ['benzene', 'toluene', 'phenol', 'aniline', 'ethanol', 'methanol', 'acetone', 'glucose', 'ethylene', 'propane', 'nitrobenzene', 'cyclohexane', 'ammonia', 'urea'],
  unit: ['celsius', 'fahrenheit', 'kelvin', 'miles', 'kilometers', 'pounds', 'kilograms', 'inches', 'centimeters', 'feet', 'meters', 'ounces', 'grams', 'liters', 'gallons'],
  format: ['pdf', 'docx', 'jpeg', 'png', 'csv', 'json', 'xml', 'yaml', 'mp3', 'wav', 'markdown', 'html'],
  animal: ['cats', 'dogs', 'mice', 'snakes', 'frogs', 'hawks', 'wolves', 'sheep', 'foxes', 'rabbits', 'owls', 'spiders'],
  food: ['butter', 'margarine', 'honey', 'sugar', 'olive oil', 'flour', 'yogurt', 'cream', 'milk', 'eggs', 'cornstarch', 'baking soda'],
  metal: ['copper', 'iron', 'steel', 'aluminium', 'gold', 'silver', 'lead', 'zinc', 'titanium', 'tungsten'],
  place: ['airport', 'station', 'hotel', 'museum', 'harbour', 'university', 'stadium', 'hospital', 'city centre', 'beach'],
};
// Asymmetric relations: swapping A and B asks another question.
const ASYMMETRIC: ReadonlyArray<readonly [string, string]> = [
  ['chemical', 'How do you convert {A} into {B}?'], ['chemical', 'How can {A} be synthesized from {B}?'], ['chemical', 'What reagent turns {A} into {B}?'],
  ['unit', 'How do I convert {A} to {B}?'], ['unit', 'What is the formula to go from {A} to {B}?'], ['format', 'How do I convert a {A} file to {B}?'], ['format', 'What is the best tool to turn {A} into {B}?'],
  ['animal', 'Do {A} eat {B}?'], ['animal', 'Why do {A} chase {B}?'], ['animal', 'Can {A} kill {B}?'],
  ['food', 'Can I use {A} instead of {B} in a cake?'], ['food', 'How much {A} replaces one cup of {B}?'],
  ['metal', 'Why is {A} heavier than {B}?'], ['metal', 'Is {A} a better conductor than {B}?'], ['metal', 'Can {A} be plated onto {B}?'],
  ['place', 'How do I get from the {A} to the {B}?'], ['place', 'How long does it take to walk from the {A} to the {B}?'],
];
// Symmetric relations: the reorder asks the same question (a control, like the rewords).
const SYMMETRIC: ReadonlyArray<readonly [string, string]> = [
  ['chemical', 'What is the difference between {A} and {B}?'], ['metal', 'Which is cheaper, {A} or {B}?'], ['format', '{A} vs {B}: which should I use?'],
  ['animal', 'Can {A} and {B} live together?'], ['food', 'Is it safe to mix {A} and {B}?'],
];
const REWORDS: ReadonlyArray<(prompt: string) => string> = [
  (prompt) => prompt.toLowerCase(),
  (prompt) => prompt.replace(/\?$/, ''),
  (prompt) => `${prompt.replace(/\?$/, '')} please?`,
  (prompt) => prompt.replace(/^How do (I|you)\b/, 'How can $1').replace(/^What is\b/, "What's").replace(/^Why is\b/, 'Why is it that'),
];

function generated(): { variants: Variant[]; controls: Variant[] } {
  const random = generator(SEED);
  const variants: Variant[] = [];
  const controls: Variant[] = [];
  const reword = (kind: string, original: string) => {
    const rewrite = choose(random, REWORDS);
    controls.push({ kind, original, variant: rewrite(original) });
  };
  for (let index = 0; index < GENERATED; index += 1) {
    const math = fillMath(choose(random, MATH_TEMPLATES), random);
    const code = fillCode(choose(random, CODE_TEMPLATES), random);
    for (const [kind, prompt] of [['operator swap, maths', math], ['operator swap, code', code]] as const) {
      const variant = operatorVariant(kind, prompt, random);
      if (variant) variants.push(variant);
      reword(`${kind} (reworded)`, prompt);
    }
    const [category, template] = choose(random, ASYMMETRIC);
    const values = ARGUMENTS[category]!;
    const first = choose(random, values);
    const second = choose(random, values.filter((value) => value !== first));
    const fill = (a: string, b: string) => template.replaceAll('{A}', a).replaceAll('{B}', b);
    variants.push({ kind: 'argument order swap', original: fill(first, second), variant: fill(second, first) });
    reword('argument order (reworded)', fill(first, second));
    const [symmetricCategory, symmetricTemplate] = choose(random, SYMMETRIC);
    const symmetricValues = ARGUMENTS[symmetricCategory]!;
    const left = choose(random, symmetricValues);
    const right = choose(random, symmetricValues.filter((value) => value !== left));
    const fillSymmetric = (a: string, b: string) => symmetricTemplate.replaceAll('{A}', a).replaceAll('{B}', b);
    controls.push({ kind: 'symmetric relation reordered', original: fillSymmetric(left, right), variant: fillSymmetric(right, left) });
  }
  return { variants, controls };
}

const questions = [...new Set(readPairs('qqp.train.jsonl').filter(isHeldOut).flatMap((pair) => [pair.a.trim(), pair.b.trim()]))].filter((question) => question.length > 0);
const swaps: ((question: string) => Variant | null)[] = [
  swapNumber, swapNumberWord, ...Object.entries(NAME_LISTS).map(([kind, names]) => (question: string) => swapName(question, kind, names)), swapLanguage, swapPolar, negate,
];
const dedupe = (variants: Variant[]) => [...new Map(variants.filter((item) => item.variant !== item.original).map((item) => [`${item.kind}\n${item.original}\n${item.variant}`, item])).values()];
const synthetic = generated();
const variants = dedupe([...questions.flatMap((question) => swaps.map((swap) => swap(question)).filter((item): item is Variant => item !== null)), ...synthetic.variants]);
const controls = dedupe([...questions.flatMap((question) => Object.entries(CONTROL_REWRITES).map(([kind, rewrite]) => ({ kind, original: question, variant: rewrite(question) }))), ...synthetic.controls]);

// One embedder for all caches, remembering embeddings, so every text is embedded once across the nine configurations.
const base = createHashedEmbedder();
const remembered = new Map<string, ReturnType<Embedder['embed']>>();
const embedder: Embedder = {
  dimensions: base.dimensions,
  embed(text) {
    let embedding = remembered.get(text);
    if (!embedding) remembered.set(text, (embedding = base.embed(text)));
    return embedding;
  },
  similarity: (left, right) => base.similarity(left, right),
};

const THRESHOLDS = [0.9, 0.95, 0.99];
const MODES: Record<string, SemanticCacheOptions> = { 'guard on': {}, 'guard off': { guard: false }, 'cosine only': { verify: false, guard: false } };
interface Configuration { threshold: number; mode: string; cache: SemanticCache<number> }
const configurations: Configuration[] = THRESHOLDS.flatMap((threshold) =>
  Object.entries(MODES).map(([mode, options]) => ({ threshold, mode, cache: createSemanticCache<number>({ similarityThreshold: threshold, embedder, ...options }) })),
);

// QQP-derived and generated items are totalled apart, so the QQP figure stays comparable with earlier runs.
const GENERATED_KIND = /operator swap|argument order|symmetric relation/;
const totalOf = (item: Variant) => (GENERATED_KIND.test(item.kind) ? 'all generated' : 'all QQP');

interface Tally { total: number; hits: Map<Configuration, number>; rejections: Map<string, number> }
const REPORTED = configurations.find((configuration) => configuration.threshold === 0.95 && configuration.mode === 'guard on')!;
const guardedHits: Variant[] = [];
const controlRefusals: (Variant & { reason: string })[] = [];
function run(items: Variant[], onGuardedHit?: (item: Variant) => void, onGuardedRefusal?: (item: Variant, reason: string) => void): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  const tallyOf = (kind: string) => tallies.get(kind) ?? tallies.set(kind, { total: 0, hits: new Map(), rejections: new Map() }).get(kind)!;
  items.forEach((item, position) => {
    for (const kind of [item.kind, totalOf(item)]) tallyOf(kind).total += 1;
    for (const configuration of configurations) {
      // A fresh scope per item, holding only the original; removed again to keep memory flat.
      const handle = configuration.cache.store(`item-${position}`, item.original, position);
      const match = configuration.cache.lookup(`item-${position}`, item.variant);
      configuration.cache.remove(handle);
      for (const kind of [item.kind, totalOf(item)]) {
        const tally = tallyOf(kind);
        if (match?.hit) tally.hits.set(configuration, (tally.hits.get(configuration) ?? 0) + 1);
        if (configuration === REPORTED && match && !match.hit) tally.rejections.set(match.rejected, (tally.rejections.get(match.rejected) ?? 0) + 1);
      }
      if (configuration === REPORTED && match?.hit) onGuardedHit?.(item);
      if (configuration === REPORTED && match && !match.hit) onGuardedRefusal?.(item, match.rejected);
    }
  });
  return tallies;
}

function table(title: string, tallies: Map<string, Tally>): void {
  console.log(`\n${title}`);
  console.log(`| kind | n | ${THRESHOLDS.map((threshold) => Object.keys(MODES).map((mode) => `${threshold.toFixed(2)} ${mode}`).join(' | ')).join(' | ')} |`);
  console.log(`|---|---:|${configurations.map(() => '---:').join('|')}|`);
  const kinds = [...tallies.keys()].filter((kind) => !kind.startsWith('all ')).concat(['all QQP', 'all generated'].filter((kind) => tallies.has(kind)));
  for (const kind of kinds) {
    const tally = tallies.get(kind)!;
    const rates = configurations.map((configuration) => `${((100 * (tally.hits.get(configuration) ?? 0)) / tally.total).toFixed(1)}%`);
    console.log(`| ${kind} | ${tally.total} | ${rates.join(' | ')} |`);
  }
  console.log(`guard-on refusals at 0.95 by reason: ${kinds.map((kind) => `${kind}: ${[...tallies.get(kind)!.rejections].map(([reason, count]) => `${reason} ${count}`).join(', ') || '-'}`).join('; ')}`);
}

// Map.groupBy is ES2024; the repository compiles against ES2023.
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) (groups.get(key(item)) ?? groups.set(key(item), []).get(key(item))!).push(item);
  return groups;
}

const started = performance.now();
console.log(`${questions.length} held-out QQP questions and ${GENERATED} generated prompts per class; ${variants.length} slot-swapped variants, ${controls.length} meaning-preserving rewrites`);
table('False hits (variant answered with the original\'s answer; lower is better)', run(variants, (item) => guardedHits.push(item)));
table('Control hits (same question reworded; higher is better)', run(controls, undefined, (item, reason) => controlRefusals.push({ ...item, reason })));
console.log('Control rewrites the guard refused at 0.95 (examples):');
for (const item of [...groupBy(controlRefusals, (refusal) => refusal.reason).values()].flatMap((items) => items.slice(0, 3))) console.log(`  [${item.kind}, ${item.reason}] ${item.original}  =>  ${item.variant}`);

console.log(`\nVariants still served with the guard on at 0.95: ${guardedHits.length}; by kind: ${[...groupBy(guardedHits, (item) => item.kind)].map(([kind, items]) => `${kind} ${items.length}`).join(', ') || '-'}`);
// Spread the examples over kinds so one frequent kind does not hide the others.
// --all prints every one.
const examples = process.argv.includes('--all') ? guardedHits : [...groupBy(guardedHits, (item) => item.kind).values()].flatMap((items) => items.slice(0, 4)).slice(0, 12);
for (const item of examples) console.log(`  [${item.kind}] ${item.original}  =>  ${item.variant}`);
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
