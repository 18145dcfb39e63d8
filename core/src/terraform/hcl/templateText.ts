/**
 * The text of a template file (what `templatefile` reads) as an expression: HCL parses such a file
 * as a bare template, which is what a heredoc holds, so the text is parsed as the body of one. The
 * closing marker is a word the text does not contain; the line break the heredoc needs after an
 * unterminated last line is taken off again.
 */
import type { Expression, TemplatePart } from './expression';
import type { HclParser } from './hclParser';

export function parseTemplateText(parser: HclParser, text: string): Expression | undefined {
  let marker = 'TEMPLATE';
  while (text.includes(marker)) marker += '_';
  const added = !text.endsWith('\n');
  const parsed = parser.parse(`template = <<${marker}\n${text}${added ? '\n' : ''}${marker}\n`);
  const node = parsed.file.attributes[0]?.value;
  parsed.dispose();
  if (!node || parsed.file.errors.length > 0) return undefined;
  const value = node.value;
  if (value.kind === 'string') return { type: 'literal', value: added ? value.value.slice(0, -1) : value.value, range: node.range };
  if (value.kind !== 'expression' || value.expression.type !== 'template') return undefined;
  if (!added) return value.expression;
  const parts: TemplatePart[] = [...value.expression.parts];
  const last = parts[parts.length - 1];
  if (last?.kind !== 'literal' || !last.value.endsWith('\n')) return undefined;
  parts[parts.length - 1] = { kind: 'literal', value: last.value.slice(0, -1) };
  return { ...value.expression, parts };
}

/** Template files parsed once per text: a module reads the same few templates on every analysis. */
export class ParsedTemplates {
  private readonly parsed = new Map<string, Expression | undefined>();

  constructor(private readonly parser: HclParser) {}

  parse(text: string): Expression | undefined {
    if (this.parsed.has(text)) return this.parsed.get(text);
    if (this.parsed.size >= MAX_TEMPLATES) this.parsed.clear();
    const expression = parseTemplateText(this.parser, text);
    this.parsed.set(text, expression);
    return expression;
  }
}

/** Templates kept; more than a module uses, few enough to hold any size. */
const MAX_TEMPLATES = 64;
