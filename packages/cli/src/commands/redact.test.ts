import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactLines } from './redact.js';

async function redactText(input: string, options = {}): Promise<string> {
  const source = new PassThrough();
  const sink = new PassThrough();
  let output = '';
  sink.on('data', (data: Buffer) => (output += data.toString()));
  source.end(input);
  await redactLines(source, sink, options);
  return output;
}

describe('routekit redact', () => {
  it('redacts line for line with one placeholder per value across lines', async () => {
    const output = await redactText('mail ana@example.com or call +1-984-182-0190\n\nagain ana@example.com, card 4454794511390933\n');
    expect(output).toBe('mail <EMAIL_1> or call <PHONE_1>\n\nagain <EMAIL_1>, card <CREDIT_CARD_1>\n');
  });

  it('masks with --mask', async () => {
    expect(await redactText('card 4454794511390933', { mask: true })).toBe('card ****0933\n');
  });
});
