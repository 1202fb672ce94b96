import type { Server, ServerResponse } from 'node:http';
import { RoutekitError } from '../errors.js';

/** What a shutdown waits for besides the HTTP requests: an engine's streams and receipts. */
export interface DrainableEngine {
  drain(timeoutMs?: number): Promise<boolean>;
  /** Ends every running request and stream with `reason` (a stream with its error event); returns how many. */
  cut?(reason: Error): number;
  close?(): Promise<void>;
}

/** The gateway stopped before a request or stream could finish (its drain time was over). */
export class ServerShuttingDownError extends RoutekitError {
  constructor() {
    super('The gateway is shutting down and ended this request before it finished; retry it.', { status: 503, type: 'server_error', code: 'server_shutting_down' });
  }
}

export interface GracefulShutdownOptions {
  /** The servers to stop: they stop accepting at once and close idle keep-alive connections. */
  servers: Server[];
  /** Engines to wait for (running requests, streams, receipts still being stored) and then close. */
  engines?: DrainableEngine[];
  /** Longest wait for in-flight requests and streams, in ms; what is still open then is cut. Default 10,000. */
  timeoutMs?: number;
  /**
   * After `timeoutMs`, the longest wait for the cut requests to send their error (a stream's error
   * event) and for their receipts to be stored and limits settled, in ms; then connections are
   * closed. Default 2,000.
   */
  cutGraceMs?: number;
  /**
   * Behind a load balancer: the longest time to keep serving, with `draining` true (so `/ready`
   * fails), before it stops accepting, so the balancer's health check takes this instance out
   * before its port closes and no request meets a closed port. The wait ends sooner once no
   * request (other than a `/ready` or `/health` probe) has arrived for a second: the balancer has
   * taken it out. Default 0.
   */
  drainDelayMs?: number;
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
  /** True from the start of the shutdown: readiness should fail (see `drainDelayMs`). */
  readonly draining: boolean;
  /** Stops accepting, waits for in-flight work (up to the timeout), cuts the rest; resolves true when nothing was cut. */
  shutdown(reason?: string): Promise<boolean>;
  /** Removes the signal handlers. */
  uninstall(): void;
}

/**
 * Graceful shutdown for a gateway: on SIGTERM or SIGINT it stops accepting connections, lets
 * in-flight requests and streams finish within `timeoutMs`, then ends what is still running as a
 * failed request: a stream gets the error event (`server_shutting_down`, no `[DONE]`, so no client
 * takes a cut answer for a whole one), a request not yet answered a 503, and every receipt is
 * stored with the usage so far and spend settled. Then it closes what is left and exits. A second
 * signal exits at once.
 *
 * @example
 * const server = app.listen(8787);
 * installGracefulShutdown({ servers: [server], timeoutMs: 15_000 });
 */
/** During the drain, this long without a request means the load balancers have taken the instance out. */
const quietMs = 1000;

export function installGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cutGraceMs = options.cutGraceMs ?? 2000;
  const log = options.log ?? ((message: string) => console.log(message));
  const onDone = options.onDone ?? ((code: number) => process.exit(code));
  const active = new Set<ServerResponse>();
  let lastRequestAt = performance.now();
  const track = (request: { url?: string }, response: ServerResponse) => {
    // A balancer's probes keep coming after it took the instance out: they are not traffic.
    if (!/\/(ready|health)(\?|$)/.test(request.url ?? '')) lastRequestAt = performance.now();
    active.add(response);
    response.once('close', () => active.delete(response));
  };
  for (const server of options.servers) server.on('request', track);
  let running: Promise<boolean> | undefined;
  let draining = false;

  /** Waits until every response is sent, or until `until`. */
  async function answered(until: number): Promise<void> {
    while (active.size > 0 && performance.now() < until) {
      // A keep-alive connection that goes idle after its answer is closed instead of taking another request.
      for (const server of options.servers) server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(50, until - performance.now()))));
    }
  }

  async function shutdown(reason = 'shutdown'): Promise<boolean> {
    if (running !== undefined) return running;
    draining = true;
    running = (async () => {
      if ((options.drainDelayMs ?? 0) > 0) {
        log(`routekit: ${reason}: not ready; still serving (up to ${options.drainDelayMs} ms) while load balancers take this instance out.`);
        const drainEnd = performance.now() + options.drainDelayMs!;
        while (performance.now() < drainEnd && performance.now() - lastRequestAt < quietMs) await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(1, drainEnd - performance.now()))));
      }
      const deadline = performance.now() + timeoutMs;
      log(`routekit: ${reason}: no new connections; finishing ${active.size} in-flight request(s) within ${timeoutMs} ms.`);
      const engines = options.engines ?? [];
      const closed = options.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      await answered(deadline);
      let drained = await Promise.all(engines.map((engine) => engine.drain(Math.max(0, deadline - performance.now()))));
      let cut = 0;
      if (active.size > 0 || !drained.every(Boolean)) {
        // Ended as a failed request is: the client learns the answer is incomplete, the receipt is stored.
        const reason = new ServerShuttingDownError();
        for (const engine of engines) cut += engine.cut?.(reason) ?? 0;
        const graceEnd = performance.now() + cutGraceMs;
        await answered(graceEnd);
        drained = await Promise.all(engines.map((engine) => engine.drain(Math.max(0, graceEnd - performance.now()))));
      }
      const closedByForce = active.size;
      for (const server of options.servers) server.closeAllConnections();
      await Promise.all(closed);
      await Promise.all(engines.map((engine) => engine.close?.()));
      const complete = cut === 0 && closedByForce === 0 && drained.every(Boolean);
      if (complete) log('routekit: every request finished; receipts stored; bye.');
      else {
        const receipts = drained.every(Boolean) ? 'their receipts stored' : 'some receipts not stored in time';
        log(`routekit: shutdown deadline reached; ${cut} request(s) cut with an error, ${receipts}; ${closedByForce} connection(s) closed.`);
      }
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
    get draining() {
      return draining;
    },
    shutdown,
    uninstall() {
      for (const signal of signals) process.off(signal, onSignal);
      for (const server of options.servers) server.off('request', track);
    },
  };
}
