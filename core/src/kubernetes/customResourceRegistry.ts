/**
 * The CustomResourceDefinitions the analysis knows, by the group and kind of the custom resources
 * they define: the input through which hosts (the language server's workspace index, the CLI's
 * paths, the cluster) hand CRDs to the pure analysis. Pure.
 */
import { customResourceDefinitionRules, type CustomResourceDefinitionRules, type CustomResourceVersionRules } from './customResourceRules';
import { isRecord, type ParsedManifest } from './manifestParser';

export interface KnownDefinition {
  rules: CustomResourceDefinitionRules;
  /** Where the CRD was read, for the hover: `crds/certificate.yaml`, `the cluster (kubectl get customresourcedefinitions)`. */
  source: string;
}

export interface CustomResourceRuleMatch {
  definition: KnownDefinition;
  version: CustomResourceVersionRules;
}

/** What the analysis asks: the rules of a custom resource's served version, if its CRD is known. */
export interface CustomResourceRules {
  rulesFor(group: string, kind: string, version: string): CustomResourceRuleMatch | undefined;
}

/** A CRD that could not be read, and where it was. */
export interface DefinitionProblem {
  source: string;
  problem: string;
}

export class CustomResourceRegistry implements CustomResourceRules {
  private readonly byKind = new Map<string, KnownDefinition>();

  /** The first definition of a group and kind wins, as only one can be installed. */
  constructor(definitions: Iterable<KnownDefinition> = []) {
    for (const definition of definitions) this.add(definition);
  }

  add(definition: KnownDefinition): void {
    const key = kindKey(definition.rules.group, definition.rules.kind);
    if (!this.byKind.has(key)) this.byKind.set(key, definition);
  }

  get size(): number {
    return this.byKind.size;
  }

  definitions(): KnownDefinition[] {
    return [...this.byKind.values()];
  }

  rulesFor(group: string, kind: string, version: string): CustomResourceRuleMatch | undefined {
    const definition = this.byKind.get(kindKey(group, kind));
    const served = definition?.rules.versions.find((v) => v.version === version);
    return definition && served ? { definition, version: served } : undefined;
  }
}

/** Registries asked in turn: the workspace's CRDs before the cluster's. */
export function firstKnown(...registries: Array<CustomResourceRules | undefined>): CustomResourceRules {
  return {
    rulesFor: (group, kind, version) => {
      for (const registry of registries) {
        const match = registry?.rulesFor(group, kind, version);
        if (match) return match;
      }
      return undefined;
    },
  };
}

function kindKey(group: string, kind: string): string {
  return `${group}\0${kind}`;
}

/** Quick test before parsing a file: CRD files say so. */
export const MENTIONS_CRD = /^[ \t]*(?:-[ \t]+)?kind[ \t]*:[ \t]*["']?CustomResourceDefinition\b/m;

/** The CustomResourceDefinitions among a parsed file's objects, read, and the problems of those that can't be. */
export function definitionsInManifest(manifest: ParsedManifest, source: string): { definitions: KnownDefinition[]; problems: DefinitionProblem[] } {
  const definitions: KnownDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  for (const object of manifest.objects) {
    if (object.kind !== 'CustomResourceDefinition' || object.group !== 'apiextensions.k8s.io') continue;
    const read = customResourceDefinitionRules(object.value);
    if ('rules' in read) definitions.push({ rules: read.rules, source });
    else problems.push({ source, problem: read.problem });
  }
  return { definitions, problems };
}

/** CRDs in a `kubectl get -o json` answer: one object or a List. */
export function definitionsInJson(value: unknown, source: string): { definitions: KnownDefinition[]; problems: DefinitionProblem[] } {
  const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
  const definitions: KnownDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  for (const item of items) {
    const read = customResourceDefinitionRules(item);
    if ('rules' in read) definitions.push({ rules: read.rules, source });
    else problems.push({ source, problem: read.problem });
  }
  return { definitions, problems };
}
