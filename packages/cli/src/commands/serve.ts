import { createServer } from 'node:http';
import { createEngine, createHttpBridge, providersFromEnvironment } from '@routekit/http';
import { ConfigurationError } from '@routekit/core';
import type { Command } from '../commands.js';
import { numberFlag, parseCommandLine } from '../parse-command-line.js';
import { listenOrExplain } from './listen-or-explain.js';

const HELP = `usage: routekit serve [--port 8787] [--host 127.0.0.1] [--default-model openai/gpt-4.1]
Providers come from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, GROQ_API_KEY, TOGETHER_API_KEY, ROUTEKIT_LOCAL_BASE_URL.
`;

/** `routekit serve`: the gateway on Node's own HTTP server, providers from the environment. */
export const serve: Command = {
  summary: 'run the OpenAI-compatible gateway',
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: { port: { type: 'string', default: process.env.PORT ?? '8787' }, host: { type: 'string', default: '127.0.0.1' }, 'default-model': { type: 'string' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const port = numberFlag('--port', values.port, { integer: true, minimum: 0, maximum: 65535, expected: 'a port number, 0-65535' });
    const { providers, models } = providersFromEnvironment();
    if (providers.length === 0) throw new ConfigurationError('no provider configured; set an API key variable (see --help), or run `npm start` for the demo gateway', { key: 'providers' });
    const engine = createEngine({ providers, models, defaultModel: values['default-model'] ?? 'openai/gpt-4.1' });
    const bridge = createHttpBridge({ engine });
    const server = createServer((request, response) => {
      bridge.handle(request, response).then((handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown route.', type: 'not_found_error', code: 'route_not_found', param: null } }));
      });
    });
    const address = await listenOrExplain(server, port, values.host);
    process.stderr.write(`routekit: gateway on http://${address}/v1 (${providers.map((provider) => provider.id).join(', ')})\n`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => server.close(() => resolve())));
    return 0;
  },
};
