/**
 * The analysis' side of asking the providers: which instances to ask about (every managed
 * instance that has a deployed counterpart, with its evaluated configuration and that
 * counterpart), and how a provider's verdict turns the knowledge base's assessment of an instance
 * into the provider's own — applied only while the instance's question is the one answered.
 */
import type { StateInstance } from '../baseline/stateBaseline';
import { Unknown, type Value } from '../evaluation/value';
import type { HclBlock } from '../hcl/model';
import type { AttributeChange } from '../resourceComparison';
import { questionKey, type ConfiguredObject, type ProviderQuestion, type ProviderVerdict, type QuestionPrior } from '../../providerPlugin/providerQuestions';
import type { ConfigurationValues, ResourceInstance } from './configurationValues';

const NOT_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on']);
const NOT_CONTENT_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);

/** An instance's block as configured, evaluated in its scope: what the provider is given as its configuration. */
export function configuredObject(values: ConfigurationValues, instance: ResourceInstance): ConfiguredObject {
  const object: Record<string, Value> = {};
  for (const attribute of instance.resource.block.attributes) {
    if (NOT_ARGUMENTS.has(attribute.name)) continue;
    object[attribute.name] = values.configuredAttribute(instance, attribute.name) ?? null;
  }
  addBlocks(object, values, instance, instance.resource.block);
  return object;
}

function nestedObject(values: ConfigurationValues, instance: ResourceInstance, block: HclBlock): ConfiguredObject {
  const object: Record<string, Value> = {};
  for (const attribute of block.attributes) object[attribute.name] = values.evaluateInInstance(instance, attribute.value);
  addBlocks(object, values, instance, block);
  return object;
}

function addBlocks(object: Record<string, Value>, values: ConfigurationValues, instance: ResourceInstance, block: HclBlock): void {
  for (const nested of block.blocks) {
    if (NOT_CONTENT_BLOCKS.has(nested.type)) continue;
    if (nested.type === 'dynamic') {
      // What a dynamic block generates is not followed: the provider is told it is not known yet.
      const name = nested.labels[0];
      if (name !== undefined) object[name] = new Unknown(`dynamic "${name}"`, [`the \`dynamic "${name}"\` block's content is not followed before plan`]);
      continue;
    }
    const items = object[nested.type];
    if (items instanceof Unknown) continue;
    object[nested.type] = [...(Array.isArray(items) ? (items as Value[]) : []), nestedObject(values, instance, nested)];
  }
}

const stateJson = new WeakMap<StateInstance, string>();

/** The deployed side of a state instance's question, its JSON made once per state object. */
export function statePrior(deployed: StateInstance): QuestionPrior {
  let json = stateJson.get(deployed);
  if (json === undefined) stateJson.set(deployed, (json = JSON.stringify(deployed.attributes)));
  return { kind: 'state', attributesJson: json, schemaVersion: deployed.schemaVersion, ...(deployed.private !== undefined ? { private: deployed.private } : {}) };
}

/** The question for one instance. */
export function instanceQuestion(address: string, type: string, provider: string, config: ConfiguredObject, prior: QuestionPrior): ProviderQuestion {
  return { address, type, provider, config, prior, key: questionKey(provider, type, config, prior) };
}

/**
 * The change's new value is unknown here but known to the plan (it reads something this analysis
 * does not evaluate), rather than known only after apply (a value a replacement renews, which the
 * plan does not know either).
 */
function knownOnlyAtPlan(change: AttributeChange): boolean {
  if (change.references === undefined || change.references.length === 0) return false;
  // Renewed for certain by a replacement: unknown to the plan too. Possibly renewed: it may stay the deployed value.
  return !(change.cascadeFrom !== undefined && change.cascadeFrom.length > 0 && change.cascadeFrom.every((ref) => !ref.possible));
}

/**
 * The assessment's changes as the provider decides them. In place (nothing to replace): every
 * replacing change becomes an update. Replaced: the changes on the paths it names force the
 * replacement, the others update; a path no change covers becomes a change of its own — or, for
 * a computed attribute no configuration writes (a certificate's `ready_for_renewal`), the edits
 * that were only possibly replacing are what made the provider decide.
 */
export function applyVerdict(changes: AttributeChange[], verdict: ProviderVerdict, block: HclBlock): AttributeChange[] {
  const decided = (change: AttributeChange, certain: boolean, ruleSource?: string): AttributeChange => {
    const next: AttributeChange = { ...change, outcome: certain ? 'certain' : 'update', askedProvider: verdict.provider };
    delete next.uncertainty;
    if (ruleSource !== undefined) next.ruleSource = ruleSource;
    return next;
  };
  if (verdict.replace.length === 0) return changes.map((c) => (c.outcome === 'update' ? c : decided(c, false)));
  const replacedTop = new Map<string, string[]>();
  for (const path of verdict.replace) {
    const top = path.path.split('.')[0];
    replacedTop.set(top, [...(replacedTop.get(top) ?? []), path.path]);
  }
  const planSource = (paths: string[]) => `PlanResourceChange requires_replace: ${paths.map((p) => `\`${p}\``).join(', ')}`;
  const result = changes.map((c) => {
    if (!replacedTop.has(c.path[0])) return c.outcome === 'update' ? c : decided(c, false);
    const source = planSource(replacedTop.get(c.path[0])!);
    if (!knownOnlyAtPlan(c)) return decided(c, true, source);
    // The provider was told "unknown" for a value the plan may know: it replaces unless that value is the deployed one.
    return {
      ...c,
      outcome: 'possible' as const,
      askedProvider: verdict.provider,
      ruleSource: source,
      uncertainty: `the provider replaces it when the new value (${c.references!.join(', ')}) differs from the deployed one, and that value is not known yet`,
    };
  });
  const covered = new Set(changes.map((c) => c.path[0]));
  const computedOnly = verdict.replace.filter((p) => p.computedOnly && !covered.has(p.path.split('.')[0]));
  if (computedOnly.length > 0) {
    const because = `PlanResourceChange plans ${computedOnly.map((p) => `\`${p.path}\` ${p.before} → ${p.after}`).join(', ')} and requires replacement`;
    const possible = changes.map((c, i) => ({ c, i })).filter(({ c }) => c.outcome === 'possible');
    for (const { c, i } of possible) result[i] = decided(c, true, because);
    if (possible.length > 0) for (const p of computedOnly) covered.add(p.path.split('.')[0]);
  }
  for (const path of verdict.replace) {
    const top = path.path.split('.')[0];
    if (covered.has(top)) continue;
    covered.add(top);
    const attribute = block.attributes.find((a) => a.name === top);
    const nested = block.blocks.find((b) => b.type === top);
    result.push({
      path: [top],
      range: attribute?.range ?? nested?.typeRange ?? block.typeRange,
      before: path.before,
      after: attribute || nested ? path.after : `(absent: the provider plans ${path.after})`,
      outcome: 'certain',
      ruleSource: planSource(replacedTop.get(top)!),
      askedProvider: verdict.provider,
      ...(nested ? { isBlock: true } : {}),
    });
  }
  return result;
}
