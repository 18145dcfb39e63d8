/**
 * An expression written back as HCL, whitespace normalised: the symbol of an unknown where the
 * evaluator cannot substitute values into it (the body of a `for` over an unknown collection).
 */
import type { Expression, TemplatePart, TraversalStep } from '../hcl/expression';

export function expressionText(expression: Expression): string {
  switch (expression.type) {
    case 'literal':
      return typeof expression.value === 'string' ? JSON.stringify(expression.value) : String(expression.value);
    case 'template':
      return `"${templateText(expression.parts)}"`;
    case 'traversal':
      return expression.root + stepsText(expression.steps);
    case 'relative':
      return expressionText(expression.target) + stepsText(expression.steps);
    case 'splat':
      return `${expressionText(expression.target)}${expression.full ? '[*]' : '.*'}${stepsText(expression.each)}`;
    case 'call':
      return `${expression.name}(${expression.args.map(expressionText).join(', ')}${expression.expandFinal ? '...' : ''})`;
    case 'conditional':
      return `${expressionText(expression.condition)} ? ${expressionText(expression.then)} : ${expressionText(expression.else)}`;
    case 'binary':
      return `${operandText(expression.left)} ${expression.operator} ${operandText(expression.right)}`;
    case 'unary':
      return expression.operator + operandText(expression.operand);
    case 'tuple':
      return `[${expression.items.map(expressionText).join(', ')}]`;
    case 'object':
      return expression.entries.length === 0 ? '{}' : `{ ${expression.entries.map((e) => `${keyText(e.key)} = ${expressionText(e.value)}`).join(', ')} }`;
    case 'for': {
      const names = expression.keyVar ? `${expression.keyVar}, ${expression.valueVar}` : expression.valueVar;
      const body =
        expression.result === 'object'
          ? `${expressionText(expression.key!)} => ${expressionText(expression.value)}${expression.grouping ? '...' : ''}`
          : expressionText(expression.value);
      const condition = expression.condition ? ` if ${expressionText(expression.condition)}` : '';
      const [open, close] = expression.result === 'object' ? ['{', '}'] : ['[', ']'];
      return `${open}for ${names} in ${expressionText(expression.collection)} : ${body}${condition}${close}`;
    }
    case 'parenthesis':
      return `(${expressionText(expression.inner)})`;
    case 'unsupported':
      return expression.text.replace(/\s+/g, ' ').trim();
  }
}

function operandText(expression: Expression): string {
  const text = expressionText(expression);
  return expression.type === 'binary' || expression.type === 'conditional' ? `(${text})` : text;
}

function keyText(key: Expression): string {
  if (key.type === 'literal' && typeof key.value === 'string' && /^[A-Za-z_][\w-]*$/.test(key.value)) return key.value;
  return key.type === 'literal' ? expressionText(key) : `(${expressionText(key)})`;
}

export function stepsText(steps: readonly TraversalStep[]): string {
  return steps.map((s) => (s.kind === 'attr' ? `.${s.name}` : `[${expressionText(s.key)}]`)).join('');
}

/** Template parts as they are written between the quotes. */
export function templateText(parts: readonly TemplatePart[]): string {
  return parts
    .map((part) => {
      switch (part.kind) {
        case 'literal':
          return escapeTemplateLiteral(part.value);
        case 'interpolation':
          return `\${${expressionText(part.expression)}}`;
        case 'if':
          return `%{if ${expressionText(part.condition)}}${templateText(part.then)}${part.else.length ? `%{else}${templateText(part.else)}` : ''}%{endif}`;
        case 'for':
          return `%{for ${part.keyVar ? `${part.keyVar}, ` : ''}${part.valueVar} in ${expressionText(part.collection)}}${templateText(part.body)}%{endfor}`;
      }
    })
    .join('');
}

/** Literal template text quoted as HCL writes it: `${` and `%{` doubled, quotes and control characters escaped. */
export function escapeTemplateLiteral(text: string): string {
  return JSON.stringify(text).slice(1, -1).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}
