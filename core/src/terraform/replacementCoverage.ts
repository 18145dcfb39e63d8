/**
 * Which managed resources of a module the replacement analysis can check, and a finding for
 * those it cannot. Only the knowledge base says which attributes force replacement; a resource
 * whose provider (or whose type) it does not describe gets no replacement finding at all, and
 * that silence would read as "safe". So each such provider is named once per module, with the
 * version the module uses as far as it is known. Pure: configuration, knowledge and lock file in.
 */
import type { Finding } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import type { NotCheckedFacts } from '../findingText/terraformText';
import { blockHeaderRange, type ConfiguredResource, type ModuleConfiguration, type ProviderRequirement } from './configuration';
import type { KnowledgeLookup } from './knowledgeLookup';
import { moduleProviderVersion, majorOf, providerConstraints, type ModuleProviderVersion } from './moduleProviderVersions';
import { impliedProvider, providerKey, sourceKey } from './providerAddress';

/** What the module's `.terraform.lock.hcl` could tell. */
export type LockFileVersions =
  | { kind: 'absent' }
  | { kind: 'unreadable' }
  /** Locked versions by `providerKey`. */
  | { kind: 'read'; versions: Map<string, string> };

/** Counts of managed resources (blocks, not instances). */
export interface ReplacementCoverage {
  /** Compared with the baseline using the knowledge base's rules. */
  checked: number;
  /** Not compared: the knowledge base has no rules for their provider or type. */
  withoutKnowledge: number;
  /** Known to the knowledge base, but not compared: the module has no baseline. */
  withoutBaseline: number;
}

export interface ReplacementCoverageInput {
  config: ModuleConfiguration;
  knowledge: Pick<KnowledgeLookup, 'resource' | 'providerFor'>;
  lockFile: LockFileVersions;
  hasBaseline: boolean;
}

export interface ReplacementCoverageResult {
  coverage: ReplacementCoverage;
  /** Addresses of the managed resources the knowledge base cannot check. */
  notChecked: Set<string>;
  /**
   * One `terraform/not-checked` finding per provider, at its first such resource; one
   * `terraform/knowledge-version-differs` per provider whose major version in the module is not
   * the knowledge base's, at its first resource.
   */
  findings: Finding[];
  /** The version the module uses of each provider the knowledge base checks, by `providerKey`, where its files say. */
  moduleVersions: Map<string, ModuleProviderVersion>;
}

interface UncheckedProvider {
  /** `hashicorp/aws`, or the source as written when it is not a valid address. */
  key: string;
  resources: ConfiguredResource[];
}

export function replacementCoverage(input: ReplacementCoverageInput): ReplacementCoverageResult {
  const coverage: ReplacementCoverage = { checked: 0, withoutKnowledge: 0, withoutBaseline: 0 };
  const notChecked = new Set<string>();
  const unchecked = new Map<string, UncheckedProvider>();
  // This runs on every re-analysis while typing: a module has few local names and types, many resources.
  const keyByLocalName = new Map<string, string>();
  const knownBy = new Map<string, string | undefined>();
  /** The first checked resource of each provider, and the knowledge base's version of it. */
  const checkedProviders = new Map<string, { first: ConfiguredResource; knowledgeVersion: string }>();
  for (const resource of input.config.resources) {
    if (resource.mode !== 'managed') continue;
    let key = keyByLocalName.get(resource.providerLocalName);
    if (key === undefined) keyByLocalName.set(resource.providerLocalName, (key = providerKeyOf(resource.providerLocalName, input.config.requiredProviders)));
    let found: ReturnType<ReplacementCoverageInput['knowledge']['resource']>;
    if (!knownBy.has(resource.type)) {
      found = input.knowledge.resource(resource.type);
      knownBy.set(resource.type, found && sourceKey(found.provider.source));
    }
    // Knowledge of a type of the same name from another provider (a fork, a private registry) is not knowledge of this one.
    if (knownBy.get(resource.type) === key) {
      if (!checkedProviders.has(key)) {
        const version = (found ?? input.knowledge.resource(resource.type))?.provider.version;
        if (version !== undefined) checkedProviders.set(key, { first: resource, knowledgeVersion: version });
      }
      if (input.hasBaseline) coverage.checked++;
      else coverage.withoutBaseline++;
      continue;
    }
    coverage.withoutKnowledge++;
    notChecked.add(resource.address);
    const group = unchecked.get(key) ?? { key, resources: [] };
    group.resources.push(resource);
    unchecked.set(key, group);
  }
  const findings = [...unchecked.values()].map((group): Finding => {
    const first = group.resources[0];
    return {
      file: first.file,
      range: blockHeaderRange(first.block),
      severity: 'information',
      code: 'terraform/not-checked',
      message: renderFinding('terraform/not-checked', notCheckedFacts(group, input)).message,
      provider: group.key,
    };
  });
  const moduleVersions = new Map<string, ModuleProviderVersion>();
  for (const [key, { first, knowledgeVersion }] of checkedProviders) {
    const used = moduleProviderVersion(
      key,
      providerConstraints(input.config, key, (n) => providerKeyOf(n, input.config.requiredProviders)),
      input.lockFile,
    );
    if (!used) continue;
    moduleVersions.set(key, used);
    const knowledgeMajor = majorOf(knowledgeVersion);
    if (knowledgeMajor === undefined || knowledgeMajor === used.major) continue;
    findings.push({
      file: first.file,
      range: blockHeaderRange(first.block),
      severity: 'information',
      code: 'terraform/knowledge-version-differs',
      message: renderFinding('terraform/knowledge-version-differs', { provider: key, knowledgeVersion, used }).message,
      provider: key,
    });
  }
  return { coverage, notChecked, findings, moduleVersions };
}

function notCheckedFacts(group: UncheckedProvider, input: ReplacementCoverageInput): NotCheckedFacts {
  const types = [...new Set(group.resources.map((r) => r.type))];
  const known = types.map((type) => input.knowledge.providerFor(type)).find((p) => p !== undefined && sourceKey(p.source) === group.key);
  const locked = input.lockFile.kind === 'read' ? input.lockFile.versions.get(group.key) : undefined;
  const constraints = providerConstraints(input.config, group.key, (n) => providerKeyOf(n, input.config.requiredProviders));
  return {
    provider: group.key,
    resources: group.resources.length,
    types,
    ...(known ? { knowledgeVersion: known.version } : {}),
    ...(locked !== undefined ? { locked } : {}),
    lockFile: input.lockFile.kind,
    constraints,
  };
}

/** The provider key (`hashicorp/tls`) of a provider local name, by the module's `required_providers` or as implied. */
export function providerKeyOf(localName: string, requirements: Map<string, ProviderRequirement>): string {
  const source = requirements.get(localName)?.source;
  if (source === undefined) return providerKey(impliedProvider(localName));
  return sourceKey(source);
}
