/**
 * A real Kubernetes control plane on loopback for the tests: etcd and `kube-apiserver` (built by
 * `scripts/setup-tools.sh --only kubernetes` from the Go module proxy), each on a free port with its
 * files in a temp dir, ready in seconds and always stopped after (serverProcesses.ts).
 *
 * The API server serves a certificate it makes itself (`--cert-dir`), authenticates one static
 * token of a `system:masters` user, and signs service-account tokens with a key made here. It runs
 * `--endpoint-reconciler-type=none`, without which it refuses a loopback advertise address, and two
 * service ranges (IPv4 and IPv6), without which dual-stack Service edits fail with "not configured
 * on this cluster". No controller runs unless a test starts them (kwokCluster.ts): so there are no
 * default service accounts, and `namespace()` creates one in each namespace it makes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { freePort, LOOPBACK, register, serverEnv, signalGroup, startAndPollUntil, STARTUP_TIMEOUT_MS, stopGroup, unregister, type Disposable } from './serverProcesses';
import { repoRoot, TOOL_VERSIONS } from './tofu';

const BIN = path.join(repoRoot, '.tools', 'bin');
export const KUBE_APISERVER = path.join(BIN, 'kube-apiserver');
export const KUBE_CONTROLLER_MANAGER = path.join(BIN, 'kube-controller-manager');
export const KUBE_SCHEDULER = path.join(BIN, 'kube-scheduler');
export const ETCD = path.join(BIN, 'etcd');
export const KWOK = path.join(BIN, 'kwok');
/** Debian's kubectl (setup-tools.sh installs `kubernetes-client` where there is none). */
export const KUBECTL = process.env.IMMUTABLE_INFRA_TEST_KUBECTL ?? 'kubectl';

export const CONTROL_PLANE_NOT_PROVISIONED = 'The Kubernetes control plane is not built: run `bash scripts/setup-tools.sh --only kubernetes`';

/** The versions setup-tools.sh built, as .tools/versions.json records them. */
export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
  kwok: string;
}

export function controlPlaneVersions(): ControlPlaneVersions {
  const versions = existsSync(TOOL_VERSIONS)
    ? (JSON.parse(readFileSync(TOOL_VERSIONS, 'utf8')) as { kubernetes?: { version: string; etcd: { version: string }; kwok: { version: string } } })
    : {};
  if (!versions.kubernetes) throw new Error(`${CONTROL_PLANE_NOT_PROVISIONED} (.tools/versions.json names no Kubernetes)`);
  return { kubernetes: versions.kubernetes.version, etcd: versions.kubernetes.etcd.version, kwok: versions.kubernetes.kwok.version };
}

/** Throws the setup hint when a binary is missing; call it inside each test, so that every test fails with it. */
export function assertControlPlaneProvisioned(): void {
  const missing = [KUBE_APISERVER, ETCD].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`${CONTROL_PLANE_NOT_PROVISIONED} (missing: ${missing.join(', ')})`);
}

export interface KubectlResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface ControlPlane {
  /** The Kubernetes version of the API server, e.g. `1.37.2`. */
  readonly version: string;
  /** `https://127.0.0.1:PORT`. */
  readonly server: string;
  /** The bearer token of the `system:masters` user. */
  readonly token: string;
  /** A kubeconfig file for that user (context `immutable-infra-test`), skipping TLS verification. */
  readonly kubeconfig: string;
  /** The temp folder holding everything of this control plane. */
  readonly dir: string;
  /** Environment for kubectl and the language server: KUBECONFIG, HOME (in the temp folder) and PATH. */
  readonly env: NodeJS.ProcessEnv;
  /** True while the API server runs. */
  readonly apiServerRunning: boolean;
  /** The end of the API server's log, for a failing test's report. */
  apiServerOutput(): string;
  /** The process ids of what runs now (etcd, the API server). */
  pids(): number[];
  /** Runs kubectl (argument array, no shell) against this cluster; `stdin` is fed to `-f -`. */
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  /** Like kubectl(), but throws with kubectl's output unless it exits 0. */
  kubectlOk(args: string[], stdin?: string): Promise<string>;
  /** One request to the API server as the `system:masters` user; JSON bodies are sent and parsed. */
  api(method: string, urlPath: string, body?: unknown): Promise<ApiResponse>;
  /** A new namespace `<prefix>-<random>` with a `default` service account (deleted namespaces never finish here: use fresh ones). */
  namespace(prefix?: string): Promise<string>;
  /** Stops the API server (etcd keeps the data), for "the cluster went away mid-session" tests. */
  stopApiServer(): Promise<void>;
  /** Starts the API server again on the same port, with the same certificate and token. */
  startApiServer(): Promise<void>;
  /** A kubeconfig like `kubeconfig` with other contents, written into the temp folder: for bad tokens and contexts. */
  writeKubeconfig(name: string, options: { token?: string; context?: string; server?: string }): string;
  /** Stops every process and removes the temp folder. */
  dispose(): Promise<void>;
}

/** Milliseconds between polls of the cluster. */
const POLL_MS = 100;
const CONTEXT = 'immutable-infra-test';

export async function startControlPlane(): Promise<ControlPlane> {
  assertControlPlaneProvisioned();
  const version = controlPlaneVersions().kubernetes;
  const dir = mkdtempSync(path.join(tmpdir(), 'ii-k8s-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  const [etcdClientPort, etcdPeerPort, apiPort] = await distinctFreePorts(3);
  const token = randomBytes(24).toString('hex');
  writeFileSync(path.join(dir, 'tokens.csv'), `${token},immutable-infra-test,1000,system:masters\n`, { mode: 0o600 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const server = `https://${LOOPBACK}:${apiPort}`;

  const etcdUrl = `http://${LOOPBACK}:${etcdClientPort}`;
  const etcd = await startAndPollUntil(
    ETCD,
    [
      '--name=test',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://${LOOPBACK}:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://${LOOPBACK}:${etcdPeerPort}`,
      `--initial-cluster=test=http://${LOOPBACK}:${etcdPeerPort}`,
      // Test data: losing it in a crash costs nothing, and fsync per write would slow every test.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    { cwd: dir, env: serverEnv() },
    () => httpOk(`${etcdUrl}/health`),
    'etcd',
  ).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  const apiArgs = [
    `--etcd-servers=${etcdUrl}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${apiPort}`,
    '--endpoint-reconciler-type=none',
    `--cert-dir=${path.join(dir, 'certs')}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    `--service-account-key-file=${path.join(dir, 'sa.key')}`,
    `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.96.0.0/16,fd00:10:96::/112',
    // The API server would otherwise look for cloud metadata and kubelets.
    '--allow-privileged=true',
    '--v=0',
  ];
  let apiServer: ChildProcess | undefined;
  let apiOutput: () => string = () => '';
  const launchApiServer = async () => {
    const started = await startAndPollUntil(KUBE_APISERVER, apiArgs, { cwd: dir, env: serverEnv({ HOME: home }) }, () => apiReady(server, token), 'kube-apiserver');
    apiServer = started.child;
    apiOutput = started.output;
  };
  try {
    await launchApiServer();
  } catch (error) {
    await stopGroup(etcd.child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const kubeconfigFor = (options: { token?: string; context?: string; server?: string }) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: CONTEXT, cluster: { server: options.server ?? server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: CONTEXT, user: { token: options.token ?? token } }],
      contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
      'current-context': options.context ?? CONTEXT,
    });
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor({}), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: kubeconfig, LANG: 'C' };

  const kubectl = (args: string[], stdin?: string) => runKubectl(args, env, stdin);
  const plane: ControlPlane & Disposable = {
    version,
    server,
    token,
    kubeconfig,
    dir,
    env,
    get apiServerRunning() {
      return apiServer !== undefined && apiServer.exitCode === null && apiServer.signalCode === null;
    },
    apiServerOutput: () => apiOutput(),
    pids: () => [etcd.child.pid, plane.apiServerRunning ? apiServer?.pid : undefined].filter((p): p is number => p !== undefined),
    kubectl,
    async kubectlOk(args, stdin) {
      const result = await kubectl(args, stdin);
      if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.exitCode}):\n${result.stderr}${result.stdout}`);
      return result.stdout;
    },
    api: (method, urlPath, body) => apiRequest(server, token, method, urlPath, body),
    async namespace(prefix = 'test') {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await expectCreated(plane.api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }), `namespace ${name}`);
      await expectCreated(
        plane.api('POST', `/api/v1/namespaces/${name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }),
        `service account ${name}/default`,
      );
      return name;
    },
    async stopApiServer() {
      if (apiServer && plane.apiServerRunning) await stopGroup(apiServer, 'SIGTERM');
    },
    async startApiServer() {
      if (!plane.apiServerRunning) await launchApiServer();
    },
    writeKubeconfig(name, options) {
      const file = path.join(dir, `kubeconfig-${name}`);
      writeFileSync(file, kubeconfigFor(options), { mode: 0o600 });
      return file;
    },
    async dispose() {
      unregister(plane);
      if (apiServer && plane.apiServerRunning) await stopGroup(apiServer, 'SIGTERM');
      await stopGroup(etcd.child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    killNow() {
      signalGroup(apiServer?.pid, 'SIGKILL');
      signalGroup(etcd.child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  register(plane);
  return plane;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function httpOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.ok,
    () => false,
  );
}

async function apiReady(server: string, token: string): Promise<boolean> {
  try {
    return (await apiRequest(server, token, 'GET', '/readyz')).status === 200;
  } catch {
    return false;
  }
}

async function expectCreated(response: Promise<ApiResponse>, what: string): Promise<void> {
  const { status, text } = await response;
  if (status !== 201) throw new Error(`could not create ${what}: HTTP ${status} ${text}`);
}

/** One HTTPS request to the API server (its certificate is self-made: not verified). */
export function apiRequest(server: string, token: string, method: string, urlPath: string, body?: unknown): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(urlPath, server),
      {
        method,
        rejectUnauthorized: false,
        timeout: 30_000,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (readyz answers "ok")
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within 30 s`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function runKubectl(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), STARTUP_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`kubectl could not start (${KUBECTL}): ${error.message}`));
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/** Sleeps between polls (exported for the helpers that wait on the cluster). */
export function pause(ms = POLL_MS): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
