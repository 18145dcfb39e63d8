import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffChange, MAX_CHANGE_ROWS, MAX_VALUE_TEXT, planValueText, quoteString, renderPath, renderReplacePath, renderValue } from '../../core/src/plan/planValues';

const known = (text: string) => ({ kind: 'known', text });
const rows = (change: Parameters<typeof diffChange>[0], replacePaths: unknown[] = []) =>
  diffChange(change, replacePaths).changes.map((c) => [c.path, planValueText(c.before), planValueText(c.after), c.forcesReplacement]);

describe('plan values: HCL-like text', () => {
  test('primitives, lists, maps and objects', () => {
    assert.deepEqual(renderValue('0700'), known('"0700"'));
    assert.deepEqual(renderValue(3), known('3'));
    assert.deepEqual(renderValue(1.5), known('1.5'));
    assert.deepEqual(renderValue(true), known('true'));
    assert.deepEqual(renderValue(null), known('null'));
    assert.deepEqual(renderValue(['a', 'b']), known('["a", "b"]'));
    assert.deepEqual(renderValue([]), known('[]'));
    assert.deepEqual(renderValue({}), known('{}'));
    assert.deepEqual(renderValue({ a: 1, Name: 'web', 'my-key': [true] }), known('{ a = 1, "Name" = "web", "my-key" = [true] }'));
    assert.deepEqual(renderValue([{ cidr_blocks: ['10.0.0.0/8'] }]), known('[{ cidr_blocks = ["10.0.0.0/8"] }]'));
  });

  test('strings are escaped for HCL only: quotes, backslashes, control characters, template sequences', () => {
    assert.equal(quoteString('say "hi"\\now'), '"say \\"hi\\"\\\\now"');
    assert.equal(quoteString('a\nb\r\tc'), '"a\\nb\\r\\tc"');
    assert.equal(quoteString('${var.x} %{if} $ %'), '"$${var.x} %%{if} $ %"');
    assert.equal(quoteString('\u0000\u001b\u007f\u2028\u2029'), '"\\u0000\\u001b\\u007f\\u2028\\u2029"');
  });

  test('hostile strings stay data: HTML is left for the HTML side to escape', () => {
    const hostile = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';
    assert.deepEqual(renderValue(hostile), known(`"${hostile}"`));
    assert.deepEqual(renderValue({ [hostile]: hostile }), known(`{ "${hostile}" = "${hostile}" }`));
    // An embedded quote cannot end the literal early.
    assert.deepEqual(renderValue('"); alert(1); ("'), known('"\\"); alert(1); (\\""'));
  });

  test('long values are cut at MAX_VALUE_TEXT and marked truncated', () => {
    const long = renderValue('x'.repeat(1_000_000));
    assert.equal(long.kind, 'known');
    assert.ok(long.kind === 'known' && long.truncated === true);
    assert.ok(long.kind === 'known' && long.text.length === MAX_VALUE_TEXT + 1 && long.text.endsWith('…'));
    const bigList = renderValue(Array.from({ length: 100_000 }, (_, i) => i));
    assert.ok(bigList.kind === 'known' && bigList.truncated === true && bigList.text.startsWith('[0, 1, 2'));
    const short = renderValue('ok');
    assert.ok(short.kind === 'known' && short.truncated === undefined);
  });

  test('masks: the whole value, or nested parts inside the text', () => {
    assert.deepEqual(renderValue('secret', false, true), { kind: 'sensitive' });
    assert.deepEqual(renderValue(null, true, false), { kind: 'unknown' });
    // Sensitive wins over unknown: nothing about a secret is shown.
    assert.deepEqual(renderValue(null, true, true), { kind: 'sensitive' });
    assert.deepEqual(renderValue({ user: 'admin', password: 'hunter2' }, {}, { password: true }), known('{ user = "admin", password = (sensitive value) }'));
    assert.deepEqual(
      renderValue({ id: null, tags: ['a', null] }, { id: true, tags: [false, true] }, {}),
      known('{ id = (known after apply), tags = ["a", (known after apply)] }'),
    );
    assert.equal(planValueText({ kind: 'unknown' }), '(known after apply)');
    assert.equal(planValueText({ kind: 'sensitive' }), '(sensitive value)');
  });
});

describe('plan values: paths', () => {
  test('attribute names, map keys, list indexes', () => {
    assert.equal(renderPath(['file_permission']), 'file_permission');
    assert.equal(renderPath(['tags', 'Name']), 'tags["Name"]');
    assert.equal(renderPath(['ingress', 0, 'cidr_blocks']), 'ingress[0].cidr_blocks');
    assert.equal(renderPath(['triggers', 'version']), 'triggers.version');
    assert.equal(renderPath(['labels', 'app.kubernetes.io/name']), 'labels["app.kubernetes.io/name"]');
    assert.equal(renderPath(['m', 'a"]b']), 'm["a\\"]b"]');
  });

  test('replace_paths use the same syntax; odd steps do not throw', () => {
    assert.equal(renderReplacePath(['file_permission']), 'file_permission');
    assert.equal(renderReplacePath(['network_interface', 0, 'subnet_id']), 'network_interface[0].subnet_id');
    assert.equal(renderReplacePath(['tags', 'Name']), 'tags["Name"]');
    assert.equal(renderReplacePath('not-a-list'), '"not-a-list"');
    assert.equal(renderReplacePath(['x', { odd: true }]), 'x["{\\"odd\\":true}"]');
  });
});

describe('plan values: attribute diff', () => {
  test('an update lists only what changed, at the nested path', () => {
    const change = {
      before: { id: 'i-1', tags: { Name: 'old', env: 'prod' }, ami: 'ami-1' },
      after: { id: 'i-1', tags: { Name: 'new', env: 'prod' }, ami: 'ami-1' },
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: {},
    };
    assert.deepEqual(rows(change), [['tags["Name"]', '"old"', '"new"', false]]);
  });

  test('map keys added and removed are absent on one side', () => {
    const change = { before: { tags: { a: '1', gone: 'x' } }, after: { tags: { a: '1', New: 'y' } } };
    assert.deepEqual(rows(change), [
      ['tags["New"]', '(not set)', '"y"', false],
      ['tags.gone', '"x"', '(not set)', false],
    ]);
  });

  test('lists: element-wise at equal length (into nested blocks), the whole attribute otherwise', () => {
    const before = {
      ingress: [
        { from_port: 80, cidr_blocks: ['10.0.0.0/8'] },
        { from_port: 443, cidr_blocks: ['0.0.0.0/0'] },
      ],
    };
    const after = {
      ingress: [
        { from_port: 80, cidr_blocks: ['10.0.0.0/8', '192.168.0.0/16'] },
        { from_port: 443, cidr_blocks: ['0.0.0.0/0'] },
      ],
    };
    assert.deepEqual(rows({ before, after }), [['ingress[0].cidr_blocks', '["10.0.0.0/8"]', '["10.0.0.0/8", "192.168.0.0/16"]', false]]);
    assert.deepEqual(rows({ before: { ports: [1, 2] }, after: { ports: [1, 2, 3] } }), [['ports', '[1, 2]', '[1, 2, 3]', false]]);
    assert.deepEqual(rows({ before: { ports: [1, 2] }, after: { ports: [1, 5] } }), [['ports[1]', '2', '5', false]]);
  });

  test('a big list that changed everywhere is one row, not thousands', () => {
    const before = { items: Array.from({ length: 5000 }, (_, i) => `a${i}`) };
    const after = { items: Array.from({ length: 5000 }, (_, i) => `b${i}`) };
    const diff = diffChange({ before, after });
    assert.equal(diff.changes.length, 1);
    assert.equal(diff.changes[0].path, 'items');
    assert.ok(diff.changes[0].before.kind === 'known' && diff.changes[0].before.truncated);
  });

  test('rows past MAX_CHANGE_ROWS are counted, not listed', () => {
    const before = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`a${i}`, 1]));
    const after = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`a${i}`, 2]));
    const diff = diffChange({ before, after });
    assert.equal(diff.changes.length, MAX_CHANGE_ROWS);
    assert.equal(diff.omitted, 500 - MAX_CHANGE_ROWS);
  });

  test('forcesReplacement: the path, a path under it, and a whole-attribute row holding it', () => {
    const change = {
      before: { file_permission: '0777', tags: { Name: 'a' }, ports: [1, 2], content: 'x' },
      after: { file_permission: '0700', tags: { Name: 'b' }, ports: [1, 2, 3], content: 'y' },
    };
    assert.deepEqual(rows(change, [['file_permission'], ['tags'], ['ports', 2]]), [
      ['content', '"x"', '"y"', false],
      ['file_permission', '"0777"', '"0700"', true],
      ['ports', '[1, 2]', '[1, 2, 3]', true],
      ['tags["Name"]', '"a"', '"b"', true],
    ]);
  });

  test('create: unknown attributes shown, null ones left out; delete: every set attribute leaves', () => {
    assert.deepEqual(rows({ before: null, after: { ami: 'boop', name: null }, after_unknown: { id: true } }), [
      ['ami', '(not set)', '"boop"', false],
      ['id', '(not set)', '(known after apply)', false],
    ]);
    assert.deepEqual(rows({ before: { ami: 'boop', name: null }, after: null }), [['ami', '"boop"', '(not set)', false]]);
  });

  test('sensitive values: never shown; equal values are no change; a change in sensitivity is', () => {
    assert.deepEqual(rows({ before: { password: 'a' }, after: { password: 'b' }, before_sensitive: { password: true }, after_sensitive: { password: true } }), [
      ['password', '(sensitive value)', '(sensitive value)', false],
    ]);
    assert.deepEqual(rows({ before: { password: 'a' }, after: { password: 'a' }, before_sensitive: { password: true }, after_sensitive: { password: true } }), []);
    assert.deepEqual(rows({ before: { token: 'a' }, after: { token: 'a' }, before_sensitive: {}, after_sensitive: { token: true } }), [
      ['token', '"a"', '(sensitive value)', false],
    ]);
    // A sensitive element inside a map stays masked in the text of a whole-attribute row.
    assert.deepEqual(rows({ before: { env: null }, after: { env: { USER: 'me', PASS: 'pw' } }, after_sensitive: { env: { PASS: true } } }), [
      ['env', 'null', '{ "USER" = "me", "PASS" = (sensitive value) }', false],
    ]);
  });

  test('unknown after apply, nested and whole', () => {
    assert.deepEqual(rows({ before: { id: 'x', tags: { a: '1' } }, after: { id: null, tags: { a: null } }, after_unknown: { id: true, tags: { a: true } } }), [
      ['id', '"x"', '(known after apply)', false],
      ['tags.a', '"1"', '(known after apply)', false],
    ]);
    // An output that is wholly unknown: one row at the empty path.
    assert.deepEqual(rows({ before: 'a', after_unknown: true }), [['', '"a"', '(known after apply)', false]]);
  });

  test('no change, no rows', () => {
    assert.deepEqual(rows({ before: { a: [1, { b: 2 }] }, after: { a: [1, { b: 2 }] }, after_unknown: {}, before_sensitive: {}, after_sensitive: {} }), []);
  });
});
