import theme from './theme.css';

/**
 * Starts a page bundle once the DOM is there: adopts the shared theme and the page's style sheet
 * (constructable, so the CSP needs no inline style) and runs `start`. A page that cannot start says so, as the pages'
 * contract asks (docs/editor.md): `data-state="error"` and a readable message, as text.
 */
export function bootPage(styles: string, what: string, start: () => void): void {
  const boot = (): void => {
    try {
      const sheets = [theme, styles].map((text) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        return sheet;
      });
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
      start();
    } catch (error) {
      document.documentElement.dataset.state = 'error';
      const message = document.createElement('p');
      message.className = 'message error';
      message.setAttribute('role', 'alert');
      message.textContent = `The ${what} could not start: ${error instanceof Error ? error.message : String(error)}`;
      document.body.append(message);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
  else boot();
}
