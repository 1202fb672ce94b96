export { RoutedChatModel } from './routed-chat-model.js';
export type { RoutedChatModelOptions, RoutedChatModelCallOptions } from './routed-chat-model-options.js';
