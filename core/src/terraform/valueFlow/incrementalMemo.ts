/**
 * Memoised computations that survive from one analysis to the next and are recomputed only when
 * something they read changed: the "red-green" scheme of incremental compilers. Each entry is
 * keyed by a string, remembers its inputs' identity (a token: the very syntax objects it was
 * computed from, which the parser hands out again while their text is unchanged) and the other
 * entries it read. In a new generation an entry is reused when its token is the same and none of
 * the entries it read changed; a recomputed entry whose result equals the old one counts as
 * unchanged, so an edit stops spreading where it stops making a difference.
 */

interface Entry {
  value: unknown;
  token: readonly unknown[];
  deps: string[];
  computedAt: number;
  changedAt: number;
  verifiedAt: number;
}

/** How a generation computes an entry: its token now, and the computation. */
export interface MemoRecipe<T> {
  token(): readonly unknown[];
  compute(): T;
}

export class IncrementalMemo {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  /** The entries being computed, innermost last: what each one reads is recorded on it. */
  private readonly reading: string[][] = [];
  private readonly inProgress = new Set<string>();
  /** How the current generation computes each kind of key. */
  private recipeOf: (key: string) => MemoRecipe<unknown> = () => {
    throw new Error('IncrementalMemo used outside a generation');
  };
  /** Entries computed (not reused) in the current generation: for tests and the bench. */
  computed = 0;

  /** Starts a new generation (one analysis): `recipeOf` says how keys are computed from now on. */
  startGeneration(recipeOf: (key: string) => MemoRecipe<unknown>): void {
    this.generation++;
    this.recipeOf = recipeOf;
    this.computed = 0;
  }

  /** The entry's value, reused or recomputed; undefined (and nothing recorded) while it is being computed: a cycle. */
  get<T>(key: string): T | undefined {
    this.reading[this.reading.length - 1]?.push(key);
    if (this.inProgress.has(key)) return undefined;
    return this.verify(key).value as T;
  }

  /** True when `key` is being computed right now (reading it again would be a cycle). */
  isComputing(key: string): boolean {
    return this.inProgress.has(key);
  }

  /**
   * Forgets the entries the current generation did not use: what a deleted resource or a removed
   * reference left behind. Called when an analysis is done, it keeps the memo the size of the
   * configuration over a long session.
   */
  sweep(): void {
    for (const [key, entry] of this.entries) if (entry.verifiedAt !== this.generation) this.entries.delete(key);
  }

  /** The entries `key` read when it was last computed. */
  dependencies(key: string): readonly string[] {
    return this.entries.get(key)?.deps ?? [];
  }

  get size(): number {
    return this.entries.size;
  }

  private verify(key: string): Entry {
    const entry = this.entries.get(key);
    if (entry && entry.verifiedAt === this.generation) return entry;
    const recipe = this.recipeOf(key);
    const token = recipe.token();
    if (entry && sameItems(entry.token, token) && this.depsUnchanged(entry)) {
      entry.verifiedAt = this.generation;
      return entry;
    }
    return this.compute(key, recipe, token, entry);
  }

  private depsUnchanged(entry: Entry): boolean {
    for (const dep of entry.deps) {
      if (this.inProgress.has(dep)) return false;
      if (this.verify(dep).changedAt > entry.computedAt) return false;
    }
    return true;
  }

  private compute(key: string, recipe: MemoRecipe<unknown>, token: readonly unknown[], previous: Entry | undefined): Entry {
    this.inProgress.add(key);
    this.reading.push([]);
    let value: unknown;
    try {
      value = recipe.compute();
    } finally {
      this.inProgress.delete(key);
    }
    const deps = [...new Set(this.reading.pop())];
    this.computed++;
    const unchanged = previous !== undefined && deepEqual(previous.value, value);
    const entry: Entry = {
      value: unchanged ? previous.value : value,
      token,
      deps,
      computedAt: this.generation,
      changedAt: unchanged ? previous.changedAt : this.generation,
      verifiedAt: this.generation,
    };
    this.entries.set(key, entry);
    return entry;
  }
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/**
 * Structural equality of computed results: plain data, arrays, and class instances (such as
 * `Unknown`) compared field by field. Syntax objects inside results are compared by identity
 * first, which is what makes them cheap.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((item, i) => deepEqual(item, bb[i]));
  }
  if (a instanceof Set || a instanceof Map) {
    const bb = b as Set<unknown> | Map<unknown, unknown>;
    if (a.size !== bb.size) return false;
    const left = [...a.entries()];
    const right = [...bb.entries()];
    return left.every((item, i) => deepEqual(item, right[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ob = b as Record<string, unknown>;
  return ka.every((k) => k in ob && deepEqual((a as Record<string, unknown>)[k], ob[k]));
}
