/**
 * Test-only support for the evaluator's tests: a small reader of HCL expression text into the
 * `Expression` tree (so that a table of expressions can be written as Terraform text and handed to
 * real Terraform as well), and a fake scope that maps names to values.
 * The reader knows the expression syntax the tests use, not every corner of HCL.
 */
import type { SourceRange } from '../../common/src/findings';
import type { Expression, TemplatePart, TraversalStep } from '../../core/src/terraform/hcl/expression';
import type { EvaluationScope, ResolvedReference } from '../../core/src/terraform/evaluation/scope';
import { Unknown, type Value } from '../../core/src/terraform/evaluation/value';

const RANGE: SourceRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

type Node = Expression;
const node = <T extends Omit<Expression, 'range'>>(e: T): Node => ({ ...e, range: RANGE }) as unknown as Node;

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

export function parseExpression(text: string): Expression {
  const reader = new Reader(text);
  const expression = reader.expression();
  reader.skipSpace();
  if (!reader.done()) throw new Error(`unexpected ${JSON.stringify(text.slice(reader.at))} in ${JSON.stringify(text)}`);
  return expression;
}

/** A template file's text (what `templatefile` reads) as a template expression. */
export function parseTemplateText(text: string): Expression {
  const reader = new Reader(text);
  return node({ type: 'template', parts: reader.templateParts(undefined) });
}

class Reader {
  at = 0;
  constructor(private readonly text: string) {}

  done() {
    return this.at >= this.text.length;
  }
  skipSpace() {
    while (!this.done() && /\s/.test(this.text[this.at])) this.at++;
  }
  peek(token: string) {
    this.skipSpace();
    return this.text.startsWith(token, this.at);
  }
  eat(token: string) {
    if (!this.peek(token)) return false;
    this.at += token.length;
    return true;
  }
  expect(token: string) {
    if (!this.eat(token)) throw new Error(`expected ${token} at ${this.at} in ${JSON.stringify(this.text)}`);
  }
  identifier(): string | undefined {
    this.skipSpace();
    const m = /^[A-Za-z_][\w-]*(?:::[A-Za-z_][\w-]*)*/.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return m[0];
  }

  expression(): Node {
    const condition = this.binary(0);
    if (this.eat('?')) {
      const then = this.expression();
      this.expect(':');
      const otherwise = this.expression();
      return node({ type: 'conditional', condition, then, else: otherwise });
    }
    return condition;
  }

  binary(level: number): Node {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      this.skipSpace();
      const operator = BINARY_LEVELS[level]
        .slice()
        .sort((a, b) => b.length - a.length)
        .find((op) => this.text.startsWith(op, this.at) && !(op === '=' || (op.length === 1 && '<>'.includes(op) && this.text[this.at + 1] === '=')));
      if (!operator) return left;
      this.at += operator.length;
      const right = this.binary(level + 1);
      left = node({ type: 'binary', operator, left, right });
    }
  }

  unary(): Node {
    this.skipSpace();
    if (this.text[this.at] === '!' && this.text[this.at + 1] !== '=') {
      this.at++;
      return node({ type: 'unary', operator: '!', operand: this.unary() });
    }
    if (this.text[this.at] === '-' && !/\d/.test(this.text[this.at + 1] ?? '')) {
      this.at++;
      return node({ type: 'unary', operator: '-', operand: this.unary() });
    }
    return this.postfix(this.primary());
  }

  /** Steps after a primary: attributes, indexes, splats. */
  postfix(target: Node): Node {
    let current = target;
    for (;;) {
      const steps = this.steps();
      if (steps.length) {
        if (current.type === 'traversal') current = { ...current, steps: [...current.steps, ...steps] };
        else current = node({ type: 'relative', target: current, steps });
        continue;
      }
      if (this.eat('[*]')) {
        current = node({ type: 'splat', target: current, each: this.steps(), full: true });
        continue;
      }
      if (this.peek('.*')) {
        this.at += 2;
        current = node({ type: 'splat', target: current, each: this.steps(true), full: false });
        continue;
      }
      return current;
    }
  }

  steps(attributesOnly = false): TraversalStep[] {
    const steps: TraversalStep[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '.' && this.text[this.at + 1] !== '*' && this.text[this.at + 1] !== '.') {
        this.at++;
        const m = /^(?:[A-Za-z_][\w-]*|\d+)/.exec(this.text.slice(this.at));
        if (!m) throw new Error(`bad attribute at ${this.at}`);
        this.at += m[0].length;
        steps.push({ kind: 'attr', name: m[0] });
      } else if (!attributesOnly && this.text[this.at] === '[' && !this.text.startsWith('[*]', this.at)) {
        this.at++;
        const key = this.expression();
        this.expect(']');
        steps.push({ kind: 'index', key });
      } else return steps;
    }
  }

  primary(): Node {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '(') {
      this.at++;
      const inner = this.expression();
      this.expect(')');
      return node({ type: 'parenthesis', inner });
    }
    if (c === '"') {
      this.at++;
      const parts = this.templateParts('"');
      this.at++;
      if (parts.length === 0) return node({ type: 'literal', value: '' });
      if (parts.length === 1 && parts[0].kind === 'literal') return node({ type: 'literal', value: parts[0].value });

      return node({ type: 'template', parts });
    }
    if (c === '[') return this.tupleOrFor();
    if (c === '{') return this.objectOrFor();
    const number = /^-?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return node({ type: 'literal', value: Number(number[0]) });
    }
    const name = this.identifier();
    if (!name) throw new Error(`unexpected ${JSON.stringify(this.text.slice(this.at))}`);
    if (name === 'true' || name === 'false') return node({ type: 'literal', value: name === 'true' });
    if (name === 'null') return node({ type: 'literal', value: null });
    if (this.peek('(')) {
      this.expect('(');
      const args: Node[] = [];
      let expandFinal = false;
      while (!this.eat(')')) {
        args.push(this.expression());
        if (this.eat('...')) expandFinal = true;
        this.eat(',');
      }
      return node({ type: 'call', name, args, expandFinal });
    }
    return node({ type: 'traversal', root: name, steps: [] });
  }

  forHeader(): { keyVar?: string; valueVar: string; collection: Node } {
    const first = this.identifier()!;
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.eat(',')) {
      keyVar = first;
      valueVar = this.identifier()!;
    }
    if (this.identifier() !== 'in') throw new Error('expected in');
    const collection = this.expression();
    this.expect(':');
    return { keyVar, valueVar, collection };
  }

  isFor(): boolean {
    const saved = this.at;
    const word = this.identifier();
    const isFor = word === 'for' && /^\s/.test(this.text[this.at] ?? '');
    this.at = saved;
    return isFor;
  }

  tupleOrFor(): Node {
    this.expect('[');
    if (this.isFor()) {
      this.identifier();
      const header = this.forHeader();
      const value = this.expression();
      const condition = this.identifierIf() ? this.expression() : undefined;
      this.expect(']');
      return node({ type: 'for', result: 'tuple', ...header, value, condition, grouping: false });
    }
    const items: Node[] = [];
    while (!this.eat(']')) {
      items.push(this.expression());
      this.eat(',');
    }
    return node({ type: 'tuple', items });
  }

  identifierIf(): boolean {
    const saved = this.at;
    if (this.identifier() === 'if') return true;
    this.at = saved;
    return false;
  }

  objectOrFor(): Node {
    this.expect('{');
    if (this.isFor()) {
      this.identifier();
      const header = this.forHeader();
      const key = this.expression();
      this.expect('=>');
      const value = this.expression();
      const grouping = this.eat('...');
      const condition = this.identifierIf() ? this.expression() : undefined;
      this.expect('}');
      return node({ type: 'for', result: 'object', ...header, key, value, condition, grouping });
    }
    const entries: Array<{ key: Node; value: Node }> = [];
    while (!this.eat('}')) {
      this.skipSpace();
      let key: Node;
      const saved = this.at;
      const bare = this.identifier();
      if (bare !== undefined && (this.peek('=') || this.peek(':')) && !this.peek('==')) key = node({ type: 'literal', value: bare });
      else {
        this.at = saved;
        key = this.binary(0);
      }
      if (!this.eat('=')) this.expect(':');
      entries.push({ key, value: this.expression() });
      this.eat(',');
    }
    return node({ type: 'object', entries });
  }

  /** Template parts up to the closing quote (or the end of the text for a template file). */
  templateParts(close: '"' | undefined, stopAt: string[] = []): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let literal = '';
    // HCL reads string literals in Unicode normal form C.
    const flush = () => {
      if (literal) parts.push({ kind: 'literal', value: literal.normalize('NFC') });
      literal = '';
    };
    while (!this.done()) {
      const c = this.text[this.at];
      if (close && c === close) break;
      if (stopAt.some((s) => this.directiveAhead(s))) break;
      if (close && c === '\\') {
        const next = this.text[this.at + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
        if (next === 'u') {
          literal += String.fromCodePoint(parseInt(this.text.slice(this.at + 2, this.at + 6), 16));
          this.at += 6;
        } else {
          literal += simple[next];
          this.at += 2;
        }
        continue;
      }
      if ((c === '$' || c === '%') && this.text[this.at + 1] === c && this.text[this.at + 2] === '{') {
        literal += `${c}{`;
        this.at += 3;
        continue;
      }
      if (c === '$' && this.text[this.at + 1] === '{') {
        this.at += 2;
        flush();
        parts.push({ kind: 'interpolation', expression: this.expression() });
        this.expect('}');
        continue;
      }
      if (c === '%' && this.text[this.at + 1] === '{') {
        flush();
        this.at += 2;
        const word = this.identifier();
        if (word === 'if') {
          const condition = this.expression();
          this.expect('}');
          const then = this.templateParts(close, ['else', 'endif']);
          let otherwise: TemplatePart[] = [];
          if (this.directiveAhead('else')) {
            this.skipDirective();
            otherwise = this.templateParts(close, ['endif']);
          }
          this.skipDirective();
          parts.push({ kind: 'if', condition, then, else: otherwise });
        } else if (word === 'for') {
          const first = this.identifier()!;
          let keyVar: string | undefined;
          let valueVar = first;
          if (this.eat(',')) {
            keyVar = first;
            valueVar = this.identifier()!;
          }
          this.identifier();
          const collection = this.expression();
          this.expect('}');
          const body = this.templateParts(close, ['endfor']);
          this.skipDirective();
          parts.push({ kind: 'for', keyVar, valueVar, collection, body });
        } else throw new Error(`unknown directive ${word}`);
        continue;
      }
      literal += c;
      this.at++;
    }
    flush();
    return parts;
  }

  directiveAhead(word: string): boolean {
    return new RegExp(`^%\\{~?\\s*${word}\\s*~?\\}`).test(this.text.slice(this.at));
  }
  skipDirective() {
    this.at = this.text.indexOf('}', this.at) + 1;
  }
}

/** A scope over a table of names: `var.x`, `local.a`, `aws_instance.web` as keys, the longest match wins. */
export function fakeScope(values: Record<string, Value>, files: Record<string, string> = {}): EvaluationScope & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    resolve(names: readonly string[]): ResolvedReference {
      for (let n = names.length; n >= 1; n--) {
        const key = names.slice(0, n).join('.');
        if (Object.prototype.hasOwnProperty.call(values, key)) {
          reads.push(key);
          return { value: values[key], consumed: n };
        }
      }
      const key = names.slice(0, 2).join('.');
      return { value: new Unknown(key, [`\`${key}\` is not declared`]), consumed: Math.min(2, names.length) };
    },
    readFile: (path: string) => (Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined),
  };
}

/** A resource attribute known only after apply, as a scope would give it. */
export function afterApply(address: string, attribute: string): Unknown {
  return new Unknown(`${address}.${attribute}`, [`\`${address}.${attribute}\`, known after apply`], [{ address, attribute }]);
}
