/**
 * One visually hidden live region per page: a short sentence for what the user just did (a
 * selection, a cleared selection, a module collapsed, a sync stepped to). The big panes are not
 * live: a screen reader would read a whole diff or table on every selection. What is said is
 * plain text (plan and manifest strings go in through textContent).
 */
export class Announcer {
  readonly element: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'visually-hidden announcer';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
  }

  /**
   * Says `text`. The same sentence twice in a row (the same node selected again) would not change
   * the region, and screen readers speak changes: a no-break space is toggled at its end.
   */
  say(text: string): void {
    const current = this.element.textContent ?? '';
    this.element.textContent = current === text ? `${text}\u00a0` : text;
  }

  /** What the region says now, without the no-break space that repeats it. */
  get text(): string {
    return (this.element.textContent ?? '').replace(/\u00a0$/, '');
  }
}
