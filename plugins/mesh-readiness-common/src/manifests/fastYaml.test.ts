import { parseFast } from './fastYaml';

describe('parseFast line lookup', () => {
  it('finds plain, quoted and list-item keys', () => {
    const [doc] = parseFast(
      [
        'apiVersion: v1', // 1
        'kind: Service', // 2
        'metadata:', // 3
        '  "name": web', // 4
        "  'namespace': shop", // 5
        'spec:', // 6
        '  ports:', // 7
        '    - name: http', // 8
        '      port: 80', // 9
        '      targetPort : 8080', // 10
        '',
      ].join('\n'),
    )!;
    expect(doc.lineAt(['metadata', 'name'])).toBe(4);
    expect(doc.lineAt(['metadata', 'namespace'])).toBe(5);
    expect(doc.lineAt(['spec', 'ports', 0, 'name'])).toBe(8);
    expect(doc.lineAt(['spec', 'ports', 0, 'port'])).toBe(9);
    expect(doc.lineAt(['spec', 'ports', 0, 'targetPort'])).toBe(10);
    expect(doc.lineAt(['spec', 'ports', 0, 'protocol'])).toBeUndefined();
  });

  it('reads files with CRLF line ends', () => {
    const [doc] = parseFast(
      'kind: Pod\r\nmetadata:\r\n  name: a\r\n  labels:\r\n    app: a\r\n',
    )!;
    expect(doc.lineAt(['metadata', 'name'])).toBe(3);
    expect(doc.lineAt(['metadata', 'labels', 'app'])).toBe(5);
  });

  it('does not take a longer key or a value for the key', () => {
    const [doc] = parseFast(
      [
        'spec:', // 1
        '  portName: x', // 2
        '  other: "port: 1"', // 3
        '  port: 2', // 4
        '',
      ].join('\n'),
    )!;
    expect(doc.lineAt(['spec', 'port'])).toBe(4);
  });

  it('gives each document its own lines', () => {
    const docs = parseFast('kind: A\nname: a\n---\nkind: B\nname: b\n')!;
    expect(docs.map(doc => doc.lineAt(['name']))).toEqual([2, 5]);
  });

  it('declines aliases, which the careful parser limits', () => {
    expect(parseFast('a: &x 1\nb: *x\n')).toBeUndefined();
    // A `*` that is not an alias (a glob in a value) keeps the fast path.
    expect(parseFast('hosts:\n  - "*.example.com"\n')).toBeDefined();
  });
});
