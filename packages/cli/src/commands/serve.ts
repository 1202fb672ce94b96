import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createEngine, createHttpBridge, providersFromEnvironment } from '@routekit/http';
import type { Command } from '../commands.js';

/** `routekit serve`: the gateway on Node's own HTTP server, providers from the environment. */
export const serve: Command = {
  summary: 'run the OpenAI-compatible gateway',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string', default: process.env.PORT ?? '8787' }, host: { type: 'string', default: '127.0.0.1' }, 'default-model': { type: 'string' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      process.stdout.write('usage: routekit serve [--port 8787] [--host 127.0.0.1] [--default-model openai/gpt-4.1]\nProviders come from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, GROQ_API_KEY, TOGETHER_API_KEY, ROUTEKIT_LOCAL_BASE_URL.\n');
      return 0;
    }
    const { providers, models } = providersFromEnvironment();
    if (providers.length === 0) {
      process.stderr.write('routekit: no provider configured; set an API key variable (see --help), or run `npm start` for the demo gateway.\n');
      return 1;
    }
    const engine = createEngine({ providers, models, defaultModel: values['default-model'] ?? 'openai/gpt-4.1' });
    const bridge = createHttpBridge({ engine });
    const server = createServer((request, response) => {
      bridge.handle(request, response).then((handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown route.', type: 'not_found_error', code: 'route_not_found', param: null } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(Number(values.port), values.host, resolve));
    process.stderr.write(`routekit: gateway on http://${values.host}:${values.port}/v1 (${providers.map((provider) => provider.id).join(', ')})\n`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => server.close(() => resolve())));
    return 0;
  },
};
