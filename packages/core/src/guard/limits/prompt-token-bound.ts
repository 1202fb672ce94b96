import type { ChatRequest } from '../../chat/chat-request.js';
import { embeddingTokenCount } from '../../embeddings/embedding-request.js';

/** What one image may cost, in tokens, when the bound cannot see its size. */
export const defaultImageTokenBound = 1600;

/**
 * The most tokens `text` can be in any byte-level BPE tokenizer (GPT, Claude, Llama 3, Mistral's
 * Tekken, Qwen): every token covers at least one UTF-8 byte, so the byte count is an upper bound
 * whatever the script (CJK is 3 bytes a character, emoji 4). SentencePiece tokenizers with byte
 * fallback (Gemini, Llama 2) stay within it too: a piece covers at least one character or byte.
 * It is loose for English (about four times the truth) and tight for CJK and emoji; a limit
 * reserves it and then settles the real usage, so looseness costs headroom, never money.
 */
export function textTokenBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// Chat templates wrap each message in role markers and separators: OpenAI counts 3 to 4 tokens,
// Llama 3 five; 8 leaves room. A request adds reply priming and begin markers.
const messageOverhead = 8;
const requestOverhead = 16;
// Providers turn tool definitions into prompt text of their own (Anthropic adds a tool-use
// system prompt of about 350 tokens); the JSON's bytes plus this cover it.
const toolsOverhead = 512;
const formatOverhead = 64;

export interface PromptTokenBoundOptions {
  /** Tokens to count for each image part. Default 1,600 (Claude's largest image is about 1,600; OpenAI's high detail 1,105 to 1,445; Gemini 258 a tile). */
  imageTokens?: number;
}

/**
 * An upper bound on the prompt tokens of a request, for reservations that must never
 * under-count: message text, names, tool calls, tool definitions and JSON schemas by their UTF-8
 * bytes, plus fixed allowances for chat-template overhead and images. It is not an estimate; use
 * `estimateTokens` to compare models.
 *
 * @example
 * promptTokenBound({ model: 'auto', messages: [{ role: 'user', content: '東京の天気は？' }] }); // 21 bytes of text + 28 of overhead: 49
 */
export function promptTokenBound(request: ChatRequest, options: PromptTokenBoundOptions = {}): number {
  const imageTokens = options.imageTokens ?? defaultImageTokenBound;
  let tokens = requestOverhead;
  for (const message of request.messages) {
    tokens += messageOverhead + textTokenBound(message.role);
    if ('name' in message && typeof message.name === 'string') tokens += textTokenBound(message.name);
    const content = message.content;
    if (typeof content === 'string') tokens += textTokenBound(content);
    else if (Array.isArray(content)) for (const part of content) tokens += part.type === 'text' ? textTokenBound(part.text) : imageTokens;
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) tokens += messageOverhead + textTokenBound(call.id) + textTokenBound(call.function.name) + textTokenBound(call.function.arguments);
      if (typeof message.refusal === 'string') tokens += textTokenBound(message.refusal);
    }
    if (message.role === 'tool') tokens += textTokenBound(message.tool_call_id);
  }
  if ((request.tools?.length ?? 0) > 0) tokens += toolsOverhead + textTokenBound(JSON.stringify(request.tools));
  if (request.response_format !== undefined && request.response_format.type !== 'text') tokens += formatOverhead + textTokenBound(JSON.stringify(request.response_format));
  // An embeddings request's token arrays are tokens already: counted exactly.
  return tokens + embeddingTokenCount(request);
}
