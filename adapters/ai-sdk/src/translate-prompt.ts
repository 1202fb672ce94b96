import type { LanguageModelV4Message, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import type { ChatMessage, ContentPart, TextPart, ToolCall } from '@routekit/core';

/** The same prompt in two shapes: what the engine reads, and what the delegate gets. */
export interface TranslatedPrompt {
  messages: ChatMessage[];
  prompt: LanguageModelV4Prompt;
}

/**
 * One pass over an AI SDK prompt that builds the engine's OpenAI-shaped messages and, at the same
 * time, a copy of the prompt whose text leaves went through `replace`. Both directions run this one
 * function, so they cannot disagree: forwards `replace` is the identity and the messages are used;
 * backwards it hands out the engine's (redacted) texts in the order `textLeaves` reads them, and
 * the prompt is used. File, reasoning and other parts the OpenAI shape cannot carry stay in the
 * prompt untouched.
 */
export function translatePrompt(prompt: LanguageModelV4Prompt, replace: (text: string) => string = (text) => text): TranslatedPrompt {
  const messages: ChatMessage[] = [];
  const rewritten = prompt.map((message): LanguageModelV4Message => {
    switch (message.role) {
      case 'system': {
        const content = replace(message.content);
        messages.push({ role: 'system', content });
        return content === message.content ? message : { ...message, content };
      }
      case 'user': {
        const parts: ContentPart[] = [];
        const content = message.content.map((part) => {
          if (part.type === 'text') return { ...part, text: leaf(parts, part.text) };
          if (part.data.type === 'text') return { ...part, data: { ...part.data, text: leaf(parts, part.data.text) } };
          // Images make routing ask for vision; the URL is only a stand-in, the delegate gets the file itself.
          if (part.mediaType.startsWith('image')) parts.push({ type: 'image_url', image_url: { url: part.data.type === 'url' ? part.data.url.toString() : `routekit:${part.mediaType}` } });
          return part;
        });
        messages.push({ role: 'user', content: parts });
        return { ...message, content };
      }
      case 'assistant': {
        const parts: TextPart[] = [];
        const toolCalls: ToolCall[] = [];
        // Texts first, then tool calls: the order `textLeaves` reads an assistant message in.
        const texts = message.content.map((part) => (part.type === 'text' ? { ...part, text: leaf(parts, part.text) } : part));
        const content = texts.map((part) => {
          if (part.type !== 'tool-call' || part.providerExecuted) return part;
          const before = JSON.stringify(part.input ?? {});
          const after = replace(before);
          toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: after } });
          return after === before ? part : { ...part, input: JSON.parse(after) as unknown };
        });
        messages.push({ role: 'assistant', content: parts, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) });
        return { ...message, content };
      }
      case 'tool': {
        const content = message.content.map((part) => {
          if (part.type !== 'tool-result') return part;
          const parts: TextPart[] = [];
          const output = rewriteOutput(part.output, (text) => leaf(parts, text));
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: parts });
          return { ...part, output };
        });
        return { ...message, content };
      }
    }
  });
  return { messages, prompt: rewritten };

  function leaf(parts: { push(part: TextPart): unknown }, text: string): string {
    const replaced = replace(text);
    parts.push({ type: 'text', text: replaced });
    return replaced;
  }
}

function rewriteOutput(output: LanguageModelV4ToolResultOutput, replace: (text: string) => string): LanguageModelV4ToolResultOutput {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return { ...output, value: replace(output.value) };
    case 'json':
    case 'error-json': {
      const before = JSON.stringify(output.value);
      const after = replace(before);
      return after === before ? output : { ...output, value: JSON.parse(after) };
    }
    case 'execution-denied':
      return output.reason === undefined ? output : { ...output, reason: replace(output.reason) };
    case 'content':
      return { ...output, value: output.value.map((item) => (item.type === 'text' ? { ...item, text: replace(item.text) } : item)) };
    default:
      return output;
  }
}

/** Every text the engine may change, in message order: content, then tool-call arguments. */
export function textLeaves(messages: readonly ChatMessage[]): string[] {
  const leaves: string[] = [];
  for (const message of messages) {
    if (typeof message.content === 'string') leaves.push(message.content);
    else if (Array.isArray(message.content)) for (const part of message.content) if (part.type === 'text') leaves.push(part.text);
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) leaves.push(call.function.arguments);
  }
  return leaves;
}

/**
 * The delegate's prompt: the original with only the texts the engine changed (PII redaction) put
 * back in. Unchanged requests keep the very same prompt object.
 */
export function applyEngineText(prompt: LanguageModelV4Prompt, sent: readonly ChatMessage[], engine: readonly ChatMessage[]): LanguageModelV4Prompt {
  if (sent === engine) return prompt;
  const before = textLeaves(sent);
  const after = textLeaves(engine);
  if (before.length !== after.length) throw new Error('routekit: the engine changed the shape of the messages, not only their text.');
  if (before.every((text, index) => text === after[index])) return prompt;
  let index = 0;
  return translatePrompt(prompt, () => after[index++]!).prompt;
}
