import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { schemaInstance } from './schema-instance.js';

// Every instance is checked by an independent JSON Schema validator (@cfworker/json-schema, the one
// LangChain uses), not by the generator's own notion of validity.
function expectValid(schema: Record<string, unknown> | boolean, instance: unknown): void {
  const result = new Validator(schema as Record<string, unknown>, '2020-12', false).validate(instance);
  expect(result.errors.map((error) => `${error.instanceLocation}: ${error.error}`)).toEqual([]);
}

function generateValid(schema: Record<string, unknown>): unknown {
  const instance = schemaInstance(schema);
  expectValid(schema, instance);
  return instance;
}

describe('schemaInstance', () => {
  it('fills objects with their required properties (optional ones on request), nested objects, arrays, enums, numbers and booleans', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1, maximum: 14 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        alerts: { type: 'boolean' },
        location: { type: 'object', properties: { latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number' } }, required: ['latitude', 'longitude'], additionalProperties: false },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['city', 'unit'],
      additionalProperties: false,
    };
    expect(generateValid(schema)).toEqual({ city: 'mock city', unit: 'celsius' });
    const full = schemaInstance(schema, { optionalProperties: true });
    expectValid(schema, full);
    expect(full).toEqual({ city: 'mock city', days: 1, unit: 'celsius', alerts: true, location: { latitude: 1, longitude: 1 }, tags: ['mock tag'] });
  });

  it('honours string lengths, formats and simple patterns', () => {
    const schema = {
      type: 'object',
      properties: {
        code: { type: 'string', minLength: 12, maxLength: 12 },
        short: { type: 'string', maxLength: 3 },
        email: { type: 'string', format: 'email' },
        when: { type: 'string', format: 'date-time' },
        day: { type: 'string', format: 'date' },
        id: { type: 'string', format: 'uuid' },
        link: { type: 'string', format: 'uri' },
        phone: { type: 'string', pattern: '^\\+?\\d{2,3}-\\d{4}$' },
        sku: { type: 'string', pattern: '^[A-Z]{3}-(?:red|blue)_[0-9a-f]+$' },
      },
      required: ['code', 'short', 'email', 'when', 'day', 'id', 'link', 'phone', 'sku'],
    };
    const instance = generateValid(schema) as Record<string, string>;
    expect(instance.phone).toMatch(/^\+?\d{2,3}-\d{4}$/);
    expect(instance.sku).toMatch(/^[A-Z]{3}-(?:red|blue)_[0-9a-f]+$/);
  });

  it('keeps numbers within exclusive bounds and on multipleOf', () => {
    const schema = {
      type: 'object',
      properties: {
        ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        big: { type: 'integer', minimum: 10, maximum: 20, multipleOf: 3 },
        negative: { type: 'number', maximum: -5 },
        step: { type: 'number', multipleOf: 0.25, minimum: 1.1 },
      },
      required: ['ratio', 'big', 'negative', 'step'],
    };
    expect(generateValid(schema)).toEqual({ ratio: 0.5, big: 12, negative: -5, step: 1.25 });
    // Draft 4's boolean exclusive bounds.
    expect(schemaInstance({ type: 'integer', minimum: 1, exclusiveMinimum: true })).toBe(2);
    expect(schemaInstance({ type: 'number', maximum: 0, exclusiveMaximum: true })).toBe(-0.5);
  });

  it('meets minItems with unique items, tuples through prefixItems, and maxItems 0', () => {
    generateValid({ type: 'array', items: { type: 'string' }, minItems: 3, uniqueItems: true });
    generateValid({ type: 'array', items: { type: 'integer' }, minItems: 4, uniqueItems: true });
    generateValid({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, minItems: 2, uniqueItems: true });
    expect(generateValid({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }], items: false })).toEqual([1, 'mock item 2', true]);
    expect(generateValid({ type: 'array', items: { type: 'string' }, maxItems: 0 })).toEqual([]);
  });

  it('picks a branch of anyOf and type lists, and for oneOf one that exactly one alternative accepts', () => {
    expect(generateValid({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('mock text');
    expect(generateValid({ type: ['null', 'integer'] })).toBe(1);
    // The first alternative's value ('a') is also a string, so the second alternative is the answer.
    expect(generateValid({ oneOf: [{ type: 'string', enum: ['a'] }, { type: 'string' }] })).toBe('mock text');
    const shape = {
      oneOf: [
        { type: 'object', properties: { kind: { const: 'circle' }, radius: { type: 'number', exclusiveMinimum: 0 } }, required: ['kind', 'radius'], additionalProperties: false },
        { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'], additionalProperties: false },
      ],
    };
    expect(generateValid(shape)).toEqual({ kind: 'circle', radius: 1 });
  });

  it('merges allOf and keywords beside a $ref', () => {
    const schema = {
      $defs: { named: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
      allOf: [{ $ref: '#/$defs/named' }, { type: 'object', properties: { age: { type: 'integer', minimum: 18 } }, required: ['age'] }],
    };
    expect(generateValid(schema)).toEqual({ name: 'mock name', age: 18 });
  });

  it('resolves local $ref into $defs and definitions, and ends recursive schemas', () => {
    const tree = {
      type: 'object',
      properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['label', 'children'],
    };
    // One child shows the shape; below the optional depth only what is required (an empty list) is made.
    const instance = generateValid(tree) as { children: { children: unknown[] }[] };
    expect(instance.children).toHaveLength(1);
    expect(instance.children[0]!.children).toEqual([]);
    const linked = {
      $defs: { node: { type: 'object', properties: { value: { type: 'integer' }, next: { anyOf: [{ $ref: '#/$defs/node' }, { type: 'null' }] } }, required: ['value', 'next'] } },
      $ref: '#/$defs/node',
    };
    generateValid(linked);
    generateValid({ definitions: { colour: { type: 'string', enum: ['red', 'green'] } }, type: 'object', properties: { colour: { $ref: '#/definitions/colour' } }, required: ['colour'] });
  });

  it('answers a zod schema converted to JSON Schema, as OpenAI and LangChain send them', () => {
    const event = z.object({
      title: z.string().min(3),
      start: z.iso.datetime(),
      attendees: z.array(z.object({ name: z.string(), email: z.email(), role: z.enum(['host', 'guest']) })).min(2),
      location: z.string().nullable(),
      priority: z.number().int().min(1).max(5),
      recurrence: z.discriminatedUnion('kind', [z.object({ kind: z.literal('none') }), z.object({ kind: z.literal('weekly'), weekday: z.enum(['mon', 'tue']) })]),
      notes: z.string().optional(),
      metadata: z.record(z.string(), z.string()),
    });
    const schema = z.toJSONSchema(event) as Record<string, unknown>;
    const instance = generateValid(schema);
    expect(event.safeParse(instance).success).toBe(true);
  });

  it('keeps property names such as __proto__ and constructor as plain keys', () => {
    const schema = { type: 'object', properties: { __proto__: { type: 'string' }, constructor: { type: 'integer' } }, required: ['__proto__', 'constructor'] };
    const parsedSchema = JSON.parse(JSON.stringify(schema).replace('"properties":{', '"properties":{"__proto__":{"type":"string"},').replace(',"__proto__":{"type":"string"}', '')) as Record<string, unknown>;
    const instance = schemaInstance(parsedSchema) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(instance))).toEqual(JSON.parse('{"__proto__":"mock __proto__","constructor":1}'));
    expect(Object.getPrototypeOf(instance)).toBe(Object.prototype);
  });

  it('refuses what it cannot satisfy with an InvalidRequestError naming the problem', () => {
    expect(() => schemaInstance(false)).toThrow(InvalidRequestError);
    expect(() => schemaInstance({ $ref: 'https://example.com/schema.json' })).toThrow(/only local \$ref/);
    expect(() => schemaInstance({ $ref: '#/$defs/missing' })).toThrow(/points at nothing/);
    expect(() => schemaInstance('object')).toThrow(/must be an object or a boolean/);
  });
});
