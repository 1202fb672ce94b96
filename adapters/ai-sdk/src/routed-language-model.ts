import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4GenerateResult, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import type { Engine } from '@routekit/core';
import { generateThroughEngine, streamThroughEngine } from './run-through-engine.js';

/**
 * A LanguageModelV4 whose model id is a routekit model string (`auto`, `router-lr-0.3`,
 * `router@…`, `openai/gpt-4.1`): each call is decided by the engine and delegated to the chosen
 * model. `response.modelId` of a result names the model that answered.
 */
export class RoutedLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'routekit';
  constructor(
    readonly modelId: string,
    private readonly engine: Engine,
    private readonly urls: () => PromiseLike<Record<string, RegExp[]>>,
  ) {}

  /** The URLs all delegates take; the AI SDK downloads other files before the call. */
  get supportedUrls(): PromiseLike<Record<string, RegExp[]>> {
    return this.urls();
  }

  doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    return generateThroughEngine(this.engine, this.modelId, options);
  }

  doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    return streamThroughEngine(this.engine, this.modelId, options);
  }
}
