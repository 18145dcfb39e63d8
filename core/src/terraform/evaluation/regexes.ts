/**
 * RE2 patterns (Terraform's `regex`, `regexall`, `replace` with `/…/`) run as JavaScript regular
 * expressions, but only where the two agree: a pattern using syntax that means something else in
 * one of them (lookaround, backreferences, `\z`, POSIX classes, inline flags mid-pattern) is not
 * translated, and the caller leaves the result unknown rather than guess.
 */

/** The JavaScript equivalent of an RE2 pattern, or undefined where there is none this trusts. */
export function regExpFromRE2(pattern: string, global = false): RegExp | undefined {
  let source = pattern;
  let flags = 'u' + (global ? 'g' : '');
  // Leading inline flags are JavaScript flags; anywhere else they have no equivalent.
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    flags += [...new Set(leading[1])].join('');
    source = source.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return undefined;
      // RE2's \s is ASCII whitespace only; JavaScript's includes Unicode spaces.
      if (next === 's') out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      else if (next === 'S' && !inClass) out += '[^\\t\\n\\f\\r ]';
      else if ('dDwWbBtnrfv.*+?()[]{}|^$\\/-'.includes(next)) out += c + next;
      else if (next === 'p' || next === 'P') {
        if (source[i + 2] !== '{') return undefined;
        out += c + next;
      } else return undefined;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') return undefined;
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      if (source.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (source.startsWith('(?:', i) || (source.startsWith('(?<', i) && !source.startsWith('(?<=', i) && !source.startsWith('(?<!', i))) {
        out += c;
        continue;
      }
      return undefined;
    }
    out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch {
    return undefined;
  }
}

/** Whether RE2 accepts the pattern at all is not known here; a pattern JavaScript rejects is left unknown too. */
export function expandReplacement(template: string, match: RegExpExecArray): string | undefined {
  // Go's Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a name is the longest run of word characters.
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (template[i + 1] === '{') {
      const end = template.indexOf('}', i + 2);
      if (end < 0) return undefined;
      name = template.slice(i + 2, end);
      i = end;
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (!m) return undefined;
      name = m[0];
      i += m[0].length;
    }
    const group = /^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name];
    out += group ?? '';
  }
  return out;
}
