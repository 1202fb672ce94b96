import type { Server, ServerResponse } from 'node:http';

/** What a shutdown waits for besides the HTTP requests: an engine's streams and receipts. */
export interface DrainableEngine {
  drain(timeoutMs?: number): Promise<boolean>;
  close?(): Promise<void>;
}

export interface GracefulShutdownOptions {
  /** The servers to stop: they stop accepting at once and close idle keep-alive connections. */
  servers: Server[];
  /** Engines to wait for (running requests, streams, receipts still being stored) and then close. */
  engines?: DrainableEngine[];
  /** Longest wait for in-flight requests and streams, in ms; what is still open then is cut. Default 10,000. */
  timeoutMs?: number;
  /** Signals that start the shutdown; a second one exits at once. Default SIGTERM and SIGINT. Empty: none. */
  signals?: NodeJS.Signals[];
  /** Where the one line per step goes. Default `console.log`. */
  log?: (message: string) => void;
  /** Called when the shutdown is over, with 0 when everything finished in time. Default `process.exit`. */
  onDone?: (exitCode: number) => void;
}

export interface GracefulShutdown {
  /** Requests and streams being served now. */
  readonly inFlight: number;
  /** Stops accepting, waits for in-flight work (up to the timeout), cuts the rest; resolves true when nothing was cut. */
  shutdown(reason?: string): Promise<boolean>;
  /** Removes the signal handlers. */
  uninstall(): void;
}

/**
 * Graceful shutdown for a gateway: on SIGTERM or SIGINT it stops accepting connections, lets
 * in-flight requests and streams finish within `timeoutMs`, waits for the engines' receipts, then
 * closes what is left and exits. A second signal exits at once.
 *
 * @example
 * const server = app.listen(8787);
 * installGracefulShutdown({ servers: [server], timeoutMs: 15_000 });
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? ((message: string) => console.log(message));
  const onDone = options.onDone ?? ((code: number) => process.exit(code));
  const active = new Set<ServerResponse>();
  const track = (_request: unknown, response: ServerResponse) => {
    active.add(response);
    response.once('close', () => active.delete(response));
  };
  for (const server of options.servers) server.on('request', track);
  let running: Promise<boolean> | undefined;

  async function shutdown(reason = 'shutdown'): Promise<boolean> {
    if (running !== undefined) return running;
    running = (async () => {
      const deadline = performance.now() + timeoutMs;
      log(`routekit: ${reason}: no new connections; finishing ${active.size} in-flight request(s) within ${timeoutMs} ms.`);
      const closed = options.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      while (active.size > 0 && performance.now() < deadline) {
        // A keep-alive connection that goes idle after its answer is closed instead of taking another request.
        for (const server of options.servers) server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const drained = await Promise.all((options.engines ?? []).map((engine) => engine.drain(Math.max(0, deadline - performance.now()))));
      const cut = active.size;
      for (const server of options.servers) server.closeAllConnections();
      await Promise.all(closed);
      await Promise.all((options.engines ?? []).map((engine) => engine.close?.()));
      const complete = cut === 0 && drained.every(Boolean);
      log(complete ? 'routekit: every request finished; receipts stored; bye.' : `routekit: shutdown deadline reached; ${cut} connection(s) cut.`);
      return complete;
    })();
    return running;
  }

  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals) => {
    if (running !== undefined) {
      log(`routekit: ${signal} again: exiting now.`);
      onDone(1);
      return;
    }
    void shutdown(signal).then((complete) => onDone(complete ? 0 : 1));
  };
  for (const signal of signals) process.on(signal, onSignal);

  return {
    get inFlight() {
      return active.size;
    },
    shutdown,
    uninstall() {
      for (const signal of signals) process.off(signal, onSignal);
      for (const server of options.servers) server.off('request', track);
    },
  };
}
