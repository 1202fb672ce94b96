// What the semantic cache's slot guard buys against the failure users fear most: answering a
// slightly different question from the cache ("capital of Germany" for "of France", 2016 for 2015,
// "to Spanish" for "to French", "worst" for "best", an added "not"). Every QQP held-out question
// (both sides, deduplicated) yields at most one variant per kind by swapping ONE slot value,
// deterministically (choices come from a hash of the question, no Math.random). Each variant gets a
// fresh scope holding only the original; a hit on the variant is a wrong answer served. Counted at
// 0.90/0.95/0.99 with the guard on (default), off (`guard: false`), and cosine only without guard
// (`verify: false, guard: false`). A control looks up the same questions after rewrites that keep
// their meaning, so a guard that refuses everything would show up as a low control hit rate.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/cache-slot-swaps.ts [--all] [--show KIND]  (--all: every variant still served at 0.95; --show: print the variants of the kinds matching KIND and stop)
// Measured at 0.95 (5449 QQP variants, 15604 rewrites, ~7 s alone): wrong answers 0.0% guard on vs 15.0% guard off; control hits 98.9% vs 100%.
// Generated classes (3742 variants): 0.0% at 0.90/0.95/0.99 with the guard; 70.7% at 0.95 before it compared operators and roles.
// Phrase and connective classes (issue 20 item 19; 7325 variants from QQP questions and the generator): 60.3% / 53.7% / 52.0% served at 0.90/0.95/0.99 before the guard compared exchanged phrases and connectives, 0.0% after; every control unchanged.
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
// Multi-word phrases (issue 20 item 19), most sharing their head word: "a used electric car" / "a new petrol car".
const PHRASE_ARGUMENTS: Record<string, readonly string[]> = {
  vehicle: ['used electric car', 'new petrol car', 'old diesel van', 'second-hand hybrid car', 'small city car', 'large family car', 'cheap electric scooter'],
  account: ['savings account', 'checking account', 'current account', 'credit card', 'brokerage account', 'pension fund', 'joint account'],
  food: ['whole milk', 'skim milk', 'brown sugar', 'white sugar', 'olive oil', 'coconut oil', 'greek yogurt', 'sour cream', 'green tea', 'black coffee'],
  job: ['software engineering job', 'data science job', 'civil service job', 'teaching job', 'sales job', 'remote startup job'],
};
const PHRASE_ASYMMETRIC: ReadonlyArray<readonly [string, string]> = [
  ['vehicle', 'Is a {A} better than a {B}?'], ['vehicle', 'Why is a {A} cheaper to run than a {B}?'], ['vehicle', 'Should I trade my {A} for a {B}?'],
  ['account', 'How do I send money from my {A} to my {B}?'], ['account', 'Can I move my {A} into my {B}?'], ['account', 'How long does a transfer from a {A} to a {B} take?'],
  ['food', 'Can I use {A} instead of {B} in a cake?'], ['food', 'Is {A} healthier than {B}?'], ['food', 'How much {A} replaces one cup of {B}?'],
  ['job', 'Should I leave a {A} for a {B}?'], ['job', 'Is a {A} more stressful than a {B}?'], ['job', 'How do I switch from a {A} to a {B}?'],
];
// Connectives between the same words: "coffee with milk" / "coffee without milk", "tea and coffee" / "tea or coffee".
const CONNECTIVES = ['and', 'or', 'with', 'without', 'instead of', 'versus', 'rather than'];
const CONNECTIVE_TEMPLATES = ['Should I drink {A} {c} {B} in the morning?', 'Is {A} {c} {B} good for weight loss?', 'Can I bake a cake with {A} {c} {B}?', 'What should I buy: a {A} {c} a {B}?', 'Is it better to pay with a {A} {c} a {B}?'];
const CONNECTIVE_CATEGORY = ['food', 'food', 'food', 'vehicle', 'account'];

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
    // Multi-word phrases swapped, and one connective changed (issue 20 item 19).
    const [phraseCategory, phraseTemplate] = choose(random, PHRASE_ASYMMETRIC);
    const phrases = PHRASE_ARGUMENTS[phraseCategory]!;
    const firstPhrase = choose(random, phrases);
    const secondPhrase = choose(random, phrases.filter((value) => value !== firstPhrase));
    const fillPhrases = (a: string, b: string) => phraseTemplate.replaceAll('{A}', a).replaceAll('{B}', b);
    variants.push({ kind: 'generated phrase swap', original: fillPhrases(firstPhrase, secondPhrase), variant: fillPhrases(secondPhrase, firstPhrase) });
    reword('generated phrase swap (reworded)', fillPhrases(firstPhrase, secondPhrase));
    const templateIndex = random(CONNECTIVE_TEMPLATES.length);
    const connectiveValues = PHRASE_ARGUMENTS[CONNECTIVE_CATEGORY[templateIndex]!]!;
    const leftValue = choose(random, connectiveValues);
    const rightValue = choose(random, connectiveValues.filter((value) => value !== leftValue));
    const connective = choose(random, CONNECTIVES);
    const fillConnective = (word: string) => CONNECTIVE_TEMPLATES[templateIndex]!.replaceAll('{A}', leftValue).replaceAll('{B}', rightValue).replace('{c}', word);
    variants.push({ kind: 'generated connective change', original: fillConnective(connective), variant: fillConnective(choose(random, CONNECTIVES.filter((other) => other !== connective && !(connective === 'instead of' && other === 'rather than') && !(connective === 'rather than' && other === 'instead of')))) });
    reword('generated connective change (reworded)', fillConnective(connective));
    if (connective === 'instead of' || connective === 'rather than') controls.push({ kind: 'generated connective in other words', original: fillConnective(connective), variant: fillConnective(connective === 'instead of' ? 'rather than' : 'instead of') });
  }
  return { variants, controls };
}

// (h) Noun phrases swapped around an asymmetric relation, in real QQP questions (issue 20 item 19a):
// "Is a used electric car better than a new petrol car?", "How can I update my Android from Jelly
// Bean to KitKat?", "Does social media affect young people?". Only questions in the plain shapes
// below, so the swap is a well-formed question; at least one phrase is longer than one word (not
// counting "a", "the", "my"…: one-word swaps are the argument-order class above).
//   comparative:       <opener> A <comparative> than B      (opener: "Is", "Why are", "How is"…)
//   agent and patient: <opener> A <transitive verb> B
//   from … to:         … from A to B
//   conversion:        <convert, switch, migrate…> A to B
//   instead of:        <use, eat, buy…> A instead of B
//   preference:        <prefer, choose…> A over B
const PHRASE_BOUNDARIES = new Set(
  ('is are was were be been am do does did can could should would will shall may might must has have had ' +
    'what which who whom whose when where why how if because while whereas although though so that than ' +
    'in on at for of by with without about into onto from to over under as like and or but vs versus instead then between among ' +
    'i you we they he she it me us them him her this these those there not no').split(' '),
);
const DETERMINERS = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'some', 'any']);
// Common verbs and adverbs end a phrase too ("Does iOS really work better than Android?" has no phrase before "better").
const NOT_IN_PHRASES = new Set('really actually still just also even only always never become becomes find work works get gets make makes go live allow pass gain know think want take give mean means occur occurs occurred happen happens'.split(' '));
const PHRASE_WORD = /^\p{L}[\p{L}'’-]*$/u;
const isPhraseWord = (word: Word) => PHRASE_WORD.test(word.word) && !PHRASE_BOUNDARIES.has(word.lower) && !DETERMINERS.has(word.lower) && !NOT_IN_PHRASES.has(word.lower) && !/ly$/.test(word.lower);
const MAXIMUM_PHRASE_WORDS = 4;
const OPENER_AUXILIARIES = new Set(['is', 'are', 'was', 'were', 'do', 'does', 'did', 'can', 'could', 'will', 'would', 'should', 'might', 'may']);
const OPENER_QUESTION_WORDS = new Set(['why', 'how', 'when', 'where']);
const COMPARATIVE = /^(?:\p{L}{3,}er|better|worse)$/iu;
const TRANSITIVE_VERBS = new Set('affect affects cause causes kill kills beat beats eat eats replace replaces help helps hurt hurts influence influences prevent prevents attract attracts support supports defeat defeats damage damages reduce reduces improve improves protect protects destroy destroys trust trusts fear fears pay pays owe owes marry marries follow follows hate hates love loves'.split(' '));
const CONVERSION_VERBS = new Set('convert converting change changing switch switching migrate migrating upgrade upgrading translate translating transfer transferring move moving port porting'.split(' '));
const SUBSTITUTION_VERBS = new Set('use using used eat eating drink drinking buy buying take taking learn learning choose choosing pick add adding'.split(' '));
const PREFERENCE_VERBS = new Set('prefer prefers preferred choose chooses choosing chose pick picks select favour favor recommend'.split(' '));

interface Word { word: string; lower: string; start: number; end: number }
function wordsOf(question: string): Word[] {
  return [...question.matchAll(/[^\s,;:?!.()"]+/g)].map((match) => ({ word: match[0], lower: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length }));
}
const punctuationBetween = (question: string, left: Word, right: Word) => /[,;:?!.()"]/.test(question.slice(left.end, right.start));

/** Whether words [from, to) form a noun phrase: an optional determiner, then 1-4 words that are not function words. */
function isPhrase(question: string, words: readonly Word[], from: number, to: number): boolean {
  const start = from < to && DETERMINERS.has(words[from]!.lower) ? from + 1 : from;
  if (to - start < 1 || to - start > MAXIMUM_PHRASE_WORDS) return false;
  for (let at = start; at < to; at += 1) {
    if (!isPhraseWord(words[at]!)) return false;
    if (at > from && punctuationBetween(question, words[at - 1]!, words[at]!)) return false;
  }
  return true;
}
/** The end of the noun phrase starting at `from` that runs to a punctuation mark or a function word other than "of", "and", "or". */
function phraseEnd(question: string, words: readonly Word[], from: number): number | null {
  let to = from < words.length && DETERMINERS.has(words[from]!.lower) ? from + 1 : from;
  while (to < words.length && isPhraseWord(words[to]!) && !(to > from && punctuationBetween(question, words[to - 1]!, words[to]!))) to += 1;
  if (to < words.length && !punctuationBetween(question, words[to - 1] ?? words[to]!, words[to]!) && ['of', 'and', 'or'].includes(words[to]!.lower)) return null;
  return isPhrase(question, words, from, to) ? to : null;
}
/** Where the question's opener ("Is", "Why does", "How can") ends, or -1. */
function openerEnd(words: readonly Word[]): number {
  if (OPENER_AUXILIARIES.has(words[0]?.lower ?? '')) return 1;
  if (OPENER_QUESTION_WORDS.has(words[0]?.lower ?? '') && OPENER_AUXILIARIES.has(words[1]?.lower ?? '')) return 2;
  return -1;
}
const contentLength = (words: readonly Word[], from: number, to: number) => to - from - (DETERMINERS.has(words[from]!.lower) ? 1 : 0);

function swapPhrasesAroundRelation(question: string): Variant[] {
  const words = wordsOf(question);
  const variants: Variant[] = [];
  // Swaps words [a, b) with [c, d).
  const add = (kind: string, a: number, b: number, c: number | null, d: number | null) => {
    if (c === null || d === null || b > c || !isPhrase(question, words, a, b) || !isPhrase(question, words, c, d)) return;
    if (contentLength(words, a, b) < 2 && contentLength(words, c, d) < 2) return;
    const first = question.slice(words[a]!.start, words[b - 1]!.end);
    const second = question.slice(words[c]!.start, words[d - 1]!.end);
    if (first.toLowerCase() === second.toLowerCase()) return;
    variants.push({ kind, original: question, variant: question.slice(0, words[a]!.start) + second + question.slice(words[b - 1]!.end, words[c]!.start) + first + question.slice(words[d - 1]!.end) });
  };
  const opened = openerEnd(words);
  words.forEach(({ lower }, index) => {
    if (lower === 'than' && opened > 0) {
      const comparative = COMPARATIVE.test(words[index - 1]?.word ?? '') ? index - 1 : ['more', 'less'].includes(words[index - 2]?.lower ?? '') ? index - 2 : -1;
      if (comparative > opened) add('phrase swap: comparative', opened, comparative, index + 1, phraseEnd(question, words, index + 1));
    }
    if (TRANSITIVE_VERBS.has(lower) && opened > 0 && index > opened) add('phrase swap: agent and patient', opened, index, index + 1, phraseEnd(question, words, index + 1));
    if (lower === 'from') {
      const to = words.findIndex((other, at) => at > index + 1 && other.lower === 'to');
      if (to > 0) add('phrase swap: from … to', index + 1, to, to + 1, phraseEnd(question, words, to + 1));
    }
    if (CONVERSION_VERBS.has(lower)) {
      const to = words.findIndex((other, at) => at > index + 1 && other.lower === 'to');
      if (to > 0) add('phrase swap: conversion', index + 1, to, to + 1, phraseEnd(question, words, to + 1));
    }
    if (SUBSTITUTION_VERBS.has(lower)) {
      const instead = words.findIndex((other, at) => at > index + 1 && other.lower === 'instead' && words[at + 1]?.lower === 'of');
      if (instead > 0) add('phrase swap: instead of', index + 1, instead, instead + 2, phraseEnd(question, words, instead + 2));
    }
    if (PREFERENCE_VERBS.has(lower)) {
      const over = words.findIndex((other, at) => at > index + 1 && other.lower === 'over');
      if (over > 0) add('phrase swap: preference', index + 1, over, over + 1, phraseEnd(question, words, over + 1));
    }
  });
  return variants;
}

// (i) One connective changed between the same words (issue 20 item 19b): "coffee with milk" /
// "coffee without milk", "tea and coffee" / "tea or coffee", "A vs B" / "A with B", "honey instead
// of sugar" / "honey with sugar", "better than milk" / "better with milk". The first connective
// between two words of the question is changed.
const CONNECTIVE_CHANGES: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/\b(\p{L}+) and (?!not\b|\/)(\p{L}+)/u, 'and', 'or'],
  [/\b(\p{L}+) or (?!not\b)(\p{L}+)/u, 'or', 'and'],
  [/\b(\p{L}+) with (\p{L}+)/u, 'with', 'without'],
  [/\b(\p{L}+) without (\p{L}+)/u, 'without', 'with'],
  [/\b(\p{L}+) (?:vs\.?|versus) (\p{L}+)/u, 'versus', 'with'],
  [/\b(\p{L}+) instead of (\p{L}+)/u, 'instead of', 'with'],
  [/\b(?!rather\b)(\p{L}+) than (\p{L}+)/u, 'than', 'with'],
];
function changeConnectives(question: string): Variant[] {
  return CONNECTIVE_CHANGES.flatMap(([pattern, from, to]) => {
    const match = pattern.exec(question);
    if (!match) return [];
    const variant = `${question.slice(0, match.index)}${match[1]} ${to} ${match[2]}${question.slice(match.index + match[0].length)}`;
    return [{ kind: `connective: ${from} -> ${to}`, original: question, variant }];
  });
}

// Their control: the same connective in other words ("vs" / "versus", "instead of" / "rather than").
const CONNECTIVE_SYNONYMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bvs\.?(?= )/, 'versus'], [/\bversus\b/, 'vs'], [/\binstead of\b/, 'rather than'], [/\brather than\b/, 'instead of'], [/\bwithout any\b/, 'without'], [/\bas well as\b/, 'and'],
];
function rewordConnectives(question: string): Variant[] {
  return CONNECTIVE_SYNONYMS.flatMap(([pattern, replacement]) => (pattern.test(question) ? [{ kind: 'connective in other words', original: question, variant: question.replace(pattern, replacement) }] : []));
}

// The phrase and connective classes draw from both halves of QQP: the held-out half alone has few questions of these shapes.
const allQuestions = [...new Set(readPairs('qqp.train.jsonl').flatMap((pair) => [pair.a.trim(), pair.b.trim()]))].filter((question) => question.length > 0);
const questions = [...new Set(readPairs('qqp.train.jsonl').filter(isHeldOut).flatMap((pair) => [pair.a.trim(), pair.b.trim()]))].filter((question) => question.length > 0);
const swaps: ((question: string) => Variant | null)[] = [
  swapNumber, swapNumberWord, ...Object.entries(NAME_LISTS).map(([kind, names]) => (question: string) => swapName(question, kind, names)), swapLanguage, swapPolar, negate,
];
const dedupe = (variants: Variant[]) => [...new Map(variants.filter((item) => item.variant !== item.original).map((item) => [`${item.kind}\n${item.original}\n${item.variant}`, item])).values()];
const synthetic = generated();
const variants = dedupe([
  ...questions.flatMap((question) => swaps.map((swap) => swap(question)).filter((item): item is Variant => item !== null)),
  ...synthetic.variants,
  ...allQuestions.flatMap((question) => [...swapPhrasesAroundRelation(question), ...changeConnectives(question)]),
]);
const controls = dedupe([...questions.flatMap((question) => Object.entries(CONTROL_REWRITES).map(([kind, rewrite]) => ({ kind, original: question, variant: rewrite(question) }))), ...synthetic.controls, ...allQuestions.flatMap(rewordConnectives)]);

// --show PATTERN: print the variants and controls whose kind matches PATTERN, then stop (to read what a generator makes).
const shown = process.argv.indexOf('--show');
if (shown >= 0) {
  const pattern = new RegExp(process.argv[shown + 1] ?? '.');
  for (const item of [...variants, ...controls].filter((candidate) => pattern.test(candidate.kind))) console.log(`[${item.kind}] ${item.original}  =>  ${item.variant}`);
  process.exit(0);
}

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
// The phrase and connective classes (issue 20 item 19) are totalled apart too: they come from QQP questions, but were added later.
const GENERATED_KIND = /operator swap|argument order|symmetric relation/;
const PHRASE_OR_CONNECTIVE_KIND = /^phrase swap|^connective|^generated (phrase|connective)/;
const totalOf = (item: Variant) => (GENERATED_KIND.test(item.kind) ? 'all generated' : PHRASE_OR_CONNECTIVE_KIND.test(item.kind) ? 'all phrase and connective' : 'all QQP');

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
  const kinds = [...tallies.keys()].filter((kind) => !kind.startsWith('all ')).concat(['all QQP', 'all generated', 'all phrase and connective'].filter((kind) => tallies.has(kind)));
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
