import { createKoaGateway } from './create-koa-gateway.js';

// `npm start -w examples/koa-gateway`: the Koa app on http://127.0.0.1:8788. Without OPENAI_API_KEY
// or ANTHROPIC_API_KEY it says so and runs in demo mode against the built-in mock upstream.
const port = Number(process.env.PORT ?? 8788);
const host = process.env.HOST ?? '127.0.0.1';
const gateway = await createKoaGateway();
if (gateway.demo !== undefined) {
  console.log('routekit: no provider configured (set OPENAI_API_KEY or ANTHROPIC_API_KEY).');
  console.log(`routekit: DEMO MODE: both providers are the mock upstream at ${gateway.demo.url}; answers are canned.`);
}
const server = gateway.app.listen(port, host, () => {
  console.log(`routekit: Koa gateway listening on http://${host}:${port}/v1 (${gateway.providers.map((provider) => provider.id).join(', ')})`);
});
server.on('error', async (error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? 'is already in use; stop what listens there or set PORT=<another port>' : `cannot be listened on (${error.code ?? error.message})`;
  console.error(`routekit: ${host}:${port} ${reason}`);
  await gateway.close();
  process.exit(1);
});
