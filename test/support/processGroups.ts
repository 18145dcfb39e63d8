/**
 * What is left of a process group, read from /proc (Linux): the tests that cancel terraform/tofu
 * check that no member of its group — tofu itself, or a provider plugin it started — survives.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupMember {
  pid: number;
  command: string;
}

/** Live (not zombie) processes whose process group is `pgid`. */
export function liveGroupMembers(pgid: number): GroupMember[] {
  const members: GroupMember[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (!stat) continue; // exited while listing
    if (stat.pgrp === pgid && stat.state !== 'Z') members.push({ pid: Number(entry), command: stat.command });
  }
  return members;
}

/**
 * The live members of `pgid` once those SIGKILLed have had the moment they need to die: a killed
 * process is gone only when the kernel next schedules it, which on a busy machine can come after the
 * runner has seen terraform exit. Waits until the group is empty, for at most `withinMs`, and returns
 * whoever is still alive then (for the test to report).
 */
export async function membersLeftAfterKill(pgid: number, withinMs = 5_000): Promise<GroupMember[]> {
  const deadline = Date.now() + withinMs;
  let members = liveGroupMembers(pgid);
  while (members.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    members = liveGroupMembers(pgid);
  }
  return members;
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readStat(String(pid));
  return stat !== undefined && stat.state !== 'Z';
}

function readStat(pid: string): { command: string; state: string; pgrp: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so split after the last ')'.
  const close = stat.lastIndexOf(')');
  const [state, , pgrp] = stat.slice(close + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, close), state, pgrp: Number(pgrp) };
}
