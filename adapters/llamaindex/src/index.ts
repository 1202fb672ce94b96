export { RoutedLLM, type RoutedLLMOptions, type DelegateLLM } from './routed-llm.js';
