import type { LanguageModelV4 } from '@ai-sdk/provider';

/**
 * The URLs every delegate takes as they are (same media type, same pattern), so the AI SDK passes
 * those through and downloads the rest first: whichever model the engine picks can read the call.
 */
export async function commonSupportedUrls(models: readonly LanguageModelV4[]): Promise<Record<string, RegExp[]>> {
  const all = await Promise.all(models.map((model) => model.supportedUrls));
  const common: Record<string, RegExp[]> = {};
  for (const [mediaType, patterns] of Object.entries(all[0] ?? {})) {
    const shared = patterns.filter((pattern) => all.every((urls) => Object.hasOwn(urls, mediaType) && urls[mediaType]!.some((other) => other.source === pattern.source && other.flags === pattern.flags)));
    if (shared.length > 0) common[mediaType] = shared;
  }
  return common;
}
