import { Redis } from 'ioredis';

/**
 * After a test file's Redis stores: deletes every key under its `prefix` (a random one per file, so
 * files running at once never touch each other's keys) and closes the stores it opened.
 */
export async function removeTestKeys(url: string, prefix: string, opened: ReadonlyArray<{ close(): Promise<void> }>): Promise<void> {
  const admin = new Redis(url);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
  await Promise.all(opened.map((store) => store.close()));
}
