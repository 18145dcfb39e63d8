/**
 * The real kubectl behind a wrapper that records each argument list it is given, one per line:
 * tests hand the wrapper to the product as its kubectl (`immutableInfra.kubectl.path`) and then
 * see whether kubectl ran, and with what — a dry-run's flags, one process per namespace, nothing
 * at all in an untrusted workspace. The wrapper runs nothing else: `exec` of the real kubectl.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { KUBECTL } from './controlPlane';
import { tempDir } from './tempModule';

export interface RecordingKubectl {
  /** The wrapper's path. */
  path: string;
  /** The argument lists so far, each joined with spaces. */
  invocations(): string[];
}

export function recordingKubectl(): RecordingKubectl {
  const dir = tempDir('ii-kubectl-');
  const log = path.join(dir, 'invocations');
  const wrapper = path.join(dir, 'kubectl');
  writeFileSync(log, '');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${KUBECTL}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return {
    path: wrapper,
    invocations: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}
