import type { BaseMessage, MessageContent } from '@langchain/core/messages';
import type { BindToolsInput, ToolChoice as LangChainToolChoice } from '@langchain/core/language_models/chat_models';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { InvalidRequestError, type ChatMessage, type ChatRequest, type ContentPart, type FunctionTool, type ResponseFormat, type TextPart, type ToolChoice } from '@routekit/core';

/** What of a LangChain call becomes the engine's OpenAI-shaped request. */
export interface ChatRequestInput {
  model: string;
  messages: BaseMessage[];
  tools?: BindToolsInput[] | undefined;
  toolChoice?: LangChainToolChoice | undefined;
  responseFormat?: ResponseFormat | undefined;
  stop?: string[] | undefined;
  /** The model's standard sampling fields, as the request's parameters (unset ones are left out). */
  sampling?: { temperature?: number | undefined; maxTokens?: number | undefined; topP?: number | undefined; frequencyPenalty?: number | undefined; presencePenalty?: number | undefined };
  stream: boolean;
}

/** LangChain messages, tools and call options as the core's ChatRequest. */
export function toChatRequest(input: ChatRequestInput): ChatRequest {
  const tools = input.tools?.map(toFunctionTool);
  const toolChoice = input.toolChoice === undefined ? undefined : toToolChoice(input.toolChoice);
  return {
    model: input.model,
    messages: input.messages.map(toChatMessage),
    ...(tools !== undefined && tools.length > 0 && { tools }),
    ...(toolChoice !== undefined && tools !== undefined && tools.length > 0 && { tool_choice: toolChoice }),
    ...(input.responseFormat !== undefined && { response_format: input.responseFormat }),
    ...(input.stop !== undefined && input.stop.length > 0 && { stop: input.stop }),
    ...(input.sampling?.temperature !== undefined && { temperature: input.sampling.temperature }),
    ...(input.sampling?.maxTokens !== undefined && { max_tokens: input.sampling.maxTokens }),
    ...(input.sampling?.topP !== undefined && { top_p: input.sampling.topP }),
    ...(input.sampling?.frequencyPenalty !== undefined && { frequency_penalty: input.sampling.frequencyPenalty }),
    ...(input.sampling?.presencePenalty !== undefined && { presence_penalty: input.sampling.presencePenalty }),
    // Usage is asked for so the stream's last chunk carries tokens (and the receipt) for usage_metadata.
    ...(input.stream && { stream: true, stream_options: { include_usage: true } }),
  };
}

/** One LangChain message in OpenAI's chat format. */
export function toChatMessage(message: BaseMessage): ChatMessage {
  const name = typeof message.name === 'string' && message.name !== '' ? { name: message.name } : {};
  const role = message.type === 'generic' ? roleOfChatMessage((message as BaseMessage & { role?: unknown }).role) : message.type;
  switch (role) {
    case 'human':
      return { role: 'user', content: toContent(message.content), ...name };
    case 'system':
    case 'developer':
      return { role: role === 'developer' ? 'developer' : 'system', content: textOf(message.content), ...name };
    case 'ai': {
      const toolCalls = ((message as BaseMessage & { tool_calls?: { id?: string; name: string; args: unknown }[] }).tool_calls ?? []).map((call, index) => ({
        id: call.id ?? `call_${index}`,
        type: 'function' as const,
        function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
      }));
      const text = textOf(message.content);
      return { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, ...name, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) };
    }
    case 'tool':
      return { role: 'tool', content: textOf(message.content), tool_call_id: (message as BaseMessage & { tool_call_id: string }).tool_call_id };
    default:
      throw new InvalidRequestError(`Messages of type "${String(role)}" cannot be routed; use human, ai, system or tool messages.`, { code: 'unsupported_message', param: 'messages' });
  }
}

function roleOfChatMessage(role: unknown): string {
  if (role === 'user') return 'human';
  if (role === 'assistant') return 'ai';
  return typeof role === 'string' ? role : 'unknown';
}

/** User content: text and images in OpenAI's parts; other blocks (files, audio) pass through for the delegate. */
function toContent(content: MessageContent): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((block): ContentPart => {
    const part = block as Record<string, unknown>;
    if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (part.type === 'image_url') {
      const image = part.image_url;
      return { type: 'image_url', image_url: typeof image === 'string' ? { url: image } : (image as { url: string }) };
    }
    if (part.type === 'image' && typeof part.url === 'string') return { type: 'image_url', image_url: { url: part.url } };
    if (part.type === 'image' && typeof part.data === 'string') {
      return { type: 'image_url', image_url: { url: `data:${String(part.mimeType ?? part.mime_type ?? 'image/png')};base64,${part.data}` } };
    }
    return part as unknown as ContentPart;
  });
}

/** The text of a content, for roles whose OpenAI content is text only (reasoning and other blocks are left out). */
export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => ((block as { type?: unknown }).type === 'text' && typeof (block as { text?: unknown }).text === 'string' ? (block as unknown as TextPart).text : ''))
    .join('');
}

function toFunctionTool(tool: BindToolsInput): FunctionTool {
  const converted = convertToOpenAITool(tool) as { function: FunctionTool['function'] };
  return { type: 'function', function: converted.function };
}

/** LangChain's tool_choice (`any`, a tool name, or OpenAI's own shape) in OpenAI's terms. */
function toToolChoice(choice: LangChainToolChoice): ToolChoice {
  if (choice === 'any' || choice === 'required') return 'required';
  if (choice === 'auto' || choice === 'none') return choice;
  if (typeof choice === 'string') return { type: 'function', function: { name: choice } };
  const named = choice as { function?: { name?: unknown }; name?: unknown };
  const name = named.function?.name ?? named.name;
  if (typeof name !== 'string') throw new InvalidRequestError('tool_choice must be "auto", "any", "none", a tool name or { type: "function", function: { name } }.', { param: 'tool_choice' });
  return { type: 'function', function: { name } };
}
