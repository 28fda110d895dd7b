import { lineOf, parseYaml } from '../../src/compose/parse';

describe('parseYaml', () => {
  test('keeps the line of every value and key', () => {
    const { tree } = parseYaml('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - 443\n    environment:\n      EMPTY:\n');
    expect(tree!.value).toEqual({ services: { web: { image: 'nginx', ports: ['80:80', 443], environment: { EMPTY: null } } } });
    expect(lineOf(tree!, 'services.web')).toBe(2);
    expect(lineOf(tree!, 'services.web.image')).toBe(3);
    expect(lineOf(tree!, 'services.web.ports[1]')).toBe(6);
    expect(lineOf(tree!, 'services.web.environment.EMPTY')).toBe(8);
    // A missing key: the line of its closest parent.
    expect(lineOf(tree!, 'services.web.deploy.replicas')).toBe(2);
  });

  test('resolves anchors, aliases and merge keys; explicit keys win', () => {
    const { tree } = parseYaml([
      'x-base: &base',
      '  image: busybox',
      '  environment: { A: "1" }',
      'x-more: &more',
      '  user: nobody',
      '  image: ignored',
      'services:',
      '  a:',
      '    <<: [*base, *more]',
      '    image: alpine',
      '  b: *base',
    ].join('\n'));
    const services = (tree!.value as any).services;
    expect(services.a).toEqual({ image: 'alpine', environment: { A: '1' }, user: 'nobody' });
    expect(services.b).toEqual({ image: 'busybox', environment: { A: '1' } });
  });

  test('reports syntax errors with their line', () => {
    const { tree, errors } = parseYaml('services:\n  web:\n    image: nginx\n    ports: ["80:80"\n  db:\n');
    expect(tree).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].line).toBeGreaterThanOrEqual(4);
  });

  test('reports duplicate keys', () => {
    const { errors } = parseYaml('services:\n  web: {}\n  web: {}\n');
    expect(errors[0]).toEqual({ line: 3, message: expect.stringMatching(/unique/) });
  });
});
