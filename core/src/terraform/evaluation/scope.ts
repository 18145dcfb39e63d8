/**
 * What an expression can read, as the evaluator asks for it. The evaluator itself knows HCL
 * (operators, templates, `for`, splats, functions) and nothing of Terraform's namespaces; a scope
 * knows the namespaces (`var`, `local`, `module`, resources, `each`, `count`, `path`) of one module
 * instance and records what was read, for incremental evaluation and for finding where an edit is.
 */
import type { SourceRange } from '../../../../common/src/findings';
import type { Value } from './value';

export interface ResolvedReference {
  value: Value;
  /** How many of the names the scope used (`var.x`: 2, `data.t.n`: 3); the evaluator applies the steps after them. */
  consumed: number;
}

export interface EvaluationScope {
  /**
   * The value that a traversal's leading names refer to. `names` are the root and the attribute
   * names that follow it up to the first index or splat step (`aws_instance.web[0].id` gives
   * `['aws_instance', 'web']`; `var.tags.Name` gives `['var', 'tags', 'Name']`). `for` iterator
   * variables never reach the scope: the evaluator binds them itself. A name the module does not
   * declare resolves to an `Unknown` saying so.
   */
  resolve(names: readonly string[], range: SourceRange): ResolvedReference;
  /**
   * `file()`, `fileexists()`, `templatefile()`: the text of a file, its path relative to the module's
   * folder as the expression computed it; undefined when it does not exist or cannot be read.
   */
  readFile(path: string): string | undefined;
}
