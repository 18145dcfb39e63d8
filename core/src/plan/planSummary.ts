/**
 * The plan's summary line, counted the way the human renderer of the tool that wrote it counts
 * (Terraform's and OpenTofu's `jsonformat` renderer; the rules are listed in test/fixtures/plans/README.md).
 */
import type { PlanCounts } from '../../../common/src/planGraph';
import type { PlanModel } from './planModel';

export interface PlanSummary {
  counts: PlanCounts;
  /**
   * The line the renderer prints: `Plan: …` when it shows resource changes; otherwise, in the
   * renderer's order, the outputs-only note (`You can apply this plan to save these new output
   * values to the Terraform state, without changing any real infrastructure.`), `Planning failed.
   * Terraform encountered an error while generating this plan.`, `No current changes. This plan
   * requires another plan to be applied first.`, or `No changes.` (the lead of its line, as the
   * CLI contract has it). OpenTofu says "OpenTofu" where Terraform says "Terraform".
   */
  line: string;
}

export function summarizePlan(plan: PlanModel): PlanSummary {
  const counts: PlanCounts = { add: 0, change: 0, destroy: 0, replace: 0, import: 0, forget: 0, move: 0, read: 0, noop: 0 };
  const opentofu = plan.tool === 'opentofu';
  /** Whether the renderer would show anything (else it prints `No changes.`). */
  let shown = plan.actionInvocations > 0;
  for (const rc of plan.resourceChanges) {
    if (opentofu && rc.mode === 'ephemeral') continue;
    const moved = rc.previousAddress !== undefined && rc.previousAddress !== rc.address;
    if (rc.importing) counts.import++;
    if (moved) counts.move++;
    switch (rc.action) {
      case 'create':
        counts.add++;
        shown = true;
        break;
      case 'update':
        counts.change++;
        shown = true;
        break;
      case 'delete':
        // Deleted data sources are neither shown nor counted.
        if (rc.mode === 'managed') {
          counts.destroy++;
          shown = true;
        }
        break;
      case 'replace-delete-first':
      case 'replace-create-first':
        counts.add++;
        counts.destroy++;
        counts.replace++;
        shown = true;
        break;
      case 'read':
        counts.read++;
        break;
      case 'no-op':
        counts.noop++;
        // Moved or importing no-ops are shown, not counted in add/change/destroy.
        if (rc.importing || moved) shown = true;
        break;
      case 'forget':
        // Terraform shows a forget but leaves it out of the summary; OpenTofu counts it in `N to forget`.
        if (opentofu) counts.forget++;
        shown = true;
        break;
      case 'create-forget':
        counts.add++;
        shown = true;
        break;
      case 'forget-create':
        counts.add++;
        counts.forget++;
        shown = true;
        break;
    }
  }
  return { counts, line: shown ? planLine(plan, counts) : nothingShownLine(plan) };
}

/** What `renderHuman` prints when no resource change is shown (Terraform's jsonformat/plan.go; OpenTofu's likewise). */
function nothingShownLine(plan: PlanModel): string {
  const tool = plan.tool === 'opentofu' ? 'OpenTofu' : 'Terraform';
  if (plan.outputChanges > 0) return `You can apply this plan to save these new output values to the ${tool} state, without changing any real infrastructure.`;
  if (plan.errored) return `Planning failed. ${tool} encountered an error while generating this plan.`;
  if (plan.deferredChanges > 0) return 'No current changes. This plan requires another plan to be applied first.';
  return 'No changes.';
}

function planLine(plan: PlanModel, c: PlanCounts): string {
  let line = 'Plan: ';
  if (c.import > 0) line += `${c.import} to import, `;
  line += `${c.add} to add, ${c.change} to change, ${c.destroy} to destroy`;
  if (plan.tool === 'opentofu' && c.forget > 0) line += `, ${c.forget} to forget`;
  line += '.';
  if (plan.actionInvocations > 0) line += ` Actions: ${plan.actionInvocations} to invoke.`;
  return line;
}
