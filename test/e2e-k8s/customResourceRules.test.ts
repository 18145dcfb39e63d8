/**
 * CRD immutability rules against the real kube-apiserver: a cert-manager-like Certificate CRD
 * (test/support/certificateCrd.ts) is installed and Established, a Certificate created with
 * `kubectl apply`, and each edit sent with `kubectl apply --dry-run=server`. Our verdict and the
 * error we quote must be the server's, for each rule form, and an allowed edit gets nothing from
 * either. Our side is the product's own offline rules on the cluster baseline's path (its own
 * dry-run turned off, since that would only repeat the server's answer): the live object from
 * `kubectl get`, the CRD from the cluster (discovery, then `kubectl get
 * customresourcedefinitions`); and the CRD read from its file gives the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { Finding } from '../../common/src/findings';
import { CustomResourceRegistry, definitionsInManifest } from '../../core/src/kubernetes/customResourceRegistry';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { manifestFindings } from '../../core/src/kubernetes/manifestFindings';
import { parseManifest } from '../../core/src/kubernetes/manifestParser';
import { identityKey } from '../../core/src/kubernetes/objectIdentity';
import { certificate, certificateCrd, CERTIFICATE_EDITS } from '../support/certificateCrd';
import { KUBECTL, pause, startControlPlane, type ControlPlane } from '../support/controlPlane';
import { disposeServers } from '../support/serverProcesses';

/** A CRD whose rules sit on the object's root, which the server names `<nil>`. */
const ROOT_RULES_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.cert.example.test' },
  spec: {
    group: 'cert.example.test',
    names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            'x-kubernetes-validations': [{ rule: '!has(oldSelf.spec) || has(self.spec)' }, { rule: '!has(oldSelf.data) || self.data == oldSelf.data' }],
            properties: { spec: { type: 'object', properties: { a: { type: 'string' } } }, data: { type: 'string' } },
          },
        },
      },
    ],
  },
};

/** The errors of a refused update as kubectl prints them: after `is invalid: `, one, or each on a `* ` line. */
function serverErrors(stderr: string, name: string, kind = 'Certificate'): string[] {
  const prefix = `The ${kind} "${name}" is invalid: `;
  const text = stderr.trim();
  assert.ok(text.startsWith(prefix), `unexpected answer: ${text}`);
  const rest = text.slice(prefix.length);
  return rest.startsWith('\n* ')
    ? rest
        .slice(1)
        .split('\n')
        .map((l) => l.replace(/^\* /, ''))
    : [rest];
}

/** The errors our findings quote, from their `kubectl apply will fail with` clause. */
function quotedErrors(findings: Finding[], name: string, kind = 'Certificate'): string[] {
  return findings
    .filter((f) => f.code === 'kubernetes/immutable-field')
    .map((f) => {
      const match = new RegExp(`kubectl apply will fail with \`The ${kind} "${name}" is invalid: (.*)\`\\. Applying`).exec(f.message);
      assert.ok(match, f.message);
      return match[1]!;
    });
}

describe('CRD immutability rules against kube-apiserver', () => {
  let plane: ControlPlane;
  const analyzer = new KubernetesFileAnalyzer();
  const fromFile = new CustomResourceRegistry(definitionsInManifest(parseManifest(stringify(certificateCrd())), 'certificate.yaml').definitions);

  before(async () => {
    plane = await startControlPlane();
    for (const crd of [certificateCrd(), ROOT_RULES_CRD]) {
      await plane.kubectlOk(['apply', '--filename', '-'], JSON.stringify(crd));
      for (let i = 0; ; i++) {
        const status = await plane.kubectlOk([
          'get',
          'customresourcedefinitions',
          crd.metadata.name,
          '--output',
          'jsonpath={.status.conditions[?(@.type=="Established")].status}',
        ]);
        if (status.trim() === 'True') break;
        if (i > 300) throw new Error(`${crd.metadata.name} was not Established within 30 s`);
        await pause();
      }
    }
  });
  after(() => disposeServers());

  /** Creates the Certificate; kubectl's discovery may lag the new CRD for a moment. */
  async function create(namespace: string, name: string): Promise<void> {
    for (let i = 0; ; i++) {
      const result = await plane.kubectl(['apply', '--filename', '-'], JSON.stringify(certificate(name, namespace)));
      if (result.exitCode === 0) return;
      if (i > 50 || !/no matches for kind/.test(result.stderr)) throw new Error(`creating ${name}: ${result.stderr}`);
      await pause(200);
    }
  }

  for (const [index, { label, edit, errors }] of CERTIFICATE_EDITS.entries()) {
    test(`${label}: our verdict and words are the server's`, async () => {
      const namespace = await plane.namespace('crd');
      const name = `cert-${index}`;
      await create(namespace, name);
      const edited = certificate(name, namespace);
      edit(edited.spec);
      const answer = await plane.kubectl(['apply', '--dry-run=server', '--filename', '-'], JSON.stringify(edited));

      const text = stringify(edited);
      const ours = await analyzer.analyze(
        `/nonexistent/${namespace}/${name}.yaml`,
        { gitRef: 'HEAD', mayRunProcesses: true, baseline: 'cluster', kubectl: { path: KUBECTL, env: plane.env }, serverDryRun: false },
        text,
      );
      assert.deepEqual(
        ours.filter((f) => f.code === 'kubernetes/baseline-unavailable'),
        [],
      );
      const fileRules = manifestFindings(
        `/nonexistent/${name}.yaml`,
        parseManifest(text),
        { objects: new Map(parseManifest(stringify(certificate(name, namespace))).objects.map((o) => [identityKey(o.identity!), o])), description: 'the created object' },
        undefined,
        fromFile,
      );

      if (errors === undefined) {
        assert.equal(answer.exitCode, 0, answer.stderr);
        assert.match(answer.stdout, /\(server dry run\)/);
        assert.deepEqual(quotedErrors(ours, name), []);
        assert.deepEqual(quotedErrors(fileRules, name), []);
        return;
      }
      assert.equal(answer.exitCode, 1, answer.stdout);
      const server = serverErrors(answer.stderr, name);
      // The server walks an object's properties in Go map order: several errors come in any order.
      assert.deepEqual([...server].sort(), [...errors].sort(), 'the fixture records what the server answers');
      assert.deepEqual(quotedErrors(ours, name).sort(), [...server].sort());
      assert.deepEqual(quotedErrors(fileRules, name).sort(), [...server].sort());
      if (server.length === 1) {
        const finding = ours.find((f) => f.code === 'kubernetes/immutable-field')!;
        assert.ok(finding.message.includes(`\`${answer.stderr.trim()}\``), `${finding.message}\n${answer.stderr}`);
        assert.match(finding.ruleSource!, /^CustomResourceDefinition certificates\.cert\.example\.test \(v1, x-kubernetes-validations\), read from the cluster/);
      }
    });
  }

  test('a rule in a form not evaluated here: the server refuses, and we claim nothing (other findings count the rule in their hovers)', async () => {
    const namespace = await plane.namespace('crd');
    await create(namespace, 'grows');
    const edited = certificate('grows', namespace);
    edited.spec.renewBefore = 720;
    const answer = await plane.kubectl(['apply', '--dry-run=server', '--filename', '-'], JSON.stringify(edited));
    assert.equal(answer.exitCode, 1);
    assert.deepEqual(serverErrors(answer.stderr, 'grows'), ['spec: Invalid value: renewBefore may only shrink']);
    const ours = await analyzer.analyze(
      `/nonexistent/${namespace}/grows.yaml`,
      { gitRef: 'HEAD', mayRunProcesses: true, baseline: 'cluster', kubectl: { path: KUBECTL, env: plane.env }, serverDryRun: false },
      stringify(edited),
    );
    assert.deepEqual(
      ours.map((f) => f.code),
      [],
    );
    // With the cluster baseline's own dry-run, the server's refusal reaches the user all the same.
    const asked = await analyzer.analyze(
      `/nonexistent/${namespace}/grows.yaml`,
      { gitRef: 'HEAD', mayRunProcesses: true, baseline: 'cluster', kubectl: { path: KUBECTL, env: plane.env } },
      stringify(edited),
    );
    assert.deepEqual(
      asked.map((f) => f.code),
      ['kubernetes/server-rejected'],
    );
    assert.match(asked[0].message, /spec: Invalid value: renewBefore may only shrink/);
  });

  test('rules on the object’s root: the server names the root <nil>, and so do we', async () => {
    const namespace = await plane.namespace('crd');
    const gadget = (name: string) => ({ apiVersion: 'cert.example.test/v1', kind: 'Gadget', metadata: { name, namespace }, spec: { a: 'x' }, data: 'd' });
    for (const [name, drop, expected] of [
      ['no-spec', 'spec', '<nil>: Invalid value: failed rule: !has(oldSelf.spec) || has(self.spec)'],
      ['no-data', 'data', '<nil>: Invalid value: "object": no such key: data evaluating rule: !has(oldSelf.data) || self.data == oldSelf.data'],
    ] as const) {
      for (let i = 0; ; i++) {
        const created = await plane.kubectl(['apply', '--filename', '-'], JSON.stringify(gadget(name)));
        if (created.exitCode === 0) break;
        if (i > 50) throw new Error(created.stderr);
        await pause(200);
      }
      const edited: Record<string, unknown> = gadget(name);
      delete edited[drop];
      const answer = await plane.kubectl(['apply', '--dry-run=server', '--filename', '-'], JSON.stringify(edited));
      assert.deepEqual(serverErrors(answer.stderr, name, 'Gadget'), [expected]);
      const ours = await analyzer.analyze(
        `/nonexistent/${namespace}/${name}.yaml`,
        { gitRef: 'HEAD', mayRunProcesses: true, baseline: 'cluster', kubectl: { path: KUBECTL, env: plane.env }, serverDryRun: false },
        stringify(edited),
      );
      assert.deepEqual(quotedErrors(ours, name, 'Gadget'), [expected]);
    }
  });
});
