// Entry point of the language server: `node dist/server.js --stdio`. (Being written: see server/src/lsp/.)
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: {} }));
connection.listen();
