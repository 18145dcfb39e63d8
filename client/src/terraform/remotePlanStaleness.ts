/**
 * The stale-plan check for a root module whose state lives in a remote backend. planStaleness.ts
 * fingerprints the files of the module, the local state file among them; a remote backend's state
 * is not a file here, and another person's apply changes it without touching anything we can
 * see. So right after planning we record the serial and lineage of the state the plan was made
 * against (the plan file's own `tfstate` entry, planPriorState.ts), and before an apply we read the
 * backend's state now (`state pull`: read-only, no lock) and compare: another serial or lineage
 * means the plan no longer starts from what is deployed, and the apply is refused with the
 * backend, the workspace and the serials, before Terraform is started. No vscode import.
 */
import { pullBackendState, type BackendStateReadOptions } from '../../../core/src/terraform/baseline/backendStateRead';
import { isRemoteBackend, readInitialisedBackend } from '../../../core/src/terraform/backend/initialisedBackend';
import { readPlanPriorState } from './planPriorState';

/** The remote state a saved plan was made against. */
export interface RemotePlanBaseline {
  backend: string;
  workspace: string;
  /** The prior state's serial and lineage as the plan file records them (0 and empty: no state yet). */
  serial: number;
  lineage: string;
  exists: boolean;
}

/** How the backend's state differs from the plan's: the serial `moved` on, it was `created`, `replaced` (another lineage) or `removed`. */
export type RemoteStateChange = 'moved' | 'created' | 'replaced' | 'removed' | 'backend-changed' | 'unreadable';

export interface RemoteStateCheck {
  stale: boolean;
  change?: RemoteStateChange;
  /** A sentence for the user when stale. */
  message?: string;
  /** The backend's state as read now (undefined when it holds none, or could not be read). */
  now?: { serial?: number; lineage?: string };
}

/**
 * The remote state a saved plan was made against; undefined when the module's backend (as `init`
 * recorded it) is not remote. Throws PlanFileError when the plan file cannot be read.
 */
export async function remoteBaselineOfPlan(rootDir: string, planFile: string, env: NodeJS.ProcessEnv = process.env): Promise<RemotePlanBaseline | undefined> {
  const backend = readInitialisedBackend(rootDir, env);
  if (!backend || !isRemoteBackend(backend.type)) return undefined;
  const prior = await readPlanPriorState(planFile);
  return { backend: backend.type, workspace: backend.workspace, serial: prior.serial, lineage: prior.lineage, exists: prior.exists };
}

/** Whether the backend's state moved on since the plan: reads it now with the plan's own program. */
export async function remoteStateChangedSince(rootDir: string, baseline: RemotePlanBaseline, options: BackendStateReadOptions): Promise<RemoteStateCheck> {
  const where = `${baseline.backend} (workspace ${baseline.workspace})`;
  const backend = readInitialisedBackend(rootDir, options.env ?? process.env);
  if (!backend || backend.type !== baseline.backend || backend.workspace !== baseline.workspace) {
    const nowWhere = backend ? `${backend.type} (workspace ${backend.workspace})` : 'not initialised';
    return {
      stale: true,
      change: 'backend-changed',
      message: `The saved plan is stale: it was made against the state of ${where}, and the module's backend is now ${nowWhere}. Run the plan again and review the new one before applying.`,
    };
  }
  let snapshot;
  try {
    snapshot = await pullBackendState(rootDir, backend, options);
  } catch (error) {
    return {
      stale: true,
      change: 'unreadable',
      message: `Could not check that the saved plan still matches the state of ${where}, so it is not applied: ${(error as Error).message}`,
    };
  }
  const now = snapshot.state ? { serial: snapshot.serial, lineage: snapshot.lineage } : undefined;
  const difference = stateDifference(baseline, now, where);
  return difference ? { stale: true, ...difference, now } : { stale: false, now };
}

/** Undefined when the state is the one the plan was made against. */
export function stateDifference(
  baseline: RemotePlanBaseline,
  now: { serial?: number; lineage?: string } | undefined,
  where: string,
): { change: RemoteStateChange; message: string } | undefined {
  const rerun = 'Run the plan again and review the new one before applying.';
  const serialNow = now?.serial !== undefined ? String(now.serial) : 'none';
  if (!baseline.exists) {
    if (!now) return undefined;
    return {
      change: 'created',
      message: `The saved plan is stale: the state was created since the plan was made — ${where} no state → serial ${serialNow} — because the plan was already applied, or another run applied first. ${rerun}`,
    };
  }
  if (!now)
    return { change: 'removed', message: `The saved plan is stale: the state is gone since the plan was made — ${where} serial ${baseline.serial} → no state. ${rerun}` };
  if (now.lineage !== undefined && now.lineage !== baseline.lineage) {
    return {
      change: 'replaced',
      message: `The saved plan is stale: the state was replaced by a different one since the plan was made — ${where} lineage ${baseline.lineage} → ${now.lineage}, serial ${baseline.serial} → ${serialNow}. ${rerun}`,
    };
  }
  if (now.serial !== baseline.serial) {
    return {
      change: 'moved',
      message: `The saved plan is stale: the state changed since the plan was made — ${where} serial ${baseline.serial} → ${serialNow} — because the plan was already applied, or another run applied first. ${rerun}`,
    };
  }
  return undefined;
}
