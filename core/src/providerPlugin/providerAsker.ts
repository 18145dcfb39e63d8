/**
 * Asks the providers themselves: for each question (an instance whose configuration is compared
 * with what is deployed), the prior state as the provider upgrades it, the proposed new state as
 * Terraform core merges it, and the configuration go to `PlanResourceChange`, whose
 * `requires_replace` is the verdict. Only packages whose hash the lock file records are started.
 * Answers are kept by question key, failures too (a question that crashed its provider is not
 * asked again); every failure is logged once, and leaves the analysis' own finding in place.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderValue } from '../terraform/evaluation/renderValue';
import { isUnknown, isWhollyKnown, type Value } from '../terraform/evaluation/value';
import { parseProviderSource, providerKey } from '../terraform/providerAddress';
import { readProviderLockFile } from '../terraform/providerLockFile';
import { configValue } from './configValue';
import { proposedNewState } from './proposedNewState';
import type { PathStep } from './providerClient';
import { lockedProviderPackage, type ProviderPackage, type ProviderPackageProblem } from './providerPackages';
import type { ProviderPool, ReadyProvider } from './providerPool';
import { canonicalValueText, type ProviderQuestion, type ProviderVerdict, type ReplacedPath } from './providerQuestions';
import type { SchemaBlock } from './providerSchema';

/** A question's prior state, and under a configuration baseline the old configuration's plan with its unknowns. */
interface Prior {
  value: Value;
  unknownBefore?: Value;
}

/** Questions in flight at once, over all providers: each is a gRPC call on a unix socket. */
const CONCURRENCY = 8;

export class ProviderAsker {
  private readonly verdicts = new Map<string, ProviderVerdict>();
  private readonly failures = new Map<string, string>();
  private readonly logged = new Set<string>();
  private readonly packages = new Map<string, { stamp: string; found: ProviderPackage | ProviderPackageProblem }>();
  private readonly priors = new Map<string, Promise<Prior>>();

  constructor(
    private readonly pool: ProviderPool,
    private readonly log: (line: string) => void,
  ) {}

  /** The verdicts already known for the questions of the module in `moduleDir`, by address: what can be applied without asking. */
  known(moduleDir: string, questions: readonly ProviderQuestion[]): Map<string, ProviderVerdict> {
    const known = new Map<string, ProviderVerdict>();
    const keyOf = this.answerKeys(moduleDir);
    for (const question of questions) {
      const key = keyOf(question);
      const verdict = key === undefined ? undefined : this.verdicts.get(key);
      if (verdict) known.set(question.address, verdict);
    }
    return known;
  }

  /** The questions of the module in `moduleDir` with a provider to ask that were neither answered nor failed before. */
  unanswered(moduleDir: string, questions: readonly ProviderQuestion[]): ProviderQuestion[] {
    const keyOf = this.answerKeys(moduleDir);
    return questions.filter((q) => {
      const key = keyOf(q);
      return key !== undefined && !this.verdicts.has(key) && !this.failures.has(key);
    });
  }

  /** Asks the questions of the module in `moduleDir` that have no answer yet; the verdicts of all of them, by address. */
  async answer(moduleDir: string, questions: readonly ProviderQuestion[]): Promise<Map<string, ProviderVerdict>> {
    for (const provider of new Set(questions.map((q) => q.provider))) {
      const pkg = this.packageFor(moduleDir, provider);
      if ('problem' in pkg) this.logOnce(`${moduleDir}\0${provider}\0${pkg.problem}`, `not asking ${provider} for ${moduleDir}: ${pkg.problem}`);
    }
    const pending = this.unanswered(moduleDir, questions);
    const keyOf = this.answerKeys(moduleDir);
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const question = pending[next++];
        const key = keyOf(question)!;
        try {
          this.verdicts.set(key, await this.ask(moduleDir, question));
        } catch (error) {
          const reason = (error as Error).message;
          this.failures.set(key, reason);
          this.logOnce(`${question.provider}\0${reason}`, `could not ask the provider about ${question.address}: ${reason}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));
    return this.known(moduleDir, questions);
  }

  /**
   * Answers are kept by the package that gave them (its hash: one provider version) and the
   * question: the key of each question, undefined without a package to ask. Each provider's
   * package is looked up once per call.
   */
  private answerKeys(moduleDir: string): (question: ProviderQuestion) => string | undefined {
    const hashes = new Map<string, string | undefined>();
    return (question) => {
      let hash = hashes.get(question.provider);
      if (!hashes.has(question.provider)) {
        const pkg = this.packageFor(moduleDir, question.provider);
        hashes.set(question.provider, (hash = 'problem' in pkg ? undefined : pkg.hash));
      }
      return hash === undefined ? undefined : `${hash}\0${question.key}`;
    };
  }

  private async ask(moduleDir: string, question: ProviderQuestion): Promise<ProviderVerdict> {
    const pkg = this.packageFor(moduleDir, question.provider);
    if ('problem' in pkg) throw new Error(pkg.problem);
    const provider = await this.pool.provider(pkg);
    const resource = provider.schema.resources.get(question.type);
    if (!resource) throw new Error(`${provider.label} has no resource type ${question.type}`);
    const config = configValue(resource.block, question.config);
    const { value: prior, unknownBefore } = await this.priorOf(provider, pkg, question, resource.block);
    const proposed = proposedNewState(resource.block, prior, config);
    const priorPrivate = question.prior.kind === 'state' && question.prior.private ? Buffer.from(question.prior.private, 'base64') : undefined;
    const planned = await provider.client.planResourceChange(question.type, prior, proposed, config, priorPrivate);
    // As Terraform core does: a path the provider names whose planned value equals the prior one
    // (known on both sides) does not replace.
    // A path whose deployed value only apply knew (under a configuration baseline) is not claimed either.
    const changed = planned.requiresReplace.filter(
      (steps) =>
        !sameKnownValue(valueAt(prior, steps), valueAt(planned.plannedState, steps)) && !(unknownBefore && !isWhollyKnown(valueAt(unknownBefore, steps) ?? null)),
    );
    return {
      key: question.key,
      provider: provider.label,
      replace: changed.map((steps) => replacedPath(steps, prior, planned.plannedState, resource.block)),
    };
  }

  /**
   * The prior state: the state's object as the provider upgrades it; under a git or folder
   * baseline, what the provider planned for the old configuration as a new object (its defaults
   * filled in), with what that plan left unknown (values only apply would have told) as null and
   * kept aside, so that a replacement on them is not claimed.
   */
  private priorOf(provider: ReadyProvider, pkg: ProviderPackage, question: ProviderQuestion, block: SchemaBlock): Promise<Prior> {
    const prior = question.prior;
    const key =
      prior.kind === 'state'
        ? `${pkg.hash}\0${question.type}\0${prior.schemaVersion}\0${prior.attributesJson}`
        : `${pkg.hash}\0${question.type}\0configuration\0${canonicalValueText(prior.config)}`;
    let found = this.priors.get(key);
    if (!found) {
      found =
        prior.kind === 'state'
          ? provider.client.upgradeResourceState(question.type, prior.schemaVersion, prior.attributesJson).then((value) => ({ value }))
          : this.plannedAsNew(provider, question.type, block, configValue(block, prior.config));
      this.priors.set(key, found);
      found.catch(() => this.priors.delete(key));
    }
    return found;
  }

  private async plannedAsNew(provider: ReadyProvider, type: string, block: SchemaBlock, config: Value): Promise<Prior> {
    const planned = await provider.client.planResourceChange(type, null, proposedNewState(block, null, config), config);
    return { value: withoutUnknowns(planned.plannedState), unknownBefore: planned.plannedState };
  }

  /** The verified package of a provider (`hashicorp/tls`) as the module's lock file names it, looked up again when the lock file changes. */
  private packageFor(moduleDir: string, key: string): ProviderPackage | ProviderPackageProblem {
    const lockPath = join(moduleDir, '.terraform.lock.hcl');
    let stamp = 'absent';
    try {
      const stat = statSync(lockPath);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // no lock file: the problem says so
    }
    const cacheKey = `${moduleDir}\0${key}`;
    const cached = this.packages.get(cacheKey);
    if (cached && cached.stamp === stamp) return cached.found;
    let source = key;
    try {
      const locked = readProviderLockFile(readFileSync(lockPath, 'utf8')).providers.find((p) => {
        const address = parseProviderSource(p.source);
        return address !== undefined && providerKey(address) === key;
      });
      if (locked) source = locked.source;
    } catch {
      // lockedProviderPackage names the missing file
    }
    const found = lockedProviderPackage(moduleDir, source);
    this.packages.set(cacheKey, { stamp, found });
    return found;
  }

  private logOnce(key: string, line: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.log(line);
  }
}

function replacedPath(steps: PathStep[], prior: Value, planned: Value, block: SchemaBlock): ReplacedPath {
  const top = steps[0] && 'attribute' in steps[0] ? steps[0].attribute : '';
  const attribute = block.attributes.find((a) => a.name === top);
  return {
    path: steps.map((s) => ('attribute' in s ? s.attribute : String(s.key))).join('.'),
    before: renderValue(valueAt(prior, steps)),
    after: renderValue(valueAt(planned, steps)),
    computedOnly: attribute !== undefined && attribute.computed && !attribute.optional && !attribute.required,
  };
}

function valueAt(value: Value, steps: PathStep[]): Value | undefined {
  let at: Value | undefined = value;
  for (const step of steps) {
    if (at === null || at === undefined || typeof at !== 'object' || isUnknown(at)) return undefined;
    if ('attribute' in step) at = (at as { readonly [k: string]: Value })[step.attribute];
    else if (Array.isArray(at)) at = typeof step.key === 'number' ? (at as readonly Value[])[step.key] : undefined;
    else at = (at as { readonly [k: string]: Value })[String(step.key)];
  }
  return at;
}

/** Both values known and equal, as cty compares them (a path neither has counts as equal). */
function sameKnownValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (isUnknown(a) || isUnknown(b)) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as readonly Value[];
    return a.length === bs.length && a.every((item, i) => sameKnownValue(item as Value, bs[i]));
  }
  const ao = a as { readonly [k: string]: Value };
  const bo = b as { readonly [k: string]: Value };
  // A map with one more key, even a null one, is another map (objects of one type have the same attributes).
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((key) => Object.hasOwn(bo, key) && sameKnownValue(ao[key], bo[key]));
}

/** A prior state is always known: what the old configuration left unknown, the provider sees as null. */
function withoutUnknowns(value: Value): Value {
  if (isUnknown(value)) return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutUnknowns(v as Value));
  const object: Record<string, Value> = {};
  for (const [k, v] of Object.entries(value as Record<string, Value>)) object[k] = withoutUnknowns(v);
  return object;
}
