import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA1 (EVALSHA), loaded on first use and again after a SCRIPT FLUSH or a failover. */
export interface RedisScript {
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export interface RedisScriptOptions {
  /**
   * Leave the reply as Redis sent it, bulk strings as Buffers: for a script that answers integers
   * (and arrays of them) only, which then skips the client's pass that copies every array of the
   * reply to turn Buffers into strings. Default false.
   */
  rawReplies?: boolean;
}

export function createRedisScript(redis: Redis, source: string, options: RedisScriptOptions = {}): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  const raw = options.rawReplies === true;
  return {
    async run(keys, args) {
      try {
        return await (raw ? redis.callBuffer('evalsha', sha, keys.length, ...keys, ...args) : redis.evalsha(sha, keys.length, ...keys, ...args));
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return raw ? redis.callBuffer('eval', source, keys.length, ...keys, ...args) : redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
