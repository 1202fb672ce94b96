// The CLI's programmatic surface, for scripts that drive a command without a child process.
export { commands, usage, type Command } from './commands.js';
export { runCommand, failureMessage } from './run-command.js';
export { UsageError } from './usage-error.js';
export { parseCommandLine, numberFlag, onePositional, type NumberLimits } from './parse-command-line.js';
export { redactLines } from './commands/redact.js';
export { openAiCompatibleAnswerer } from './commands/answer-client.js';
