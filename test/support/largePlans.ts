/**
 * Large and hostile `show -json` plans made from a real OpenTofu plan (the graph-features
 * fixture): its own changes, plus copies of its `local_file.example` replacement (forced by
 * `file_permission`), its `null_resource.gone` destroy and one of its creates, each copy a count
 * instance of its own. The copies keep the shape OpenTofu wrote; only addresses and indexes differ.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const GRAPH_FEATURES_PLAN = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans', 'opentofu-real', 'graph-features', 'plan.json');

interface RawChange {
  address: string;
  mode: string;
  type: string;
  name: string;
  index?: number | string;
  module_address?: string;
  change: Record<string, unknown>;
  [key: string]: unknown;
}

interface RawPlan {
  resource_changes: RawChange[];
  [key: string]: unknown;
}

export function graphFeaturesPlan(): RawPlan {
  return JSON.parse(readFileSync(GRAPH_FEATURES_PLAN, 'utf8')) as RawPlan;
}

function change(plan: RawPlan, address: string): RawChange {
  const found = plan.resource_changes.find((rc) => rc.address === address);
  if (!found) throw new Error(`the graph-features plan has no ${address}`);
  return found;
}

/** `copy` of `template` as instance `index` of `type.name`. */
function instance(template: RawChange, name: string, index: number): RawChange {
  return { ...structuredClone(template), address: `${template.type}.${name}[${index}]`, name, index };
}

/** The real plan plus `replace` replacements, `destroy` destroys and `create` creates (before the real ones' own). */
export function largePlan(counts: { replace: number; destroy: number; create: number }): RawPlan {
  const plan = graphFeaturesPlan();
  const replacement = change(plan, 'local_file.example');
  const destroy = change(plan, 'null_resource.gone');
  const create = change(plan, 'local_file.drifting');
  for (let i = 0; i < counts.replace; i++) plan.resource_changes.push(instance(replacement, 'copies', i));
  for (let i = 0; i < counts.destroy; i++) plan.resource_changes.push(instance(destroy, 'gone_copies', i));
  for (let i = 0; i < counts.create; i++) plan.resource_changes.push(instance(create, 'new_copies', i));
  return plan;
}

/**
 * Names and values that would break a Markdown comment if written raw: table pipes, HTML (a
 * script, an image with a handler, a closing `</code>` and `</details>`), emphasis, code fences,
 * a link, a mention, GitHub math, and a line break followed by a heading.
 */
export const HOSTILE_KEY =
  'x | </code></details><script>alert(1)</script> **bold** `tick` ```fence [link](https://e.invalid) _u_ ~s~ @team $m$ &amp;\n# heading\r\n| a | b |';

/** The graph-features plan with `local_file.example` renamed to a hostile instance key, its new `file_permission` hostile too. */
export function hostilePlan(): RawPlan {
  const plan = graphFeaturesPlan();
  const example = change(plan, 'local_file.example');
  // Raw, not JSON-quoted: a hand-made plan can hold any address.
  example.address = `local_file.example["${HOSTILE_KEY}"]`;
  example.index = HOSTILE_KEY;
  (example.change.after as Record<string, unknown>).file_permission = '<img src=x onerror=alert(1)>|';
  const gone = change(plan, 'null_resource.gone');
  gone.address = `null_resource.gone["${HOSTILE_KEY}"]`;
  gone.index = HOSTILE_KEY;
  return plan;
}
