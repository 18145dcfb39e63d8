/**
 * A stand-in for the Kubernetes API server, for tests that run the real `kubectl`: no API server
 * can run on these machines (no cluster, no network), so this HTTP server answers kubectl's
 * requests with responses in the shape the API server sends — discovery documents, objects, and
 * `Status` failures (NotFound, Forbidden) — and records each request. Only the API server is
 * replaced; kubectl, its argument parsing, discovery and output are real.
 */
import { accessSync, constants } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { tempDir, writeFiles } from './tempModule';

const CORE_RESOURCES = [
  { name: 'services', singularName: 'service', kind: 'Service', shortNames: ['svc'] },
  { name: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', shortNames: ['cm'] },
  { name: 'persistentvolumeclaims', singularName: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', shortNames: ['pvc'] },
  { name: 'secrets', singularName: 'secret', kind: 'Secret', shortNames: [] },
  { name: 'pods', singularName: 'pod', kind: 'Pod', shortNames: ['po'] },
];
const APPS_RESOURCES = [
  { name: 'deployments', singularName: 'deployment', kind: 'Deployment', shortNames: ['deploy'] },
  { name: 'statefulsets', singularName: 'statefulset', kind: 'StatefulSet', shortNames: ['sts'] },
  { name: 'daemonsets', singularName: 'daemonset', kind: 'DaemonSet', shortNames: ['ds'] },
  { name: 'replicasets', singularName: 'replicaset', kind: 'ReplicaSet', shortNames: ['rs'] },
];

function resourceList(groupVersion: string, resources: typeof CORE_RESOURCES): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map((r) => ({ ...r, namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
  };
}

const DISCOVERY: Record<string, object> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': resourceList('v1', CORE_RESOURCES),
  '/apis/apps/v1': resourceList('apps/v1', APPS_RESOURCES),
};

const PLURAL: Record<string, string> = Object.fromEntries([...CORE_RESOURCES, ...APPS_RESOURCES].map((r) => [r.kind, r.name]));

export interface RecordedApiServer {
  /** A kubeconfig whose current context is this server. */
  kubeconfig: string;
  /** An environment for kubectl: the kubeconfig, and a HOME of its own for kubectl's discovery cache. */
  env: NodeJS.ProcessEnv;
  /** Paths of the requests kubectl made. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * `objects`: live objects as the API server returns them; `forbiddenNamespaces`: namespaces
 * where every get answers 403 as RBAC does.
 */
export async function startRecordedApiServer(objects: Array<Record<string, any>>, forbiddenNamespaces: string[] = []): Promise<RecordedApiServer> {
  const byPath = new Map<string, object>();
  for (const object of objects) {
    const prefix = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
    byPath.set(`${prefix}/namespaces/${object.metadata.namespace ?? 'default'}/${PLURAL[object.kind]}/${object.metadata.name}`, object);
  }
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = (request.url ?? '/').split('?')[0];
    requests.push(url);
    const send = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (DISCOVERY[url]) return send(200, DISCOVERY[url]);
    const match = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url);
    if (!match)
      return send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        code: 404,
      });
    const [, group, namespace, resource, name] = match;
    const qualified = group ? `${resource}.${group}` : resource;
    if (forbiddenNamespaces.includes(namespace)) {
      return send(403, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `${qualified} "${name}" is forbidden: User "developer" cannot get resource "${resource}" in API group "${group ?? ''}" in the namespace "${namespace}"`,
        reason: 'Forbidden',
        details: { name, group: group ?? '', kind: resource },
        code: 403,
      });
    }
    const object = byPath.get(url);
    if (object) return send(200, object);
    send(404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `${qualified} "${name}" not found`,
      reason: 'NotFound',
      details: { name, group: group ?? '', kind: resource },
      code: 404,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const home = tempDir('ii-kube-');
  writeFiles(home, { kubeconfig: kubeconfigFor(`http://127.0.0.1:${port}`) });
  const kubeconfig = path.join(home, 'kubeconfig');
  return {
    kubeconfig,
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function kubeconfigFor(serverUrl: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: recorded',
    `  cluster: {server: "${serverUrl}"}`,
    'contexts:',
    '- name: recorded',
    '  context: {cluster: recorded, user: developer}',
    'current-context: recorded',
    'users:',
    '- name: developer',
    '  user: {}',
    '',
  ].join('\n');
}

/** The real kubectl: $KUBECTL, else `kubectl` on PATH. */
export function findKubectl(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error('These tests run the real kubectl: install it (Debian: apt-get install kubernetes-client) or set $KUBECTL.');
}
