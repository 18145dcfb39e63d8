/**
 * The one place that writes a webview page's HTML shell and options, for every panel (plan graph,
 * rollout timeline): a CSP of `default-src 'none'` with a fresh nonce for the page's one script,
 * resources only from dist/, scripts on, command URIs off. The pages bring their styles as adopted
 * style sheets inside their bundle, so the shell loads nothing else.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

export interface WebviewPage {
  /** The bundle in dist/ (`webview.js`, `timeline.js`). */
  script: string;
  title: string;
  /** CSP directives the page needs beyond the common ones, e.g. `worker-src blob:`. */
  extraCsp?: string[];
}

export function webviewPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    ...(page.extraCsp ?? []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en" data-state="loading">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${page.title}</title>
</head>
<body>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
