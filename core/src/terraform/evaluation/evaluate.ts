/**
 * The evaluator of HCL expressions, as Terraform computes them before plan: HCL's operators,
 * templates, conditionals, `for` expressions and splats, and Terraform's functions, over the values
 * a scope resolves. Where an input is unknown the result is unknown, with a symbol that writes the
 * computation with every known part substituted (so that evaluating the same thing twice gives
 * equal symbols), the inputs' reasons and their after-apply dependencies. Where Terraform would stop
 * with an error the result is an `EvaluationFailure` saying what Terraform would say: never a throw.
 *
 * HCL's logical operators do not short-circuit on unknowns: `true || x` with `x` unknown is
 * unknown, as in HashiCorp HCL v2.23 (the version Terraform 1.11 uses).
 */
import type { Expression, TemplatePart, TraversalStep } from '../hcl/expression';
import type { SourceRange } from '../../../../common/src/findings';
import { toBoolValue, toNumberValue, toStringValue, typeName } from './conversion';
import { escapeTemplateLiteral, expressionText, stepsText, templateText } from './expressionText';
import { callFunction, type FunctionHost } from './functions';
import { arithmeticResult } from './numbers';
import { setKey } from './objects';
import { sameValue, sortedKeys } from './ordering';
import { canonicalText } from './renderValue';
import type { EvaluationScope } from './scope';
import { failure, firstFailure, isFailure, unknownFrom } from './unknowns';
import { isWhollyKnown, Unknown, type Value } from './value';

export interface EvaluationOptions {
  /**
   * Parses the text of a template file (`templatefile`) into a `template` expression. Without it,
   * `templatefile` is unknown: the evaluator does not parse HCL itself.
   */
  parseTemplate?: (text: string) => Expression | undefined;
}

export function evaluateExpression(expression: Expression, scope: EvaluationScope, options: EvaluationOptions = {}): Value {
  return new Evaluator(scope, options).evaluate(expression, NO_BINDINGS);
}

/** `for` iterator variables, consulted before the scope. */
type Bindings = ReadonlyMap<string, Value>;
const NO_BINDINGS: Bindings = new Map();

type Entry = [key: Value, value: Value];

class Evaluator implements FunctionHost {
  constructor(
    private readonly scope: EvaluationScope,
    private readonly options: EvaluationOptions,
    /** Inside a template file, where Terraform does not offer `templatefile` again. */
    private readonly inTemplateFile = false,
  ) {}

  readFile(path: string): string | undefined {
    return this.scope.readFile(path);
  }

  renderTemplate(text: string, variables: { readonly [name: string]: Value }, symbol: string): Value {
    if (this.inTemplateFile) return failure(symbol, 'Call to function "templatefile" failed: cannot recursively call templatefile from inside another template file');
    const template = this.options.parseTemplate?.(text);
    if (!template) return new Unknown(symbol, ['the template file could not be read as a template here']);
    // A template file sees only the variables it is given, and the functions.
    const scope: EvaluationScope = {
      resolve: (names) =>
        Object.prototype.hasOwnProperty.call(variables, names[0])
          ? { value: variables[names[0]], consumed: 1 }
          : { value: failure(names[0], `Invalid reference: the vars map has no key "${names[0]}"`), consumed: 1 },
      readFile: (path) => this.scope.readFile(path),
    };
    return new Evaluator(scope, this.options, true).evaluate(template, NO_BINDINGS);
  }

  evaluate(expression: Expression, bindings: Bindings): Value {
    switch (expression.type) {
      case 'literal':
        return expression.value;
      case 'parenthesis':
        return this.evaluate(expression.inner, bindings);
      case 'unsupported': {
        const text = expressionText(expression);
        return new Unknown(text, [`\`${text}\` is an expression this analysis does not evaluate`]);
      }
      case 'traversal':
        return this.traversal(expression.root, expression.steps, expression.range, bindings);
      case 'relative':
        return this.applySteps(this.evaluate(expression.target, bindings), expression.steps, bindings);
      case 'splat':
        return this.splat(this.evaluate(expression.target, bindings), expression.each, expression.full, bindings);
      case 'template':
        return this.template(expression.parts, bindings);
      case 'tuple':
        return this.tuple(expression.items.map((item) => this.evaluate(item, bindings)));
      case 'object':
        return this.object(expression.entries, bindings);
      case 'conditional':
        return this.conditional(expression, bindings);
      case 'unary':
        return this.unary(expression.operator, this.evaluate(expression.operand, bindings));
      case 'binary':
        return this.binary(expression.operator, this.evaluate(expression.left, bindings), this.evaluate(expression.right, bindings));
      case 'call':
        return this.call(expression.name, expression.args, expression.expandFinal, bindings);
      case 'for':
        return this.forExpression(expression, bindings);
    }
  }

  private traversal(root: string, steps: readonly TraversalStep[], range: SourceRange, bindings: Bindings): Value {
    if (bindings.has(root)) return this.applySteps(bindings.get(root)!, steps, bindings);
    const names = [root];
    for (const step of steps) {
      if (step.kind !== 'attr') break;
      names.push(step.name);
    }
    const resolved = this.scope.resolve(names, range);
    return this.applySteps(resolved.value, steps.slice(Math.max(resolved.consumed, 1) - 1), bindings);
  }

  private applySteps(value: Value, steps: readonly TraversalStep[], bindings: Bindings): Value {
    let current = value;
    for (const step of steps) {
      current = step.kind === 'attr' ? getAttribute(current, step.name) : index(current, this.evaluate(step.key, bindings));
    }
    return current;
  }

  private splat(target: Value, each: readonly TraversalStep[], full: boolean, bindings: Bindings): Value {
    if (target instanceof Unknown) return unknownFrom(`${operand(target)}${full ? '[*]' : '.*'}${stepsText(each)}`, [target]);
    // A splat over null is an empty tuple, over anything that is not a list a tuple of that one value.
    if (target === null) return [];
    const items = Array.isArray(target) ? target : [target];
    return this.tuple(items.map((item) => this.applySteps(item, each, bindings)));
  }

  private tuple(items: Value[]): Value {
    return firstFailure(items) ?? items;
  }

  private object(entries: ReadonlyArray<{ key: Expression; value: Expression }>, bindings: Bindings): Value {
    const out: { [key: string]: Value } = {};
    const seen: Value[] = [];
    let unknownKey: Unknown | undefined;
    for (const entry of entries) {
      const key = this.evaluate(entry.key, bindings);
      const value = this.evaluate(entry.value, bindings);
      seen.push(key, value);
      if (isFailure(key)) return key;
      if (key instanceof Unknown) {
        unknownKey ??= key;
        continue;
      }
      if (key === null) return failure('{…}', 'Invalid object key: the key must not be null');
      const converted = toStringValue(key);
      if ('error' in converted) return failure(canonicalText(key), `Invalid object key: a ${typeName(key)} cannot be a key, a string is required`);
      setKey(out, converted.value as string, value);
    }
    const failed = firstFailure(seen);
    if (failed) return failed;
    if (unknownKey) return unknownFrom(`{ ${entries.map((e, i) => `${canonicalText(seen[2 * i])} = ${canonicalText(seen[2 * i + 1])}`).join(', ')} }`, seen);
    return out;
  }

  private conditional(expression: Extract<Expression, { type: 'conditional' }>, bindings: Bindings): Value {
    const condition = this.evaluate(expression.condition, bindings);
    const whenTrue = this.evaluate(expression.then, bindings);
    const whenFalse = this.evaluate(expression.else, bindings);
    // Both branches decide the result's type, whatever the condition.
    const mixed = (x: Value, y: Value) => typeof x === 'number' && typeof y === 'boolean';
    if (mixed(whenTrue, whenFalse) || mixed(whenFalse, whenTrue)) {
      return failure(
        expressionText(expression),
        `Inconsistent conditional result types: the 'true' value is ${typeName(whenTrue)}, but the 'false' value is ${typeName(whenFalse)}`,
      );
    }
    if (isFailure(condition)) return condition;
    if (condition === null) return failure(expressionText(expression), 'Null condition: the condition value is null');
    const asBool = toBoolValue(condition);
    if ('error' in asBool) return failure(expressionText(expression), 'Incorrect condition type: the condition expression must be a bool');
    if (asBool.value instanceof Unknown) {
      if (isWhollyKnown(whenTrue) && isWhollyKnown(whenFalse) && sameValue(whenTrue, whenFalse)) return whenTrue;
      // Neither branch is taken yet, so neither branch's errors count.
      const branches = [whenTrue, whenFalse].filter((b) => !isFailure(b));
      return unknownFrom(`${operand(asBool.value)} ? ${operand(whenTrue)} : ${operand(whenFalse)}`, [asBool.value, ...branches]);
    }
    // Only the chosen branch's errors count. A number or bool against a string is converted to a
    // string, as HCL unifies the branches' types.
    const [chosen, other] = asBool.value ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
    if ((typeof chosen === 'number' || typeof chosen === 'boolean') && typeof other === 'string') {
      const converted = toStringValue(chosen);
      return 'error' in converted ? chosen : converted.value;
    }
    return chosen;
  }

  private unary(operator: '!' | '-', value: Value): Value {
    if (isFailure(value)) return value;
    if (value === null) return failure(`${operator}null`, 'Invalid operand: the operand must not be null');
    const converted = operator === '!' ? toBoolValue(value) : toNumberValue(value);
    if ('error' in converted) return failure(`${operator}${operand(value)}`, `Invalid operand: ${converted.error}`);
    const v = converted.value;
    if (v instanceof Unknown) return unknownFrom(`${operator}${operand(v)}`, [v]);
    return operator === '!' ? !v : arithmeticResult(-(v as number));
  }

  private binary(operator: string, left: Value, right: Value): Value {
    const symbol = `${operand(left)} ${operator} ${operand(right)}`;
    if (operator === '&&' || operator === '||') return logical(operator, left, right, symbol);
    const failed = firstFailure([left, right]);
    if (failed) return failed;
    if (operator === '==' || operator === '!=') {
      const equal = valuesEqual(left, right);
      if (equal === undefined) return unknownFrom(symbol, [left, right]);
      return operator === '==' ? equal : !equal;
    }
    if (left === null || right === null) return failure(symbol, 'Operation failed: Error during operation: argument must not be null');
    const l = toNumberValue(left);
    const r = toNumberValue(right);
    if ('error' in l) return failure(symbol, `Invalid operand: unsuitable value for left operand: ${l.error}`);
    if ('error' in r) return failure(symbol, `Invalid operand: unsuitable value for right operand: ${r.error}`);
    if (l.value instanceof Unknown || r.value instanceof Unknown) return unknownFrom(symbol, [l.value, r.value]);
    const a = l.value as number;
    const b = r.value as number;
    switch (operator) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      case '+':
        return arithmeticResult(a + b);
      case '-':
        return arithmeticResult(a - b);
      case '*':
        return arithmeticResult(a * b);
      case '/':
        return arithmeticResult(a / b);
      case '%':
        // cty's modulo by zero gives the dividend back.
        return b === 0 ? a : arithmeticResult(a % b);
    }
    return failure(symbol, `unknown operator ${operator}`);
  }

  private call(name: string, argExpressions: readonly Expression[], expandFinal: boolean, bindings: Bindings): Value {
    let args = argExpressions.map((a) => this.evaluate(a, bindings));
    if (expandFinal && args.length > 0) {
      const last = args[args.length - 1];
      const shownArgs = args.map(canonicalText).join(', ');
      if (isFailure(last)) return last;
      if (last instanceof Unknown) return unknownFrom(`${name}(${shownArgs}...)`, args);
      if (!Array.isArray(last))
        return failure(`${name}(${shownArgs}...)`, 'Invalid expanding argument value: the expanding argument (indicated by ...) must be a list, set or tuple');
      args = [...args.slice(0, -1), ...last];
    }
    return callFunction(name, args, this);
  }

  private forExpression(expression: Extract<Expression, { type: 'for' }>, bindings: Bindings): Value {
    const collection = this.evaluate(expression.collection, bindings);
    if (isFailure(collection)) return collection;
    const shape = () => expressionText({ ...expression, collection: { type: 'unsupported', text: canonicalText(collection), range: expression.collection.range } });
    if (collection instanceof Unknown) return unknownFrom(shape(), [collection]);
    if (collection === null) return failure(shape(), 'Iteration over null value: a null value cannot be used as the collection in a `for` expression');
    if (typeof collection !== 'object')
      return failure(shape(), `Iteration over non-iterable value: a ${typeName(collection)} cannot be used as the collection in a \`for\` expression`);
    const entries = collectionEntries(collection);
    const tupleItems: Value[] = [];
    const objectItems = new Map<string, Value[]>();
    const inputs: Value[] = [];
    let undecided = false;
    for (const [key, value] of entries) {
      const inner = new Map(bindings);
      if (expression.keyVar) inner.set(expression.keyVar, key);
      inner.set(expression.valueVar, value);
      if (expression.condition) {
        const condition = this.evaluate(expression.condition, inner);
        if (isFailure(condition)) return condition;
        if (condition === null) return failure(shape(), 'Condition is null: the condition value must not be null');
        const asBool = toBoolValue(condition);
        if ('error' in asBool) return failure(shape(), 'Invalid `for` condition: the condition must be a bool');
        if (asBool.value instanceof Unknown) {
          undecided = true;
          inputs.push(asBool.value);
          continue;
        }
        if (!asBool.value) continue;
      }
      const itemValue = this.evaluate(expression.value, inner);
      if (isFailure(itemValue)) return itemValue;
      if (expression.result === 'tuple') {
        tupleItems.push(itemValue);
        continue;
      }
      const itemKey = this.evaluate(expression.key!, inner);
      if (isFailure(itemKey)) return itemKey;
      if (itemKey instanceof Unknown) {
        undecided = true;
        inputs.push(itemKey);
        continue;
      }
      if (itemKey === null) return failure(shape(), 'Invalid object key: the key expression in a `for` expression must not produce null');
      const converted = toStringValue(itemKey);
      if ('error' in converted) return failure(shape(), 'Invalid object key: the key expression must produce a string');
      const k = converted.value as string;
      const group = objectItems.get(k);
      if (group && !expression.grouping) {
        return failure(shape(), `Duplicate object key: two items produced the key "${k}"; use \`...\` after the value expression to group them`);
      }
      if (group) group.push(itemValue);
      else objectItems.set(k, [itemValue]);
    }
    // Which items there are (or under which keys) depends on an unknown: the whole result is unknown.
    if (undecided) return unknownFrom(shape(), inputs);
    if (expression.result === 'tuple') return tupleItems;
    const out: { [key: string]: Value } = {};
    for (const [k, group] of objectItems) setKey(out, k, expression.grouping ? group : group[0]);
    return out;
  }

  private template(parts: readonly TemplatePart[], bindings: Bindings): Value {
    // A template of one interpolation alone is that value, unconverted: `"${2}"` is the number 2.
    if (parts.length === 1 && parts[0].kind === 'interpolation') return this.evaluate(parts[0].expression, bindings);
    const pieces = this.templatePieces(parts, bindings);
    const failed = firstFailure(pieces);
    if (failed) return failed;
    if (pieces.every((p) => typeof p === 'string')) return pieces.join('');
    const symbol = `"${pieces.map((p) => (typeof p === 'string' ? escapeTemplateLiteral(p) : DIRECTIVES.has(p as Unknown) ? (p as Unknown).symbol : `\${${(p as Unknown).symbol}}`)).join('')}"`;
    return unknownFrom(symbol, pieces);
  }

  /** The template's text pieces: strings, and unknowns (or failures) where a piece cannot be known. */
  private templatePieces(parts: readonly TemplatePart[], bindings: Bindings): Value[] {
    const pieces: Value[] = [];
    for (const part of parts) {
      switch (part.kind) {
        case 'literal':
          pieces.push(part.value);
          break;
        case 'interpolation':
          pieces.push(interpolated(this.evaluate(part.expression, bindings), part.expression));
          break;
        case 'if': {
          const condition = this.evaluate(part.condition, bindings);
          const asBool = condition === null ? ({ error: 'null' } as const) : toBoolValue(condition);
          if (isFailure(condition)) pieces.push(condition);
          else if ('error' in asBool) pieces.push(failure(expressionText(part.condition), 'Invalid template directive: the `if` condition must be a bool'));
          else if (asBool.value instanceof Unknown) {
            const elsePart = part.else.length ? `%{else}${templateText(part.else)}` : '';
            pieces.push(directive(unknownFrom(`%{if ${asBool.value.symbol}}${templateText(part.then)}${elsePart}%{endif}`, [asBool.value])));
          } else pieces.push(...this.templatePieces(asBool.value ? part.then : part.else, bindings));
          break;
        }
        case 'for': {
          const collection = this.evaluate(part.collection, bindings);
          if (isFailure(collection)) pieces.push(collection);
          else if (collection instanceof Unknown) {
            const names = part.keyVar ? `${part.keyVar}, ${part.valueVar}` : part.valueVar;
            pieces.push(directive(unknownFrom(`%{for ${names} in ${collection.symbol}}${templateText(part.body)}%{endfor}`, [collection])));
          } else if (collection === null || typeof collection !== 'object') {
            pieces.push(failure(expressionText(part.collection), 'Iteration over non-iterable value: a template `for` needs a collection'));
          } else {
            for (const [key, value] of collectionEntries(collection)) {
              const inner = new Map(bindings);
              if (part.keyVar) inner.set(part.keyVar, key);
              inner.set(part.valueVar, value);
              pieces.push(...this.templatePieces(part.body, inner));
            }
          }
          break;
        }
      }
    }
    return pieces;
  }
}

/**
 * `&&` and `||` as HashiCorp HCL v2.24 (and OpenTofu) evaluate them: both sides are evaluated, but
 * a known side that decides the result wins over an unknown or failed other side (`true || x` is
 * true whatever `x` is), and when neither decides, the left unknown does (`x || y` with `x`
 * unknown is unknown even where `y` would fail). Terraform 1.11, on HCL v2.23, left `true || x`
 * unknown where `x` is unknown.
 */
function logical(operator: '&&' | '||', left: Value, right: Value, symbol: string): Value {
  const decisive = operator === '||';
  const sides: Value[] = [];
  for (const [value, which] of [
    [left, 'left'],
    [right, 'right'],
  ] as const) {
    if (value instanceof Unknown || value === null) sides.push(value);
    else {
      const converted = toBoolValue(value);
      if ('error' in converted) return failure(symbol, `Invalid operand: unsuitable value for ${which} operand: ${converted.error}`);
      sides.push(converted.value);
    }
  }
  const [l, r] = sides;
  const known = (v: Value) => !(v instanceof Unknown);
  if (!known(l) && !known(r)) return isFailure(l) ? l : unknownFrom(symbol, [l]);
  if (l === decisive || r === decisive) return decisive;
  if (!known(l) && r === !decisive) return isFailure(l) ? l : unknownFrom(symbol, [l]);
  if (!known(r) && l === !decisive) return isFailure(r) ? r : unknownFrom(symbol, [r]);
  if (l === null || r === null) return failure(symbol, 'Operation failed: Error during operation: argument must not be null');
  return operator === '&&' ? (l as boolean) && (r as boolean) : (l as boolean) || (r as boolean);
}

/** Unknown template pieces that are whole directives, written into the template's symbol as they are. */
const DIRECTIVES = new WeakSet<Unknown>();

function directive(value: Unknown): Unknown {
  if (!isFailure(value)) DIRECTIVES.add(value);
  return value;
}

/** The value of an interpolation as template text: strings as they are, numbers and bools converted. */
function interpolated(value: Value, expression: Expression): Value {
  if (value instanceof Unknown) return value;
  if (value === null) return failure(expressionText(expression), 'Invalid template interpolation value: the expression result is null');
  const converted = toStringValue(value);
  if ('error' in converted) return failure(expressionText(expression), `Invalid template interpolation value: cannot include a ${typeName(value)} in a string template`);
  return converted.value;
}

/** A collection's keys and values as `for` iterates them: list indexes in order, map keys in cty's order. */
function collectionEntries(collection: readonly Value[] | { readonly [key: string]: Value }): Entry[] {
  if (Array.isArray(collection)) return collection.map((v, i) => [i, v]);
  const object = collection as { readonly [key: string]: Value };
  return sortedKeys(object).map((k) => [k, object[k]]);
}

/** A value written as an operand inside a symbol, parenthesised where it is itself an operation. */
function operand(value: Value): string {
  const text = canonicalText(value);
  return value instanceof Unknown && hasTopLevelSpace(text) ? `(${text})` : text;
}

function hasTopLevelSpace(text: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ' ' && depth === 0) return true;
  }
  return false;
}

/**
 * `==` as cty decides it: values of different types are not equal (`1 == "1"` is false), and an
 * unknown makes the answer unknown unless a known part already differs. Undefined means unknown.
 */
export function valuesEqual(a: Value, b: Value): boolean | undefined {
  if (a instanceof Unknown || b instanceof Unknown) return undefined;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a)) {
    const bl = b as readonly Value[];
    if (a.length !== bl.length) return false;
    for (let i = 0; i < a.length; i++) {
      const equal = valuesEqual(a[i], bl[i]);
      if (equal !== true) return equal;
    }
    return true;
  }
  const ao = a as { readonly [key: string]: Value };
  const bo = b as { readonly [key: string]: Value };
  const keys = sortedKeys(ao);
  if (keys.length !== Object.keys(bo).length || !keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k))) return false;
  for (const k of keys) {
    const equal = valuesEqual(ao[k], bo[k]);
    if (equal !== true) return equal;
  }
  return true;
}

/** `.name` on a value: an object's attribute or a map's element, or a list element by a legacy `.0`. */
export function getAttribute(value: Value, name: string): Value {
  if (value instanceof Unknown) return isFailure(value) ? value : unknownFrom(`${operand(value)}.${name}`, [value]);
  // Rendering a whole object is costly: only a failure needs the symbol.
  const symbol = () => `${canonicalText(value)}.${name}`;
  if (value === null) return failure(symbol(), `Attempt to get attribute from null value: null has no attribute "${name}"`);
  if (Array.isArray(value)) {
    if (/^\d+$/.test(name)) return index(value, Number(name));
    return failure(symbol(), `Unsupported attribute: a list or tuple has no attribute "${name}"`);
  }
  if (typeof value === 'object') {
    const object = value as { readonly [key: string]: Value };
    if (Object.prototype.hasOwnProperty.call(object, name)) return object[name];
    return failure(symbol(), `Unsupported attribute: this object does not have an attribute named "${name}"`);
  }
  return failure(symbol(), `Unsupported attribute: a ${typeName(value)} has no attributes`);
}

/** `[key]` on a value, with HCL's conversions of the key: a number for lists, a string for maps. */
export function index(value: Value, key: Value): Value {
  const failed = firstFailure([value, key]);
  if (failed) return failed;
  // Rendering a whole collection is costly: only a failure or an unknown needs the symbol.
  const symbol = () => `${canonicalText(value)}[${canonicalText(key)}]`;
  if (value instanceof Unknown) return unknownFrom(`${operand(value)}[${canonicalText(key)}]`, [value, key]);
  if (value === null) return failure(symbol(), 'Attempt to index null value: this value is null, so it does not have any indices');
  if (key === null) return failure(symbol(), 'Invalid index: a null value cannot be an index');
  if (key instanceof Unknown) return unknownFrom(symbol(), [value, key]);
  if (Array.isArray(value)) {
    const number = toNumberValue(key);
    if ('error' in number || typeof number.value !== 'number') return failure(symbol(), 'Invalid index: a number is required to index a list or tuple');
    const i = number.value;
    if (!Number.isInteger(i)) return failure(symbol(), 'Invalid index: the index must be a whole number');
    if (i < 0 || i >= value.length)
      return failure(symbol(), `Invalid index: the given key does not identify an element in this collection value (${value.length} elements)`);
    return value[i];
  }
  if (typeof value === 'object') {
    const text = toStringValue(key);
    if ('error' in text) return failure(symbol(), 'Invalid index: a string is required to index a map or object');
    const object = value as { readonly [key: string]: Value };
    const k = text.value as string;
    if (Object.prototype.hasOwnProperty.call(object, k)) return object[k];
    return failure(symbol(), `Invalid index: the given key does not identify an element in this collection value ("${k}")`);
  }
  return failure(symbol(), `Invalid index: a ${typeName(value)} does not have any indices`);
}
