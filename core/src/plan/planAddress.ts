/**
 * Resource and module addresses as Terraform writes them (`module.a["k"].aws_instance.web[0]`),
 * taken apart without a full grammar: names are separated by dots and instance keys are bracketed,
 * where a quoted key may itself hold dots, brackets and escaped quotes. Pure.
 */

/** Names of the steps of an address or a reference, instance keys (`[0]`, `["k"]`) dropped. */
export function addressNames(address: string): string[] {
  const names: string[] = [];
  let i = 0;
  let current = '';
  while (i < address.length) {
    const ch = address[i];
    if (ch === '.') {
      if (current) names.push(current);
      current = '';
      i++;
    } else if (ch === '[') {
      if (current) names.push(current);
      current = '';
      i = skipBracket(address, i);
    } else {
      current += ch;
      i++;
    }
  }
  if (current) names.push(current);
  return names;
}

/** Index just past the `]` closing the bracket at `start`, skipping over a quoted key that may hold `]`, `.` or `\"`. */
function skipBracket(text: string, start: number): number {
  let i = start + 1;
  let inString = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === ']') return i + 1;
  }
  return i;
}

/**
 * The module path of an instance address as its steps with keys, e.g.
 * `module.a["x.y"].module.b[0].aws_instance.web` → [`module.a["x.y"]`, `module.b[0]`].
 */
export function moduleSteps(moduleAddress: string): string[] {
  const steps: string[] = [];
  let i = 0;
  while (i < moduleAddress.length) {
    let j = i;
    // `module.NAME` then any number of `[key]`.
    const dot1 = moduleAddress.indexOf('.', j);
    if (dot1 < 0) break;
    j = dot1 + 1;
    while (j < moduleAddress.length && moduleAddress[j] !== '.' && moduleAddress[j] !== '[') j++;
    while (moduleAddress[j] === '[') j = skipBracket(moduleAddress, j);
    steps.push(moduleAddress.slice(i, j));
    i = moduleAddress[j] === '.' ? j + 1 : j;
  }
  return steps;
}

/** The configuration address of a resource change: keys stripped from the module path, the resource by mode. */
export function configAddressOf(moduleAddress: string | undefined, mode: string, type: string, name: string): string {
  const modulePath = moduleAddress ? addressNames(moduleAddress).join('.') : '';
  const prefix = mode === 'data' ? 'data.' : mode === 'ephemeral' ? 'ephemeral.' : '';
  return `${modulePath ? `${modulePath}.` : ''}${prefix}${type}.${name}`;
}
