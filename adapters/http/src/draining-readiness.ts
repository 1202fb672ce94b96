import type { GracefulShutdown } from '@routekit/core';
import type { ReadinessCheck } from './http-bridge.js';

/**
 * `/ready` fails from SIGTERM on (503 `shutting down`) while the gateway keeps serving for its drain
 * delay, so a load balancer takes the replica out before its port closes. `shutdown` is read at each
 * check: the graceful shutdown is installed after the server it drains.
 */
export function drainingReadiness(shutdown: () => GracefulShutdown | undefined): ReadinessCheck {
  return {
    name: 'shutdown',
    reason: 'shutting down',
    check: async () => {
      if (shutdown()?.draining) throw new Error('shutting down');
    },
  };
}
