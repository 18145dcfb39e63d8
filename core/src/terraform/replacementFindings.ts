/**
 * Replacement findings for one root module and the child modules it calls: which edits force (or
 * may force) replacement of which instances, where the edit is when the value came from elsewhere
 * (a variable definitions file, a module argument, a default, a local), which resources the
 * replacement drags along (the cascade), where `prevent_destroy` makes the plan fail, where data
 * would be lost, and which `replace_triggered_by` targets change. Pure: the value flow's
 * assessments in, findings out.
 */
import type { Finding, FindingFix, FindingRelated, FindingRule } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import { RELATED_TEXT, type ChangedAttribute, type EditSiteFacts, type RuleOrigin } from '../findingText/terraformText';
import { describeBaseline, type TerraformBaseline } from './baseline/terraformBaseline';
import { blockHeaderRange, literalBool, type ConfiguredResource } from './configuration';
import { lifecycleFlagFix, lineCache } from './fixes';
import type { KnowledgeLookup } from './knowledgeLookup';
import type { LearnedKnowledge, LearnedPlanOrigin, LearnedResource, LearnedRule } from './learnedReplacements';
import type { ModuleProviderVersion } from './moduleProviderVersions';
import { sourceKey } from './providerAddress';
import type { AttributeChange } from './resourceComparison';
import {
  ConfigurationValues,
  instanceKeySuffix as keySuffix,
  renderSiteValue,
  type Expansion,
  type InstanceKey,
  type ModuleInstance,
  type ResourceInstance,
  type ValueSite,
} from './valueFlow/configurationValues';
import type { InstanceAssessment } from './valueFlow/instanceAssessment';

export interface ReplacementAnalysisInput {
  values: ConfigurationValues;
  /** File texts by path, for code action edits. */
  texts: Map<string, string>;
  baseline: TerraformBaseline;
  knowledge: KnowledgeLookup;
  /** The version the module uses of each provider, by `providerKey`, where its files say: named with each rule. */
  moduleVersions?: ReadonlyMap<string, ModuleProviderVersion>;
  /** `knowledge` itself when it holds rules learned from plans: the findings they make say so. */
  learned?: LearnedKnowledge;
  /** Lines whose text differs from the baseline's configuration (by site key), with the baseline's site: where an edit is. */
  editedSites: ReadonlyMap<string, { before?: ValueSite }>;
}

export function instanceKeySuffix(key: InstanceKey): string {
  return keySuffix(key);
}

/** Every instance of the tree with its assessment, grouped by resource block. */
interface ResourceGroup {
  resource: ConfiguredResource;
  instances: Array<{ instance: ResourceInstance; assessment: InstanceAssessment }>;
}

/** The findings for every assessed instance, plus the lifecycle consequences and the notes on what could not be followed. */
export function replacementFindings(input: ReplacementAnalysisInput): Finding[] {
  const findings: Finding[] = [];
  if (input.baseline.kind === 'none') return findings;
  const { values } = input;
  const groups = new Map<ConfiguredResource, ResourceGroup>();
  const expanded = values.allModuleInstances();
  findings.push(
    ...expansionNotes(expanded.notes.map((n) => ({ file: n.call.file, range: n.call.block.typeRange, what: `module "${n.call.name}"`, expansion: n.expansion }))),
  );
  // Every instance is known by its address before any is assessed: an assessment reads others.
  const expansions: Array<{ module: ModuleInstance; resource: ConfiguredResource; expansion: Expansion<ResourceInstance> }> = [];
  for (const module of expanded.instances) {
    for (const resource of module.node.config.resources) {
      if (resource.mode === 'managed') expansions.push({ module, resource, expansion: values.instancesOf(module, resource) });
    }
  }
  for (const { module, resource, expansion } of expansions) {
    if (expansion.unknownKeys || expansion.truncated) {
      findings.push(...expansionNotes([{ file: resource.file, range: blockHeaderRange(resource.block), what: `\`${prefixed(module, resource.address)}\``, expansion }]));
    }
    for (const instance of expansion.instances) {
      const assessment = values.assessmentOf<InstanceAssessment | null>(instance);
      if (!assessment || assessment.created) continue;
      let group = groups.get(resource);
      if (!group) groups.set(resource, (group = { resource, instances: [] }));
      group.instances.push({ instance, assessment });
    }
  }
  const dependents = cascadeDependents(groups);
  const baselineText = describeBaseline(input.baseline);
  const linesOf = lineCache(input.texts);
  const sites = new Map<string, SiteReplacements>();
  for (const group of groups.values()) {
    findings.push(...groupFindings(input, group, dependents, baselineText, linesOf, sites));
  }
  findings.push(...editSiteFindings(sites, input));
  linkCascades(findings);
  return findings;
}

/** Related information from a replacement to where each instance it drags along is replaced in turn: "also replaces …". */
function linkCascades(findings: Finding[]): void {
  const where = new Map<string, Finding>();
  for (const f of findings) if (f.code === 'terraform/cascade-replacement' && f.address && !where.has(f.address)) where.set(f.address, f);
  for (const f of findings) {
    if (!f.cascade || f.cascade.length === 0) continue;
    const related = f.cascade
      .slice(0, MAX_RELATED_DEPENDENTS)
      .map((address) => where.get(address))
      .filter((d): d is Finding => d !== undefined)
      .map((d) => ({ file: d.file, range: d.range, message: RELATED_TEXT.alsoReplaces(d.address!, f.cascade!.length) }));
    if (related.length > 0) f.related = [...(f.related ?? []), ...related];
  }
}

/** Dependents linked from one replacement: the hover and the message name the count of all of them. */
const MAX_RELATED_DEPENDENTS = 12;

function prefixed(module: ModuleInstance, address: string): string {
  return module.address ? `${module.address}.${address}` : address;
}

/** For each replaced instance, the instances its replacement replaces in turn, transitively, in order of discovery. */
function cascadeDependents(groups: Map<ConfiguredResource, ResourceGroup>): Map<string, string[]> {
  const direct = new Map<string, Set<string>>();
  const replaced = new Set<string>();
  for (const group of groups.values()) {
    for (const { assessment } of group.instances) {
      if (assessment.replacement) replaced.add(assessment.address);
      const upstream = new Set<string>();
      // An in-place update that renews what others read passes the cascade on, without being replaced itself.
      for (const change of assessment.changes) for (const ref of change.cascadeFrom ?? []) upstream.add(ref.address);
      for (const trigger of assessment.triggeredBy ?? []) for (const target of trigger.targets) upstream.add(target);
      for (const address of upstream) {
        let set = direct.get(address);
        if (!set) direct.set(address, (set = new Set()));
        set.add(assessment.address);
      }
    }
  }
  const transitive = new Map<string, string[]>();
  for (const start of direct.keys()) {
    const seen = new Set<string>([start]);
    const order: string[] = [];
    const queue = [start];
    while (queue.length > 0) {
      for (const next of direct.get(queue.shift()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        if (replaced.has(next)) order.push(next);
        queue.push(next);
      }
    }
    if (order.length > 0) transitive.set(start, order);
  }
  return transitive;
}

/** Per edited line: the instances its edit replaces, and the findings at their attributes. */
interface SiteReplacements {
  site: ValueSite;
  targets: Array<{ address: string; attribute: string; certain: boolean; file: string; range: Finding['range'] }>;
}

function groupFindings(
  input: ReplacementAnalysisInput,
  group: ResourceGroup,
  dependents: Map<string, string[]>,
  baselineText: string,
  linesOf: (file: string) => string[],
  sites: Map<string, SiteReplacements>,
): Finding[] {
  const findings: Finding[] = [];
  const { resource } = group;
  // Most resources have nothing to say: nothing of what follows is worth computing for them.
  if (!group.instances.some(({ assessment }) => assessment.replacement || assessment.triggeredBy || assessment.changes.some((c) => c.outcome !== 'update')))
    return findings;
  const knowledge = input.knowledge.resource(resource.type);
  const provider = knowledge?.provider;
  const learnedResource = input.learned?.learnedResource(resource.type);
  const createFirst = literalBool(resource.lifecycle.createBeforeDestroy) === true;
  const preventDestroy = literalBool(resource.lifecycle.preventDestroy) === true;
  const cbdFix = createFirst ? undefined : lifecycleFlagFix(resource.block, linesOf(resource.file), 'create_before_destroy');

  // The same change on several instances is one message naming them all, on one finding per instance.
  const merged = new Map<string, { change: AttributeChange; instances: ResourceInstance[] }>();
  for (const { instance, assessment } of group.instances) {
    for (const change of assessment.changes) {
      if (change.outcome === 'update') continue;
      const key = `${change.path.join('.')}|${change.outcome}|${change.before}|${change.after}|${change.cascadeFrom ? 'cascade' : ''}|${change.ruleSource ?? ''}`;
      const existing = merged.get(key);
      if (existing) existing.instances.push(instance);
      else merged.set(key, { change, instances: [instance] });
    }
  }
  const sharedIdentity = sameIdentity(
    knowledge?.knowledge.identity,
    [...merged.values()].map((m) => m.change),
  );

  for (const { change, instances } of merged.values()) {
    const certain = change.outcome === 'certain';
    const addresses = instances.map((i) => i.address);
    const learnedRule = learnedResource?.learned.get(change.path.join('.'));
    const ruleSource =
      learnedRule || change.askedProvider !== undefined
        ? change.ruleSource
        : provider
          ? `${provider.source} v${provider.version}${change.ruleSource ? `: ${change.ruleSource}` : ''}`
          : change.ruleSource;
    const asked = change.askedProvider !== undefined ? askedOrigin(change.askedProvider) : undefined;
    const rule = asked ?? (provider && ruleOrigin(provider, learnedRule, learnedResource, input.moduleVersions));
    const cascade = change.cascadeFrom;
    const code = cascade ? 'terraform/cascade-replacement' : certain ? 'terraform/forces-replacement' : 'terraform/may-force-replacement';
    const edits = cascade ? [] : editedSitesOf(input, instances, change);
    const text = cascade
      ? renderFinding('terraform/cascade-replacement', {
          instances: addresses,
          attribute: changedAttribute(change),
          upstream: cascade.map((r) => ({ address: r.address, attribute: r.attribute })),
          certain,
          ruleSource,
        })
      : renderFinding(code as 'terraform/forces-replacement', {
          attribute: changedAttribute(change),
          before: change.before,
          after: change.after,
          instances: addresses,
          baseline: baselineText,
          ruleSource,
          rule,
          createBeforeDestroy: createFirst,
          sharedIdentity,
          uncertainty: change.uncertainty,
          editedAt: edits.map((site) => ({ name: site.name, file: site.file })),
        });
    const related: FindingRelated[] = [...edits.map((site) => ({ file: site.file, range: site.range, message: RELATED_TEXT.editedHere(site.name) }))];
    for (const instance of instances) {
      const downstream = dependents.get(instance.address) ?? [];
      findings.push({
        file: resource.file,
        range: change.range,
        blockRange: blockHeaderRange(resource.block),
        severity: certain ? 'warning' : 'information',
        code,
        message: text.message,
        address: instance.address,
        attribute: change.path.join('.'),
        before: change.before,
        after: change.after,
        replacement: certain ? 'certain' : 'possible',
        ruleSource,
        rule: asked
          ? { provider: asked.provider, version: asked.version, ...(change.ruleSource ? { source: change.ruleSource } : {}), asked: true }
          : provider && findingRule(provider, change.ruleSource, learnedRule?.origin),
        detail: withCascade(text.detail, downstream),
        fixes: cbdFix ? [cbdFix] : undefined,
        ...(downstream.length > 0 ? { cascade: downstream } : {}),
        ...(cascade ? { cascadeFrom: [...new Set(cascade.map((r) => r.address))] } : {}),
        ...(related.length > 0 ? { related } : {}),
      });
    }
    for (const site of edits) {
      let entry = sites.get(site.key);
      if (!entry) sites.set(site.key, (entry = { site, targets: [] }));
      for (const address of addresses) entry.targets.push({ address, attribute: change.path.join('.'), certain, file: resource.file, range: change.range });
    }
  }

  const replacing = [...merged.values()];
  const replaced = group.instances.filter(({ assessment }) => assessment.replacement);
  if (replaced.length > 0) {
    const certain = replaced.some(({ assessment }) => assessment.replacement === 'certain');
    const first = replacing[0]?.change;
    const firstAddress = replaced[0].instance.address;
    const attribute: ChangedAttribute = first ? changedAttribute(first) : { path: 'replace_triggered_by' };
    if (preventDestroy && certain && resource.lifecycle.preventDestroy) {
      findings.push({
        file: resource.file,
        range: resource.lifecycle.preventDestroy.range,
        blockRange: blockHeaderRange(resource.block),
        severity: 'error',
        code: 'terraform/replace-blocked-by-prevent-destroy',
        message: renderFinding('terraform/replace-blocked-by-prevent-destroy', { address: replaced[0].instance.resourceAddress, attribute }).message,
        address: firstAddress,
        attribute: attribute.path,
        before: first?.before,
        after: first?.after,
        replacement: 'certain',
      });
    }
    const statefulReason = input.knowledge.statefulReason(resource.type);
    if (statefulReason && first) {
      const fixes: FindingFix[] = [];
      const guard = preventDestroy ? undefined : lifecycleFlagFix(resource.block, linesOf(resource.file), 'prevent_destroy');
      if (guard) fixes.push(guard);
      findings.push({
        file: resource.file,
        range: first.range,
        blockRange: blockHeaderRange(resource.block),
        severity: certain ? 'error' : 'warning',
        code: 'terraform/stateful-replacement',
        message: renderFinding('terraform/stateful-replacement', { cause: 'replacement', address: replaced[0].instance.resourceAddress, certain, reason: statefulReason })
          .message,
        address: firstAddress,
        attribute: first.path.join('.'),
        replacement: certain ? 'certain' : 'possible',
        fixes,
      });
    }
  }
  for (const { instance, assessment } of group.instances) {
    for (const trigger of assessment.triggeredBy ?? []) {
      const downstream = dependents.get(instance.address) ?? [];
      findings.push({
        file: resource.file,
        range: trigger.range,
        severity: 'information',
        code: 'terraform/replace-triggered-by',
        message: renderFinding('terraform/replace-triggered-by', {
          address: instance.address,
          reference: trigger.reference,
          replaced: trigger.replaced,
          changed: trigger.changed,
        }).message,
        address: instance.address,
        replacement: trigger.certain ? 'certain' : 'possible',
        ...(downstream.length > 0 ? { cascade: downstream } : {}),
      });
    }
  }
  return findings;
}

/** The edited lines (other than the attribute itself) that the change's value came from. */
function editedSitesOf(input: ReplacementAnalysisInput, instances: ResourceInstance[], change: AttributeChange): ValueSite[] {
  if (input.editedSites.size === 0) return [];
  const keys = instances.map((instance) => ConfigurationValues.attributeKey(instance, change.path[0]));
  return input.values.sitesOf(keys).filter((site) => input.editedSites.has(site.key));
}

/** One finding per edited line that replaces something: on that line, naming every instance it replaces. */
function editSiteFindings(sites: Map<string, SiteReplacements>, input: ReplacementAnalysisInput): Finding[] {
  const findings: Finding[] = [];
  for (const { site, targets } of sites.values()) {
    const certain = targets.some((t) => t.certain);
    const before = input.editedSites.get(site.key);
    const facts: EditSiteFacts = {
      name: site.name,
      before: before?.before ? renderSiteValue(before.before) : '(not set)',
      after: renderSiteValue(site),
      targets: targets.map((t) => ({ address: t.address, attribute: t.attribute })),
      certain,
    };
    const code = certain ? 'terraform/forces-replacement' : 'terraform/may-force-replacement';
    const text = renderFinding(code, {
      editSite: facts,
      attribute: { path: site.name },
      before: facts.before,
      after: facts.after,
      instances: [],
      baseline: '',
      createBeforeDestroy: false,
    });
    findings.push({
      file: site.file,
      range: site.range,
      severity: certain ? 'warning' : 'information',
      code,
      message: text.message,
      detail: text.detail,
      address: targets[0].address,
      attribute: targets[0].attribute,
      before: facts.before,
      after: facts.after,
      replacement: certain ? 'certain' : 'possible',
      related: targets.slice(0, 20).map((t) => ({ file: t.file, range: t.range, message: RELATED_TEXT.takesThisValue(t.address, t.attribute) })),
    });
  }
  return findings;
}

function withCascade(detail: string | undefined, downstream: string[]): string | undefined {
  if (downstream.length === 0) return detail;
  const listed = downstream
    .slice(0, 12)
    .map((a) => `\`${a}\``)
    .join(', ');
  const more = downstream.length > 12 ? ` and ${downstream.length - 12} more` : '';
  return `${detail ?? ''}\n\n**Also replaces ${downstream.length} dependent${downstream.length === 1 ? '' : 's'}** (their force-new arguments read what the replacement renews): ${listed}${more}.`;
}

/** Notes where instances could not be listed before plan, or more exist than are followed. */
function expansionNotes(
  items: Array<{ file: string; range: Finding['range']; what: string; expansion: { unknownKeys?: string; truncated?: number; instances: unknown[] } }>,
): Finding[] {
  return items.map(({ file, range, what, expansion }) => ({
    file,
    range,
    severity: 'hint',
    code: 'terraform/instances-unknown',
    message: renderFinding('terraform/instances-unknown', {
      what,
      unknownKeys: expansion.unknownKeys,
      followed: expansion.instances.length,
      truncated: expansion.truncated,
    }).message,
  }));
}

/** Whose rule a replacing change follows: a plan's, or the knowledge base's at its version beside the module's. */
function ruleOrigin(
  provider: { source: string; version: string },
  learnedRule: LearnedRule | undefined,
  learnedResource: LearnedResource | undefined,
  moduleVersions: ReadonlyMap<string, ModuleProviderVersion> | undefined,
): RuleOrigin {
  const key = sourceKey(provider.source);
  if (learnedRule) {
    const knowledgeVersion = learnedResource?.knowledgeVersion;
    return {
      kind: 'learned',
      plan: learnedRule.origin.plan,
      time: learnedRule.origin.time,
      ...(learnedRule.contradicted && knowledgeVersion !== undefined ? { contradicted: { provider: key, version: knowledgeVersion, says: 'updates in place' } } : {}),
    };
  }
  const used = moduleVersions?.get(key);
  return { kind: 'knowledge', provider: key, version: provider.version, ...(used ? { used } : {}) };
}

/** `hashicorp/tls 4.2.1`, as the provider client names who answered. */
function askedOrigin(label: string): { kind: 'provider'; provider: string; version: string } {
  const space = label.lastIndexOf(' ');
  return { kind: 'provider', provider: space > 0 ? label.slice(0, space) : label, version: space > 0 ? label.slice(space + 1) : '' };
}

function findingRule(provider: { source: string; version: string }, source: string | undefined, learned: LearnedPlanOrigin | undefined): FindingRule {
  const key = sourceKey(provider.source);
  if (learned) return { provider: key, ...(source ? { source } : {}), learned };
  return { provider: key, version: provider.version, ...(source ? { source } : {}) };
}

function changedAttribute(change: AttributeChange): ChangedAttribute {
  return { path: change.path.join('.'), ...(change.isBlock ? { isBlock: true } : {}) };
}

/**
 * When the resource's identity attributes (a file's path) are not among the changes, the old and
 * the new object are the same thing out there: what `create_before_destroy` does to them.
 */
function sameIdentity(
  identity: { attributes: string[]; hazard: string } | undefined,
  changes: readonly AttributeChange[],
): { attributes: string[]; hazard: string } | undefined {
  if (!identity) return undefined;
  if (changes.some((c) => identity.attributes.includes(String(c.path[0])))) return undefined;
  return identity;
}
