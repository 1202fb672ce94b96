import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, webhookSignatureHeader } from '../packages/operations/src/webhooks/webhook-signature.js';

export interface Received {
  body: string;
  headers: IncomingMessage['headers'];
  verified: boolean;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies each delivery and answers with the next planned status;
 * `holdMs` delays every answer, so that senders on several instances overlap.
 */
export async function startReceiver(secret: string, plan: Array<number | 'hang'> = [], options: { holdMs?: number } = {}): Promise<{ url: string; received: Received[]; hung: ServerResponse[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const hung: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = request.headers[webhookSignatureHeader];
      const verified = verifyWebhookSignature({ secret, body, header: typeof header === 'string' ? header : undefined });
      received.push({ body, headers: request.headers, verified });
      const next = plan.shift() ?? 200;
      if (next === 'hang') return void hung.push(response);
      response.statusCode = verified ? next : 400;
      if (options.holdMs === undefined) response.end();
      else setTimeout(() => response.end(), options.holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    hung,
    close: () => new Promise<void>((resolve) => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
