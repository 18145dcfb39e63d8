/**
 * `immutable-infra check` with custom resources: the CRDs among the checked paths and under
 * `--crds` make their custom resources' immutable fields errors, against a real git baseline;
 * bad `--crds` and broken CRD files say so.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { certificate, certificateCrd } from '../support/certificateCrd';
import { runCli } from '../support/cli';
import { cleanupTempDirs, gitModule } from '../support/tempModule';

after(cleanupTempDirs);

const DEPLOYED = stringify(certificate());
const EDITED = DEPLOYED.replace('secretName: web-tls', 'secretName: web-tls-2');
const CRD = stringify(certificateCrd());
const ANSWER = 'The Certificate "web-tls" is invalid: spec.secretName: Invalid value: "web-tls-2": secretName is immutable';

interface JsonFinding {
  file: string;
  code: string;
  severity: string;
  path?: string;
  message: string;
}

const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

describe('check with CustomResourceDefinitions', () => {
  test('a CRD among the checked paths: the edited immutable field is an error, exit 1', async () => {
    const dir = gitModule({ 'crds/certificate.yaml': CRD, 'app/cert.yaml': DEPLOYED }, { 'app/cert.yaml': EDITED });
    const run = await runCli(['check', '.', '--format', 'json'], dir);
    assert.equal(run.code, 1, run.stderr);
    const findings = findingsOf(run.stdout);
    assert.deepEqual(
      findings.map((f) => [f.file, f.code, f.severity, f.path]),
      [['app/cert.yaml', 'kubernetes/immutable-field', 'error', 'spec.secretName']],
    );
    assert.ok(findings[0]!.message.includes(ANSWER), findings[0]!.message);
  });

  test('only the custom resource checked: nothing without its CRD, the error with --crds', async () => {
    const dir = gitModule({ 'crds/certificate.yaml': CRD, 'app/cert.yaml': DEPLOYED }, { 'app/cert.yaml': EDITED });
    const alone = await runCli(['check', 'app/cert.yaml', '--format', 'json'], dir);
    assert.equal(alone.code, 0, alone.stderr);
    assert.deepEqual(findingsOf(alone.stdout), []);
    const withCrds = await runCli(['check', 'app/cert.yaml', '--crds', 'crds', '--format', 'json'], dir);
    assert.equal(withCrds.code, 1, withCrds.stderr);
    assert.ok(findingsOf(withCrds.stdout)[0]!.message.includes(ANSWER));
  });

  test('against a deployed folder (--against): the custom resource is matched by identity there', async () => {
    const dir = gitModule({ 'crds/certificate.yaml': CRD, 'deployed/cert.yaml': DEPLOYED, 'app/cert.yaml': EDITED }, {});
    const run = await runCli(['check', 'app', '--against', 'deployed', '--crds', 'crds', '--format', 'json'], dir);
    assert.equal(run.code, 1, run.stderr);
    const [finding, ...rest] = findingsOf(run.stdout);
    assert.deepEqual(rest, []);
    assert.ok(finding!.message.includes(ANSWER), finding!.message);
  });

  test('a --crds path that does not exist is a usage error', async () => {
    const dir = gitModule({ 'app/cert.yaml': DEPLOYED }, {});
    const run = await runCli(['check', '.', '--crds', 'missing'], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--crds missing: no such file or folder\./);
  });

  test('a CRD that cannot be read is named on stderr; the rest is still checked', async () => {
    const broken = stringify({ ...certificateCrd(), spec: { group: 'cert.example.test', names: { kind: 'Certificate', plural: 'certificates' } } });
    const dir = gitModule({ 'crds/certificate.yaml': broken, 'app/cert.yaml': DEPLOYED }, { 'app/cert.yaml': EDITED });
    const run = await runCli(['check', '.', '--format', 'json'], dir);
    assert.equal(run.code, 0);
    assert.deepEqual(findingsOf(run.stdout), []);
    assert.equal(
      run.stderr,
      'immutable-infra: crds/certificate.yaml: CustomResourceDefinition `certificates.cert.example.test` has no `spec.versions`. Its custom resources are not checked against it.\n',
    );
  });
});
