import { InvalidRequestError } from '../errors.js';

/** A JSON Schema node: an object, or `true` / `false` (anything / nothing). */
type Schema = boolean | Record<string, unknown>;

export interface SchemaInstanceOptions {
  /**
   * Also fill in properties the schema does not require (down to `optionalDepth`). Default false:
   * only required properties, the least a valid answer needs (OpenAI's strict mode and zod objects
   * without `.optional()` require every property anyway).
   */
  optionalProperties?: boolean;
  /**
   * How deep optional properties and the one example item of an array are still filled in. Past it
   * only what the schema requires is generated, so recursive schemas (a tree through `$ref: '#'`)
   * end. Default 3.
   */
  optionalDepth?: number;
}

const MAX_DEPTH = 32;

/**
 * A deterministic value that is valid for a JSON Schema: what the mock upstream answers for
 * `response_format: json_schema` and for tool-call arguments, so structured output and tool loops
 * work against it. Covers objects (properties, required, additionalProperties), arrays (items,
 * prefixItems, minItems, maxItems, uniqueItems), enum and const, strings (minLength, maxLength,
 * common formats, simple patterns), numbers and integers (bounds, multipleOf), booleans, null,
 * type lists, anyOf, oneOf (a branch that exactly one alternative accepts), allOf, and local `$ref`
 * into `$defs` / `definitions` (including recursive ones).
 *
 * Strings say what they are (`"mock city"` for a property `city`), so a test reads well.
 *
 * @example
 * const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 2 } }, required: ['city'] };
 * schemaInstance(schema); // { city: 'mock city' }
 * schemaInstance(schema, { optionalProperties: true }); // { city: 'mock city', days: 2 }
 */
export function schemaInstance(schema: unknown, options: SchemaInstanceOptions = {}): unknown {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw new InvalidRequestError('A JSON schema must be an object or a boolean.', { code: 'invalid_schema', param: 'schema' });
  }
  const generator = new InstanceGenerator(schema as Schema, options.optionalDepth ?? 3, options.optionalProperties ?? false);
  return generator.generate(schema as Schema, { depth: 0, name: undefined, variant: 0 });
}

interface Place {
  /** How many objects and arrays deep the value sits. */
  depth: number;
  /** The property name the value is for, used in generated strings. */
  name: string | undefined;
  /** Tells apart sibling items of an array that must be unique. */
  variant: number;
}

class InstanceGenerator {
  readonly #root: Schema;
  readonly #optionalDepth: number;
  readonly #optionalProperties: boolean;

  constructor(root: Schema, optionalDepth: number, optionalProperties: boolean) {
    this.#root = root;
    this.#optionalDepth = optionalDepth;
    this.#optionalProperties = optionalProperties;
  }

  generate(schema: Schema, place: Place): unknown {
    if (place.depth > MAX_DEPTH) throw new InvalidRequestError('The JSON schema nests deeper than the mock generates (a $ref cycle with no way out?).', { code: 'invalid_schema', param: 'schema' });
    if (schema === true) return this.#string({}, place);
    if (schema === false) throw new InvalidRequestError('The JSON schema `false` accepts no value.', { code: 'invalid_schema', param: 'schema' });
    const node = this.#resolved(schema);
    if (node !== schema) return this.generate(node, place);
    if (Object.hasOwn(node, 'const')) return node.const;
    if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[place.variant % node.enum.length];
    if (Array.isArray(node.allOf)) return this.generate(mergeAll(node, node.allOf.map((part) => this.#resolved(part as Schema))), place);
    if (Array.isArray(node.oneOf)) return this.#oneOf(node, node.oneOf as Schema[], place);
    if (Array.isArray(node.anyOf)) return this.generate(this.#withBranch(node, this.#shallowestBranch(node.anyOf as Schema[], place), 'anyOf'), place);
    switch (typeOf(node)) {
      case 'object':
        return this.#object(node, place);
      case 'array':
        return this.#array(node, place);
      case 'string':
        return this.#string(node, place);
      case 'integer':
        return numberIn(node, true, place.variant);
      case 'number':
        return numberIn(node, false, place.variant);
      case 'boolean':
        return place.variant % 2 === 0;
      case 'null':
        return null;
      default:
        return this.#string(node, place);
    }
  }

  /** Follows `$ref` (local: `#`, `#/$defs/Name`, `#/definitions/Name`, any JSON pointer into the root). */
  #resolved(schema: Schema): Schema {
    let node = schema;
    for (let hops = 0; typeof node === 'object' && typeof node.$ref === 'string'; hops++) {
      if (hops > 64) throw new InvalidRequestError('The JSON schema has a $ref loop.', { code: 'invalid_schema', param: 'schema' });
      const target = pointer(this.#root, node.$ref);
      // Keywords beside $ref apply too (2019-09 and later): merge them in, $ref itself dropped.
      const { $ref: _ref, ...siblings } = node;
      node = Object.keys(siblings).length === 0 ? target : mergeAll(siblings, [target]);
    }
    return node;
  }

  #object(node: Record<string, unknown>, place: Place): Record<string, unknown> {
    const properties = isRecord(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === 'string') : []);
    const fillOptional = this.#optionalProperties && place.depth < this.#optionalDepth;
    // A null-prototype object: property names come from the schema (user input), and `__proto__`
    // must stay an ordinary key.
    const value: Record<string, unknown> = Object.create(null);
    for (const [name, property] of Object.entries(properties)) {
      if (!required.has(name) && !fillOptional) continue;
      value[name] = this.generate(property as Schema, { depth: place.depth + 1, name, variant: place.variant });
    }
    for (const name of required) {
      if (Object.hasOwn(value, name)) continue;
      // Required but not among the properties: additionalProperties says what it may be.
      value[name] = this.generate(isRecord(node.additionalProperties) ? node.additionalProperties : true, { depth: place.depth + 1, name, variant: place.variant });
    }
    const minimum = typeof node.minProperties === 'number' ? node.minProperties : 0;
    for (let index = 0; Object.keys(value).length < minimum && node.additionalProperties !== false; index++) {
      const name = `mock_property_${index}`;
      if (!Object.hasOwn(value, name)) value[name] = this.generate(isRecord(node.additionalProperties) ? node.additionalProperties : true, { depth: place.depth + 1, name, variant: index });
    }
    return { ...value };
  }

  #array(node: Record<string, unknown>, place: Place): unknown[] {
    const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Schema[]) : Array.isArray(node.items) ? (node.items as Schema[]) : [];
    const rest: Schema = isRecord(node.items) || typeof node.items === 'boolean' ? (node.items as Schema) : isRecord(node.additionalItems) ? node.additionalItems : true;
    const minimum = typeof node.minItems === 'number' ? node.minItems : 0;
    const maximum = typeof node.maxItems === 'number' ? node.maxItems : Number.POSITIVE_INFINITY;
    // One item shows the shape; more only when the schema asks for them.
    const wanted = Math.min(maximum, Math.max(minimum, place.depth < this.#optionalDepth ? Math.max(1, prefix.length) : prefix.length));
    const items: unknown[] = [];
    for (let index = 0; index < wanted; index++) {
      const itemSchema = index < prefix.length ? prefix[index]! : rest;
      if (itemSchema === false) break;
      items.push(this.generate(itemSchema, { depth: place.depth + 1, name: place.name === undefined ? 'item' : singular(place.name), variant: place.variant + index }));
    }
    return items;
  }

  #string(node: Record<string, unknown>, place: Place): string {
    const minimum = typeof node.minLength === 'number' ? node.minLength : 0;
    const maximum = typeof node.maxLength === 'number' ? node.maxLength : Number.POSITIVE_INFINITY;
    const formatted = typeof node.format === 'string' ? formattedString(node.format, place.variant) : undefined;
    let text = formatted ?? `mock ${place.name ?? 'text'}${place.variant > 0 ? ` ${place.variant + 1}` : ''}`;
    if (typeof node.pattern === 'string') text = stringMatching(node.pattern, text, minimum, maximum) ?? text;
    if (text.length < minimum) text = text.padEnd(minimum, 'x');
    if (text.length > maximum) text = text.slice(0, maximum);
    return text;
  }

  /** A value exactly one `oneOf` alternative accepts: the first branch whose instance no other branch takes. */
  #oneOf(node: Record<string, unknown>, branches: Schema[], place: Place): unknown {
    let fallback: unknown;
    for (const [index, branch] of branches.entries()) {
      const value = this.generate(this.#withBranch(node, branch, 'oneOf'), place);
      if (index === 0) fallback = value;
      const others = branches.filter((_, other) => other !== index);
      if (!others.some((other) => this.accepts(other, value))) return value;
    }
    return fallback;
  }

  /** The schema with one alternative of `keyword` merged in (and the keyword itself dropped). */
  #withBranch(node: Record<string, unknown>, branch: Schema, keyword: 'anyOf' | 'oneOf'): Schema {
    const { [keyword]: _alternatives, ...rest } = node;
    return mergeAll(rest, [this.#resolved(branch)]);
  }

  /** Past the optional depth, the alternative that ends soonest (a null or scalar over a $ref back up). */
  #shallowestBranch(branches: Schema[], place: Place): Schema {
    if (place.depth < this.#optionalDepth) return branches[0]!;
    return branches.find((branch) => typeof branch === 'object' && branch.$ref === undefined && typeOf(branch) !== 'object' && typeOf(branch) !== 'array') ?? branches[0]!;
  }

  /**
   * Whether `value` is valid for `schema`, on the keywords the generator produces values for; used to
   * pick a `oneOf` branch that exactly one alternative accepts.
   */
  accepts(schema: Schema, value: unknown, depth = 0): boolean {
    if (schema === true) return true;
    if (schema === false || depth > MAX_DEPTH) return false;
    const node = this.#resolved(schema);
    if (node !== schema) return this.accepts(node, value, depth + 1);
    if (Object.hasOwn(node, 'const') && JSON.stringify(node.const) !== JSON.stringify(value)) return false;
    if (Array.isArray(node.enum) && !node.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) return false;
    if (Array.isArray(node.allOf) && !node.allOf.every((part) => this.accepts(part as Schema, value, depth + 1))) return false;
    if (Array.isArray(node.anyOf) && !node.anyOf.some((part) => this.accepts(part as Schema, value, depth + 1))) return false;
    if (Array.isArray(node.oneOf) && node.oneOf.filter((part) => this.accepts(part as Schema, value, depth + 1)).length !== 1) return false;
    const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : undefined;
    if (types !== undefined && !types.some((type) => hasType(value, type))) return false;
    if (typeof value === 'string') {
      if (typeof node.minLength === 'number' && value.length < node.minLength) return false;
      if (typeof node.maxLength === 'number' && value.length > node.maxLength) return false;
      if (typeof node.pattern === 'string' && !safeRegExp(node.pattern)?.test(value)) return false;
    }
    if (typeof value === 'number') {
      if (typeof node.minimum === 'number' && value < node.minimum) return false;
      if (typeof node.maximum === 'number' && value > node.maximum) return false;
      if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum) return false;
      if (typeof node.exclusiveMaximum === 'number' && value >= node.exclusiveMaximum) return false;
    }
    if (isRecord(value)) {
      const properties = isRecord(node.properties) ? node.properties : {};
      if (Array.isArray(node.required) && !node.required.every((name) => Object.hasOwn(value, String(name)))) return false;
      for (const [name, item] of Object.entries(value)) {
        if (Object.hasOwn(properties, name)) {
          if (!this.accepts(properties[name] as Schema, item, depth + 1)) return false;
        } else if (node.additionalProperties === false || (isRecord(node.additionalProperties) && !this.accepts(node.additionalProperties, item, depth + 1))) return false;
      }
    }
    if (Array.isArray(value)) {
      if (typeof node.minItems === 'number' && value.length < node.minItems) return false;
      if (typeof node.maxItems === 'number' && value.length > node.maxItems) return false;
      const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Schema[]) : [];
      const rest = isRecord(node.items) || typeof node.items === 'boolean' ? (node.items as Schema) : true;
      if (!value.every((item, index) => this.accepts(index < prefix.length ? prefix[index]! : rest, item, depth + 1))) return false;
    }
    return true;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** The type to generate: the declared one (the first non-null of a list), else what the keywords imply. */
function typeOf(node: Record<string, unknown>): string | undefined {
  if (typeof node.type === 'string') return node.type;
  if (Array.isArray(node.type)) return (node.type as string[]).find((type) => type !== 'null') ?? (node.type as string[])[0];
  if (isRecord(node.properties) || node.required !== undefined || node.additionalProperties !== undefined) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  if (typeof node.minimum === 'number' || typeof node.maximum === 'number' || typeof node.multipleOf === 'number') return 'number';
  return undefined;
}

/** Follows a local JSON pointer (`#`, `#/$defs/Name`); anything else is an error naming it. */
function pointer(root: Schema, reference: string): Schema {
  if (!reference.startsWith('#')) throw new InvalidRequestError(`The mock resolves only local $ref (#/...), not ${JSON.stringify(reference)}.`, { code: 'invalid_schema', param: 'schema' });
  let node: unknown = root;
  for (const raw of reference.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isRecord(node) && !Array.isArray(node)) node = undefined;
    else node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw new InvalidRequestError(`The JSON schema's $ref ${JSON.stringify(reference)} points at nothing.`, { code: 'invalid_schema', param: 'schema' });
  }
  return node as Schema;
}

/** Merges schemas for allOf and for $ref siblings: properties and required are unioned, bounds tightened. */
function mergeAll(base: Record<string, unknown>, parts: Schema[]): Schema {
  const { allOf: _allOf, ...merged } = base;
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isRecord(value)) merged.properties = { ...(isRecord(merged.properties) ? merged.properties : {}), ...value };
      else if (key === 'required' && Array.isArray(value)) merged.required = [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...value])];
      else if ((key === 'minimum' || key === 'minLength' || key === 'minItems' || key === 'exclusiveMinimum') && typeof value === 'number') merged[key] = Math.max(value, typeof merged[key] === 'number' ? merged[key] : value);
      else if ((key === 'maximum' || key === 'maxLength' || key === 'maxItems' || key === 'exclusiveMaximum') && typeof value === 'number') merged[key] = Math.min(value, typeof merged[key] === 'number' ? merged[key] : value);
      else if (!Object.hasOwn(merged, key)) merged[key] = value;
    }
  }
  return merged;
}

/** A number within the bounds, on `multipleOf`, an integer when asked: 1 (+ variant) when that fits. */
function numberIn(node: Record<string, unknown>, integer: boolean, variant: number): number {
  const step = typeof node.multipleOf === 'number' && node.multipleOf > 0 ? node.multipleOf : integer ? 1 : undefined;
  let low = typeof node.minimum === 'number' ? node.minimum : Number.NEGATIVE_INFINITY;
  let high = typeof node.maximum === 'number' ? node.maximum : Number.POSITIVE_INFINITY;
  // Draft 4 wrote exclusive bounds as booleans beside minimum / maximum.
  const exclusiveLow = typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : node.exclusiveMinimum === true && typeof node.minimum === 'number' ? node.minimum : undefined;
  const exclusiveHigh = typeof node.exclusiveMaximum === 'number' ? node.exclusiveMaximum : node.exclusiveMaximum === true && typeof node.maximum === 'number' ? node.maximum : undefined;
  const above = (value: number) => value >= low && (exclusiveLow === undefined || value > exclusiveLow);
  const below = (value: number) => value <= high && (exclusiveHigh === undefined || value < exclusiveHigh);
  let value = 1 + variant;
  if (!above(value)) value = exclusiveLow !== undefined && exclusiveLow >= low ? exclusiveLow + (step ?? 0.5) : low;
  if (!below(value)) value = exclusiveHigh !== undefined && exclusiveHigh <= high ? exclusiveHigh - (step ?? 0.5) : high;
  if (step !== undefined) {
    low = Math.max(low, exclusiveLow === undefined ? low : exclusiveLow);
    high = Math.min(high, exclusiveHigh === undefined ? high : exclusiveHigh);
    let snapped = Math.ceil(value / step) * step;
    if (!above(snapped)) snapped += step;
    if (!below(snapped)) snapped = Math.floor(value / step) * step;
    value = Number(snapped.toPrecision(12));
  }
  return value;
}

function formattedString(format: string, variant: number): string | undefined {
  const day = String(1 + (variant % 28)).padStart(2, '0');
  switch (format) {
    case 'date-time':
      return `2025-01-${day}T12:00:00Z`;
    case 'date':
      return `2025-01-${day}`;
    case 'time':
      return '12:00:00Z';
    case 'duration':
      return 'PT1H';
    case 'email':
    case 'idn-email':
      return `user${variant + 1}@example.com`;
    case 'hostname':
    case 'idn-hostname':
      return `host${variant + 1}.example.com`;
    case 'ipv4':
      return `192.0.2.${1 + (variant % 254)}`;
    case 'ipv6':
      return `2001:db8::${(variant + 1).toString(16)}`;
    case 'uri':
    case 'url':
    case 'iri':
      return `https://example.com/mock/${variant + 1}`;
    case 'uri-reference':
    case 'iri-reference':
      return `/mock/${variant + 1}`;
    case 'uuid':
      return `00000000-0000-4000-8000-${String(variant + 1).padStart(12, '0')}`;
    case 'regex':
      return '^mock$';
    default:
      return undefined;
  }
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/**
 * A string that matches `pattern`: the default text when it already does, else one built from the
 * pattern (literals, classes, \d \w \s, groups with alternation, quantifiers), checked with RegExp.
 * Undefined when neither matches: the caller keeps its text (patterns with lookarounds or
 * backreferences are beyond this sampler).
 */
function stringMatching(pattern: string, text: string, minimum: number, maximum: number): string | undefined {
  const expression = safeRegExp(pattern);
  if (expression === undefined) return undefined;
  const fits = (candidate: string) => candidate.length >= minimum && candidate.length <= maximum && expression.test(candidate);
  if (fits(text)) return text;
  for (const extra of [0, 1, 2, 3, 5, 8]) {
    const sample = new PatternSampler(pattern, extra).sample();
    if (sample !== undefined && fits(sample)) return sample;
  }
  return undefined;
}

/** Builds one string a simple regular expression matches, repeating each quantified part `extra` more times than its minimum. */
class PatternSampler {
  #position = 0;
  readonly #pattern: string;
  readonly #extra: number;

  constructor(pattern: string, extra: number) {
    this.#pattern = pattern;
    this.#extra = extra;
  }

  sample(): string | undefined {
    try {
      const result = this.#alternation();
      return this.#position === this.#pattern.length ? result : undefined;
    } catch {
      return undefined;
    }
  }

  #alternation(): string {
    const first = this.#sequence();
    while (this.#pattern[this.#position] === '|') {
      this.#position++;
      this.#sequence();
    }
    return first;
  }

  #sequence(): string {
    let result = '';
    while (this.#position < this.#pattern.length && this.#pattern[this.#position] !== '|' && this.#pattern[this.#position] !== ')') {
      const atom = this.#atom();
      const [low, high] = this.#quantifier();
      const count = Math.min(high, low + (high === Number.POSITIVE_INFINITY || high > low ? this.#extra : 0));
      for (let index = 0; index < count; index++) result += atom();
    }
    return result;
  }

  #atom(): () => string {
    const character = this.#pattern[this.#position++]!;
    if (character === '^' || character === '$') return () => '';
    if (character === '.') return () => 'a';
    if (character === '(') {
      if (this.#pattern.startsWith('?:', this.#position)) this.#position += 2;
      else if (this.#pattern[this.#position] === '?') throw new Error('lookaround or named group');
      const inner = this.#alternation();
      if (this.#pattern[this.#position++] !== ')') throw new Error('unclosed group');
      return () => inner;
    }
    if (character === '[') return this.#characterClass();
    if (character === '\\') {
      const escaped = this.#pattern[this.#position++]!;
      const value = escapeSample(escaped);
      return () => value;
    }
    return () => character;
  }

  #characterClass(): () => string {
    const negated = this.#pattern[this.#position] === '^';
    if (negated) this.#position++;
    const members: string[] = [];
    while (this.#position < this.#pattern.length && (this.#pattern[this.#position] !== ']' || members.length === 0)) {
      let character = this.#pattern[this.#position++]!;
      if (character === '\\') character = escapeSample(this.#pattern[this.#position++]!);
      if (this.#pattern[this.#position] === '-' && this.#pattern[this.#position + 1] !== ']' && this.#position + 1 < this.#pattern.length) {
        this.#position++;
        this.#position++;
      }
      members.push(character);
    }
    if (this.#pattern[this.#position++] !== ']') throw new Error('unclosed class');
    if (!negated) return () => members[0]!;
    const allowed = ['a', 'x', 'Z', '0', '_', ' ', '-'].find((candidate) => !members.includes(candidate)) ?? 'q';
    return () => allowed;
  }

  #quantifier(): [number, number] {
    const character = this.#pattern[this.#position];
    let bounds: [number, number] = [1, 1];
    if (character === '?') bounds = [0, 1];
    else if (character === '*') bounds = [0, Number.POSITIVE_INFINITY];
    else if (character === '+') bounds = [1, Number.POSITIVE_INFINITY];
    else if (character === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.#pattern.slice(this.#position));
      if (match === null) return bounds;
      this.#position += match[0].length;
      const low = Number(match[1]);
      const high = match[2] === undefined ? low : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
      if (this.#pattern[this.#position] === '?') this.#position++;
      return [low, high];
    } else return bounds;
    this.#position++;
    if (this.#pattern[this.#position] === '?') this.#position++;
    return bounds;
  }
}

function escapeSample(escaped: string): string {
  switch (escaped) {
    case 'd':
      return '7';
    case 'w':
      return 'a';
    case 's':
      return ' ';
    case 'D':
    case 'W':
    case 'S':
      return escaped === 'S' ? 'a' : '-';
    case 'n':
      return '\n';
    case 't':
      return '\t';
    default:
      return escaped;
  }
}

/** "items" → "item", "cities" → "city": the name of one element of an array property. */
function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}
