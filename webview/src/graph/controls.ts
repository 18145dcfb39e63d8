/**
 * The toolbar: the plan's summary line, search, one filter checkbox per display kind (with its
 * count), the replace-only view and "Fit". Controls are @vscode-elements/elements components, so
 * they look and behave like VS Code's own (and follow its theme variables).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { PlanGraph } from '../../../common/src/planGraph';
import type { StateLockLine } from '../../../common/src/planGraphMessages';
import { DISPLAY_KINDS } from './displayKinds';

export interface ControlsState {
  visibleKinds: ReadonlySet<string>;
  replaceOnly: boolean;
  search: string;
}

export interface ControlsCallbacks {
  onKindsChange(kinds: Set<string>): void;
  onReplaceOnlyChange(replaceOnly: boolean): void;
  onSearch(search: string): void;
  onFit(): void;
  /** "Apply…": asks the host, whose modal decides. */
  onApply(): void;
}

/** Search is applied after typing pauses: re-laying out a large plan on every keystroke would stutter. */
const SEARCH_DEBOUNCE_MS = 200;

interface CheckboxElement extends HTMLElement {
  checked: boolean;
  label: string;
  disabled: boolean;
}
interface TextfieldElement extends HTMLElement {
  value: string;
  placeholder: string;
}

export class Controls {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly stateLock: HTMLElement;
  private readonly status: HTMLElement;
  private readonly search: TextfieldElement;
  private readonly replaceOnly: CheckboxElement;
  private readonly kindBoxes = new Map<string, CheckboxElement>();
  private readonly apply: HTMLElement & { disabled: boolean };
  private readonly applyStatus: HTMLElement;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly callbacks: ControlsCallbacks) {
    this.element = document.createElement('div');
    this.element.className = 'toolbar';
    this.summary = document.createElement('div');
    this.summary.className = 'summary';
    this.summary.setAttribute('role', 'status');
    // The root module's state lock (remote backends only): text from the backend, set as text.
    this.stateLock = document.createElement('div');
    this.stateLock.className = 'state-lock';
    this.stateLock.setAttribute('role', 'status');
    this.stateLock.hidden = true;

    const row = document.createElement('div');
    row.className = 'controls';
    this.search = document.createElement('vscode-textfield') as TextfieldElement;
    this.search.className = 'search';
    this.search.placeholder = 'Search addresses';
    this.search.setAttribute('aria-label', 'Search resource addresses');
    this.search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.callbacks.onSearch(this.search.value), SEARCH_DEBOUNCE_MS);
    });
    this.search.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter') {
        clearTimeout(this.searchTimer);
        this.callbacks.onSearch(this.search.value);
      }
    });

    this.replaceOnly = document.createElement('vscode-checkbox') as CheckboxElement;
    this.replaceOnly.className = 'replace-only';
    this.replaceOnly.label = 'Replacements only';
    this.replaceOnly.addEventListener('change', () => {
      this.updateKindsEnabled();
      this.callbacks.onReplaceOnlyChange(this.replaceOnly.checked);
    });

    const fit = document.createElement('vscode-button');
    fit.className = 'fit';
    fit.setAttribute('secondary', '');
    fit.textContent = 'Fit';
    fit.addEventListener('click', () => this.callbacks.onFit());

    // Only where a host can apply (VS Code, a plan it saved): the CLI's HTML never shows it.
    this.apply = document.createElement('vscode-button') as HTMLElement & { disabled: boolean };
    this.apply.className = 'apply';
    this.apply.textContent = 'Apply…';
    this.apply.title = 'Apply this reviewed plan (VS Code asks for confirmation first)';
    this.apply.hidden = true;
    this.apply.addEventListener('click', () => this.callbacks.onApply());

    this.status = document.createElement('span');
    this.status.className = 'shown-count';
    this.applyStatus = document.createElement('span');
    this.applyStatus.className = 'apply-status';
    this.applyStatus.setAttribute('role', 'status');
    row.append(this.search, this.replaceOnly, fit, this.apply, this.status, this.applyStatus);

    const filters = document.createElement('div');
    filters.className = 'filters';
    filters.setAttribute('role', 'group');
    filters.setAttribute('aria-label', 'Show actions');
    for (const info of DISPLAY_KINDS) {
      const box = document.createElement('vscode-checkbox') as CheckboxElement;
      box.className = `kind-filter kind-${info.kind}`;
      box.dataset.kind = info.kind;
      box.addEventListener('change', () => this.callbacks.onKindsChange(this.checkedKinds()));
      this.kindBoxes.set(info.kind, box);
      filters.append(box);
    }
    this.element.append(this.summary, this.stateLock, row, filters);
  }

  /** Fills in what depends on the plan: the summary line and the count per kind (kinds absent from the plan are left out). */
  showPlan(graph: PlanGraph, state: ControlsState): void {
    this.summary.textContent = graph.summary.line || `${graph.nodes.length} resource changes`;
    this.summary.classList.toggle('errored', graph.errored);
    if (graph.errored) this.summary.textContent = `${this.summary.textContent} (the plan errored: what is shown is partial)`;
    const counts = new Map<string, number>();
    for (const node of graph.nodes) counts.set(node.display, (counts.get(node.display) ?? 0) + 1);
    for (const info of DISPLAY_KINDS) {
      const box = this.kindBoxes.get(info.kind)!;
      const count = counts.get(info.kind) ?? 0;
      box.label = `${info.symbol ? `${info.symbol} ` : ''}${info.label} (${count})`;
      box.hidden = count === 0;
      box.checked = state.visibleKinds.has(info.kind);
    }
    this.replaceOnly.checked = state.replaceOnly;
    this.search.value = state.search;
    this.updateKindsEnabled();
  }

  /** The state lock line; undefined hides it (a local backend, or a plan opened from a file). */
  setStateLock(line: StateLockLine | undefined): void {
    this.stateLock.hidden = line === undefined;
    this.stateLock.textContent = line?.text ?? '';
    if (line) this.stateLock.dataset.state = line.state;
    else delete this.stateLock.dataset.state;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** Whether "Apply…" is offered; `running` greys it out while an apply is under way. */
  setApplyAvailable(available: boolean, running = false): void {
    this.apply.hidden = !available;
    this.apply.disabled = running;
  }

  /** The apply's one-line progress (or outcome); empty hides it. */
  setApplyStatus(text: string, outcome?: string): void {
    this.applyStatus.textContent = text;
    if (outcome) this.applyStatus.dataset.outcome = outcome;
    else delete this.applyStatus.dataset.outcome;
  }

  private checkedKinds(): Set<string> {
    return new Set([...this.kindBoxes].filter(([, box]) => box.checked).map(([kind]) => kind));
  }

  /** The replace-only view overrides the per-kind filters: they are greyed out while it is on. */
  private updateKindsEnabled(): void {
    for (const box of this.kindBoxes.values()) box.disabled = this.replaceOnly.checked;
  }
}
