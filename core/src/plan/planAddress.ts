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

/** One step of a reference or an address: a name, and the instance key written right after it, if any. */
export interface AddressStep {
  name: string;
  /** `0` for `[0]`, `"x"` for `["x"]`; undefined when no key follows, or one that is not a literal number or string. */
  key?: string | number;
}

/**
 * The steps of a reference as the plan lists it (`null_resource.each["x"].id`,
 * `module.leaf["p"].out`): like addressNames, but keeping each literal instance key with its name.
 */
export function addressStepsWithKeys(address: string): AddressStep[] {
  const steps: AddressStep[] = [];
  let i = 0;
  let current = '';
  // Whether the last step already had a bracket after it (its key, literal or not).
  let bracketed = false;
  const flush = () => {
    if (current) {
      steps.push({ name: current });
      bracketed = false;
    }
    current = '';
  };
  while (i < address.length) {
    const ch = address[i];
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const end = skipBracket(address, i);
      const key = instanceKey(address.slice(i + 1, end - 1));
      const last = steps[steps.length - 1];
      // Only the first bracket belongs to a name; a second (`a[0][1]`, an element of an attribute's value) is no instance key.
      if (last && !bracketed && key !== undefined) last.key = key;
      bracketed = true;
      i = end;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  return steps;
}

function instanceKey(text: string): string | number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    try {
      const key: unknown = JSON.parse(text);
      return typeof key === 'string' ? key : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
