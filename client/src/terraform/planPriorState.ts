/**
 * The state a saved plan was made against, read from the plan file itself. A binary plan of
 * Terraform and OpenTofu is a zip archive whose `tfstate` entry holds the prior state: the one the
 * plan compared the configuration with (refreshed, with the serial and lineage it had when
 * planning began). Terraform refuses to apply a plan whose prior state's lineage or serial is not
 * the current state's; for a remote backend we check the same before starting it, to refuse with
 * the backend's name and the serials (remotePlanStaleness.ts). A plan made where there was no
 * state yet records serial 0 and an empty lineage. Only the archive is read; nothing is written.
 */
import { openPromise, type Entry } from 'yauzl';

export interface PlanPriorState {
  serial: number;
  /** Empty when the plan was made with no state yet. */
  lineage: string;
  /** False when the plan was made with no state yet (serial 0, no lineage). */
  exists: boolean;
  /** `terraform_version` as the state records it (the tool that last wrote it). */
  terraformVersion?: string;
}

/** A plan file that could not be read, or is not a saved plan; the message names the file and why. */
export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFileError';
  }
}

/** The entry of a plan archive that holds the prior state. */
export const PRIOR_STATE_ENTRY = 'tfstate';
/** States are read whole: a generous bound keeps a hostile archive from filling memory. */
const MAX_STATE_BYTES = 512 * 1024 * 1024;

export async function readPlanPriorState(planFile: string): Promise<PlanPriorState> {
  let zip;
  try {
    zip = await openPromise(planFile, { autoClose: false, strictFileNames: true });
  } catch (error) {
    const reason = (error as Error).message;
    if ((error as NodeJS.ErrnoException).code !== undefined) throw new PlanFileError(`Can't read the saved plan ${planFile}: ${reason}`);
    // yauzl's words for a file without a zip's end record: "not a zip file, or file is truncated".
    const why = /end of central directory/i.test(reason) ? 'it is not a zip archive, or it is truncated.' : `it is not a zip archive that can be read (${reason}).`;
    throw new PlanFileError(`${planFile} is not a saved plan of Terraform or OpenTofu: ${why}`);
  }
  try {
    let entry: Entry | undefined;
    for await (const candidate of zip.eachEntry()) {
      if (candidate.fileName === PRIOR_STATE_ENTRY) {
        entry = candidate;
        break;
      }
    }
    if (!entry)
      throw new PlanFileError(
        `${planFile} is not a saved plan of Terraform or OpenTofu: it has no \`${PRIOR_STATE_ENTRY}\` entry (the state the plan was made against).`,
      );
    if (entry.uncompressedSize > MAX_STATE_BYTES)
      throw new PlanFileError(`The prior state in ${planFile} is larger than ${MAX_STATE_BYTES / 1024 / 1024} MB: it is not read.`);
    const text = await readEntry(zip, entry);
    return parsePriorState(text, planFile);
  } catch (error) {
    if (error instanceof PlanFileError) throw error;
    throw new PlanFileError(`Can't read the saved plan ${planFile}: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}

/** The serial and lineage of a prior state's JSON text (the `tfstate` entry). */
export function parsePriorState(text: string, planFile: string): PlanPriorState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`The \`${PRIOR_STATE_ENTRY}\` entry of ${planFile} is not a state's JSON: ${(error as Error).message}`);
  }
  const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!record || typeof record.serial !== 'number' || !Number.isInteger(record.serial) || record.serial < 0) {
    throw new PlanFileError(`The \`${PRIOR_STATE_ENTRY}\` entry of ${planFile} is not a state: it has no serial.`);
  }
  const lineage = typeof record.lineage === 'string' ? record.lineage : '';
  const result: PlanPriorState = { serial: record.serial, lineage, exists: lineage !== '' };
  if (typeof record.terraform_version === 'string') result.terraformVersion = record.terraform_version;
  return result;
}

async function readEntry(zip: { openReadStreamPromise(entry: Entry): Promise<NodeJS.ReadableStream> }, entry: Entry): Promise<string> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
