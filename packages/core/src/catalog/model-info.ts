/** What a model can do beyond plain text chat. */
export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  jsonMode: boolean;
}

/** One model of the catalog. Prices are in USD per million tokens. */
export interface ModelInfo {
  /** routekit's id, `provider/name`, e.g. `openai/gpt-4.1-mini`. */
  id: string;
  /** The provider id, the key of a configured provider, e.g. `openai`. */
  provider: string;
  /** The model name the provider's API expects, e.g. `gpt-4.1-mini`. */
  upstreamModel: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  /** Input tokens read from the provider's prompt cache; the full input price when omitted. */
  cachedInputPricePerMillion?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic bills them above input); the full input price when omitted. */
  cacheWritePricePerMillion?: number;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
  /** A quality score in 0..1 (a normalised public benchmark tier); higher is better. */
  quality: number;
  /** Typical time to first token, used until live latency is measured. */
  typicalTimeToFirstTokenMs: number;
  /** Typical output speed, used until live latency is measured. */
  typicalTokensPerSecond: number;
  /** Other names this model answers to, e.g. the names used in routing data sets. */
  aliases?: string[];
  /** `embedding` models serve only `POST /v1/embeddings` and are never chosen by chat routing; `chat` when omitted. */
  kind?: 'chat' | 'embedding';
  /** An embedding model's default vector length. */
  dimensions?: number;
  /**
   * True for a model the catalog does not know, passed through because its provider is configured
   * (`provider/any-name`): its prices are zero placeholders, receipts say `price_unknown`, and
   * spend limits follow `unknownPrice`.
   */
  priceUnknown?: boolean;
}

/** Live latency of one model, measured on real calls. */
export interface LatencyStats {
  samples: number;
  timeToFirstTokenMs: number;
  interTokenMs: number;
  totalMs: number;
}
