import { installGracefulShutdown } from '@routekit/core';
import { createKoaGateway } from './create-koa-gateway.js';

// `npm start -w examples/koa-gateway`: the Koa app on http://127.0.0.1:8788. Providers come from the
// environment; with none set, routekit warns and runs in demo mode against the built-in mock upstream.
const port = Number(process.env.PORT ?? 8788);
const host = process.env.HOST ?? '127.0.0.1';
const server = createKoaGateway().listen(port, host, () => {
  console.log(`routekit: Koa gateway listening on http://${host}:${port}/v1`);
});
server.on('error', (error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? 'is already in use; stop what listens there or set PORT=<another port>' : `cannot be listened on (${error.code ?? error.message})`;
  console.error(`routekit: ${host}:${port} ${reason}`);
  process.exit(1);
});
// SIGTERM / SIGINT: stop accepting, let in-flight requests and streams finish, then exit.
installGracefulShutdown({ servers: [server] });
