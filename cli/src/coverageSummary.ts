/**
 * The line of `check`'s text summary that says how much of the Terraform was checked, so that
 * "No findings." is never read as "every resource is safe" when some were not checked at all.
 */
import type { ReplacementCoverage } from '../../core/src/terraform/replacementCoverage';

export function emptyCoverage(): ReplacementCoverage {
  return { checked: 0, withoutKnowledge: 0, withoutBaseline: 0 };
}

export function addCoverage(total: ReplacementCoverage, module: ReplacementCoverage): void {
  total.checked += module.checked;
  total.withoutKnowledge += module.withoutKnowledge;
  total.withoutBaseline += module.withoutBaseline;
}

/** `Terraform: 2 resources checked for replacement, 3 not checked (no replacement knowledge).`; undefined without managed resources. */
export function coverageSummary(coverage: ReplacementCoverage): string | undefined {
  const notChecked = coverage.withoutKnowledge + coverage.withoutBaseline;
  if (coverage.checked + notChecked === 0) return undefined;
  const checked = `Terraform: ${coverage.checked} resource${coverage.checked === 1 ? '' : 's'} checked for replacement`;
  if (notChecked === 0) return `${checked}.`;
  const reasons =
    coverage.withoutBaseline === 0
      ? 'no replacement knowledge'
      : coverage.withoutKnowledge === 0
        ? 'no baseline'
        : `${coverage.withoutKnowledge} without replacement knowledge, ${coverage.withoutBaseline} without a baseline`;
  return `${checked}, ${notChecked} not checked (${reasons}).`;
}
