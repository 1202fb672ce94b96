import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { allPiiTypes, createPiiPolicy, defaultPiiTypes } from '@routekit/core';
import type { Command } from '../commands.js';
import { parseCommandLine } from '../parse-command-line.js';

const help = `usage: routekit redact [--names] [--mask] < input.txt > redacted.txt
Reads text on stdin and writes it back line for line with PII replaced by typed placeholders
(<EMAIL_1>; one value keeps one placeholder across the whole input).
  --names  also look for person names and places (slow: ~30 ms per 2,000 characters)
  --mask   write ****1234 instead of placeholders
`;

/** Writes each line of `input` to `output` redacted, one session for the whole input. */
export async function redactLines(input: Readable, output: Writable, options: { names?: boolean; mask?: boolean } = {}): Promise<void> {
  const policy = createPiiPolicy({ types: options.names ? allPiiTypes : defaultPiiTypes, defaultAction: options.mask ? 'mask' : 'redact' });
  const session = policy.createSession();
  let index = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    index++;
    if (!output.write(`${session.redact(line, `line ${index}`)}\n`)) await new Promise((resolve) => output.once('drain', resolve));
  }
}

/** `routekit redact`: the default redaction policy on stdin, so anyone can try it on their own data. */
export const redact: Command = {
  summary: 'redact PII from stdin, line for line',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { names: { type: 'boolean' }, mask: { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    await redactLines(process.stdin, process.stdout, { names: values.names, mask: values.mask });
    return 0;
  },
};
