/**
 * One row per immutability rule and branch of the Kubernetes validation code, for the kinds the
 * rules cover (kubernetes/kubernetes `pkg/apis/{apps,batch,core,storage}/validation/validation.go`
 * and the apps registries' `strategy.go`): the shared edit table (test/support/immutableFieldCases.ts,
 * which the end-to-end test plays on a real kube-apiserver 1.37.2) gives each edit's finding with the
 * server's exact text, and allowed edits nearby give none.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KUBERNETES_MESSAGES_VERSION } from '../../core/src/kubernetes/apiErrorText';
import { claim, editedObject, IMMUTABLE_FIELD_CASES, service, type Obj } from '../support/immutableFieldCases';
import { analyse, seedDeployment, toYaml } from './kubernetesTestSupport';

const addTier = (o: Obj) => (o.spec.selector.matchLabels.tier = 'web');

const IMMUTABLE_CODES = new Set(['kubernetes/immutable-field', 'kubernetes/immutable-config-changed']);

describe('immutable fields: one row per rule of the validation code', () => {
  for (const row of IMMUTABLE_FIELD_CASES) {
    test(row.name, () => {
      const findings = analyse(toYaml(row.before), toYaml(editedObject(row))).filter((f) => IMMUTABLE_CODES.has(f.code));
      if (!row.expect) {
        assert.deepEqual(
          findings.map((f) => f.message),
          [],
          'an allowed change gives no immutable-field finding',
        );
        return;
      }
      assert.equal(
        findings.length,
        row.expect.findings ?? 1,
        JSON.stringify(
          findings.map((f) => f.message),
          null,
          2,
        ),
      );
      const quoted = `kubectl apply will fail with \`${row.expect.answer}\``;
      const finding = findings.find((f) => f.message.includes(quoted)) ?? findings[0];
      assert.equal(finding.code, row.expect.code ?? 'kubernetes/immutable-field');
      assert.equal(finding.severity, row.expect.severity ?? 'error');
      assert.equal(finding.path, row.expect.path);
      assert.ok(finding.message.includes(quoted), `message:\n${finding.message}\nshould quote exactly:\n${row.expect.answer}`);
      assert.ok(finding.detail?.includes('**Rule:**') && finding.ruleSource?.startsWith('kubernetes/kubernetes '), 'the hover names the rule and its source');
      assert.ok(finding.detail?.includes(`**Kubernetes ${KUBERNETES_MESSAGES_VERSION} answers:**`), 'the hover names the version whose message it quotes');
      // What delete-and-recreate means for the kind is part of the message.
      assert.match(finding.message, /delet|re-creat|new name/i);
    });
  }
});

describe('immutable-field findings: where and what', () => {
  test('the squiggle is on the changed field of the edited object, in its own document', () => {
    const before = toYaml(service(), seedDeployment());
    const edited = seedDeployment();
    addTier(edited);
    const text = toYaml(service(), edited);
    const [finding] = analyse(before, text).filter((f) => f.code === 'kubernetes/immutable-field');
    const lines = text.split('\n');
    assert.equal(lines[finding.range.start.line].trim(), 'selector:');
    assert.ok(finding.range.start.line > text.split('---')[0].split('\n').length - 1, 'in the second document');
    assert.equal(finding.address, 'Deployment.apps/default/nginx-deployment');
    assert.equal(finding.kind, 'Deployment');
    assert.equal(finding.name, 'nginx-deployment');
  });

  test('a renamed object is another object: no immutable-field finding', () => {
    const edited = seedDeployment();
    edited.metadata.name = 'nginx-v2';
    addTier(edited);
    assert.deepEqual(
      analyse(toYaml(seedDeployment()), toYaml(edited)).filter((f) => IMMUTABLE_CODES.has(f.code)),
      [],
    );
  });

  test('the namespace is part of the identity; "default" when unset', () => {
    const deployed = seedDeployment();
    const edited = seedDeployment();
    edited.metadata.namespace = 'default';
    addTier(edited);
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 1);
    edited.metadata.namespace = 'staging';
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 0);
  });

  test('moving a Deployment from extensions/v1beta1 to apps/v1 edits the same object', () => {
    const deployed = { ...seedDeployment(), apiVersion: 'extensions/v1beta1' };
    const edited = seedDeployment();
    addTier(edited);
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 1);
  });

  test('objects inside a List are matched one by one', () => {
    const list = (items: Obj[]) => ({ apiVersion: 'v1', kind: 'List', items });
    const edited = claim();
    edited.spec.resources.requests.storage = '1Gi';
    const findings = analyse(toYaml(list([service(), claim()])), toYaml(list([service(), edited])));
    assert.deepEqual(
      findings.map((f) => f.code),
      ['kubernetes/immutable-field'],
    );
    assert.equal(findings[0].path, 'spec.resources.requests.storage');
  });
});
