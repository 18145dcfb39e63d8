// Entry point of the language server: `node dist/server.js --stdio` (any LSP client can start it).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { ImmutableInfraLanguageServer } from './lsp/languageServer';

async function main(): Promise<void> {
  const connection = createConnection(ProposedFeatures.all);
  // stdout is the protocol channel: anything printed there would corrupt it.
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
  console.info = console.log;
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
  const parser = await HclParser.create();
  // A refused knowledge file or entry goes to the client's log once; the other providers still answer.
  const knowledge = new ReplacementKnowledgeBase(undefined, undefined, { report: (message) => connection.console.error(message) });
  new ImmutableInfraLanguageServer(connection, { parser, knowledge }).listen();
  // Ended by a signal, the server still runs its exit handlers, which stop the provider processes it started.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15)));
}

main().catch((error: unknown) => {
  process.stderr.write(`immutable-infra language server failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
