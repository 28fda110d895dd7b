import * as serializer from './snapshot-serializer';

describe('snapshot serializer', () => {
  const print = (value: unknown) => serializer.serialize(value, {}, '', 0, [], (v: unknown) => JSON.stringify(v));

  test('only handles templates it has not scrubbed yet', () => {
    expect(serializer.test({ Resources: {} })).toBe(true);
    expect(serializer.test({ foo: 1 })).toBe(false);
    expect(serializer.test(null)).toBe(false);
  });

  test('scrubs asset hashes and library versions, keeps CIDRs and image tags', () => {
    const hash = 'a'.repeat(64);
    const out = JSON.parse(print({
      Resources: { [`Asset${hash}`]: { Properties: { Key: `${hash}.zip`, UserAgent: 'cdk-ecs-kit/1.2.3', Cidr: '10.0.0.0/16', Image: 'nginx:1.27.0' } } },
      Parameters: { BootstrapVersion: { Type: 'String' } },
      Rules: { CheckBootstrapVersion: {} },
    }));
    expect(out).toEqual({
      Resources: { 'Asset[ASSET HASH]': { Properties: { Key: '[ASSET HASH].zip', UserAgent: 'cdk-ecs-kit/[VERSION]', Cidr: '10.0.0.0/16', Image: 'nginx:1.27.0' } } },
    });
  });
});
