// Webview bundle (dist/webview.js). The plan graph and the rollout timeline are drawn here once
// they exist; until then the page only reports that it has rendered (DESIGN.md: data-state).
document.documentElement.dataset.state = 'ready';
