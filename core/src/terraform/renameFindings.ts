/**
 * Address changes against the baseline that Terraform turns into destroy + create unless a
 * `moved` block maps them: a renamed resource label, count ↔ for_each, a resource moved into a
 * module. Pure.
 */
import type { Finding } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import { baselineConfiguration, type TerraformBaseline } from './baseline/terraformBaseline';
import type { ConfiguredResource, ModuleConfiguration, Repetition } from './configuration';
import { lineCache, movedBlockFix } from './fixes';
import type { KnowledgeLookup } from './knowledgeLookup';
import { instanceKeySuffix } from './replacementFindings';

export interface RenameAnalysisInput {
  config: ModuleConfiguration;
  texts: Map<string, string>;
  baseline: TerraformBaseline;
  /** Resource addresses (`type.name`) a local module source declares, for "moved into a module". */
  childModuleResources?: (source: string) => string[] | undefined;
}

interface BaselineResource {
  address: string;
  type: string;
  name: string;
  repetition: 'single' | 'count' | 'for_each' | 'unknown';
  /** Instance keys known from state. */
  instanceKeys: Array<number | string | undefined>;
}

function baselineResources(baseline: TerraformBaseline): BaselineResource[] {
  if (baseline.kind === 'state') {
    return baseline.state.resources
      .filter((r) => r.module === '' && r.mode === 'managed')
      .map((r) => {
        const kinds = new Set(r.instances.map((i) => typeof i.indexKey));
        const repetition = kinds.size !== 1 ? 'unknown' : kinds.has('number') ? 'count' : kinds.has('string') ? 'for_each' : 'single';
        return { address: `${r.type}.${r.name}`, type: r.type, name: r.name, repetition, instanceKeys: r.instances.map((i) => i.indexKey) };
      });
  }
  const deployed = baselineConfiguration(baseline);
  if (deployed) {
    return deployed.config.resources
      .filter((r) => r.mode === 'managed')
      .map((r) => ({ address: r.address, type: r.type, name: r.name, repetition: r.repetition.kind, instanceKeys: [] }));
  }
  return [];
}

export function renameFindings(input: RenameAnalysisInput): Finding[] {
  const findings: Finding[] = [];
  const linesOf = lineCache(input.texts);
  const before = baselineResources(input.baseline);
  if (before.length === 0) return findings;
  const beforeByAddress = new Map(before.map((r) => [r.address, r]));
  const movedFrom = new Set(input.config.moved.map((m) => stripKeys(m.from)).filter(Boolean) as string[]);
  const movedTo = new Set(input.config.moved.map((m) => stripKeys(m.to)).filter(Boolean) as string[]);
  const managed = input.config.resources.filter((r) => r.mode === 'managed');
  const currentAddresses = new Set(managed.map((r) => r.address));

  const gone = before.filter((r) => !currentAddresses.has(r.address) && !movedFrom.has(r.address) && !input.config.removed.has(r.address));
  const added = managed.filter((r) => !beforeByAddress.has(r.address) && !movedTo.has(r.address));

  // Label renames: a new resource of the same type as one that disappeared.
  const claimed = new Set<string>();
  for (const resource of added) {
    const candidates = gone.filter((g) => g.type === resource.type && !claimed.has(g.address));
    if (candidates.length === 0) continue;
    const old = candidates.length === 1 ? candidates[0] : closestByName(resource.name, candidates);
    claimed.add(old.address);
    const fix = movedBlockFix(resource.block, linesOf(resource.file), [{ from: old.address, to: resource.address }]);
    findings.push({
      file: resource.file,
      range: resource.block.labelRanges[1] ?? resource.block.typeRange,
      severity: 'warning',
      code: 'terraform/renamed-without-moved',
      message: renderFinding('terraform/renamed-without-moved', { move: 'label', from: old.address, to: resource.address }).message,
      address: resource.address,
      before: old.address,
      after: resource.address,
      replacement: 'certain',
      fixes: fix ? [fix] : undefined,
    });
  }

  // Moved into a module: a resource that is gone, and a module call whose local source declares it.
  if (input.childModuleResources) {
    for (const old of gone) {
      if (claimed.has(old.address)) continue;
      for (const call of input.config.moduleCalls) {
        if (!call.source || !/^\.\.?\//.test(call.source)) continue;
        const inner = input.childModuleResources(call.source);
        if (!inner?.includes(old.address)) continue;
        const to = `module.${call.name}.${old.address}`;
        if (movedTo.has(to)) continue;
        claimed.add(old.address);
        const fix = movedBlockFix(call.block, linesOf(call.file), [{ from: old.address, to }]);
        findings.push({
          file: call.file,
          range: call.block.labelRanges[0] ?? call.block.typeRange,
          severity: 'warning',
          code: 'terraform/renamed-without-moved',
          message: renderFinding('terraform/renamed-without-moved', { move: 'into-module', from: old.address, to, module: call.name }).message,
          address: to,
          before: old.address,
          after: to,
          replacement: 'certain',
          fixes: fix ? [fix] : undefined,
        });
        break;
      }
    }
  }

  // count ↔ for_each (and single ↔ for_each): every instance address changes.
  for (const resource of managed) {
    const old = beforeByAddress.get(resource.address);
    if (!old || old.repetition === 'unknown') continue;
    const now = resource.repetition.kind;
    if (now === old.repetition) continue;
    if (old.repetition === 'single' && now === 'count') continue; // Terraform moves x to x[0] by itself
    if (old.repetition === 'count' && now === 'single' && old.instanceKeys.length <= 1) continue; // and x[0] back to x
    if (input.config.moved.some((m) => stripKeys(m.to) === resource.address && stripKeys(m.from) === resource.address)) continue;
    findings.push(repetitionChangeFinding(resource, old, linesOf(resource.file)));
  }
  return findings;
}

function repetitionChangeFinding(resource: ConfiguredResource, old: BaselineResource, lines: string[]): Finding {
  const range = repetitionRange(resource.repetition) ?? resource.block.typeRange;
  const oldInstances = old.instanceKeys.map((k) => resource.address + instanceKeySuffix(k));
  let fix;
  if (resource.repetition.kind === 'single' && oldInstances.length === 1) {
    fix = movedBlockFix(resource.block, lines, [{ from: oldInstances[0], to: resource.address }]);
  }
  return {
    file: resource.file,
    range,
    severity: 'warning',
    code: 'terraform/renamed-without-moved',
    message: renderFinding('terraform/renamed-without-moved', {
      move: 'repetition',
      address: resource.address,
      from: old.repetition,
      to: resource.repetition.kind,
      instances: oldInstances.length,
    }).message,
    address: resource.address,
    before: old.repetition,
    after: resource.repetition.kind,
    replacement: 'certain',
    fixes: fix ? [fix] : undefined,
  };
}

function repetitionRange(repetition: Repetition) {
  return repetition.kind === 'single' ? undefined : repetition.value.range;
}

function stripKeys(address: string | undefined): string | undefined {
  return address?.replace(/\[[^\]]*\]/g, '');
}

function closestByName(name: string, candidates: BaselineResource[]): BaselineResource {
  let best = candidates[0];
  let bestScore = -1;
  for (const candidate of candidates) {
    const score = commonPrefix(name, candidate.name) + commonSuffix(name, candidate.name);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/**
 * A rename without `moved` destroys the old object: for a resource that holds data (a database,
 * a volume, a bucket) that is data loss, whether or not its provider is in the knowledge base.
 */
export function statefulRenameFindings(renames: Finding[], knowledge: Pick<KnowledgeLookup, 'statefulReason'>): Finding[] {
  const findings: Finding[] = [];
  for (const rename of renames) {
    if (rename.code !== 'terraform/renamed-without-moved' || !rename.before || !rename.address) continue;
    const type = rename.address.split('.').slice(-2)[0];
    const reason = knowledge.statefulReason(type);
    if (!reason) continue;
    findings.push({
      file: rename.file,
      range: rename.range,
      severity: 'error',
      code: 'terraform/stateful-replacement',
      message: renderFinding('terraform/stateful-replacement', { cause: 'rename', from: rename.before, to: rename.address, reason }).message,
      address: rename.address,
      before: rename.before,
      after: rename.after,
      replacement: 'certain',
      fixes: rename.fixes,
    });
  }
  return findings;
}
