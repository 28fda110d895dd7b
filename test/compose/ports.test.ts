import * as fc from 'fast-check';
import { ComposePort, PortSyntaxError, isHttpPort, parseExposeEntry, parsePortEntry, parsePortString } from '../../src/compose/ports';

const tcp = (containerPort: number, extra: Partial<ComposePort> = {}): ComposePort =>
  ({ containerPort, hostPort: undefined, hostIp: undefined, protocol: 'tcp', appProtocol: undefined, published: true, ...extra });

describe('short syntax', () => {
  test.each<[string, ComposePort[]]>([
    ['80', [tcp(80)]],
    ['8080:80', [tcp(80, { hostPort: 8080 })]],
    ['127.0.0.1:5432:5432', [tcp(5432, { hostPort: 5432, hostIp: '127.0.0.1' })]],
    ['127.0.0.1::80', [tcp(80, { hostIp: '127.0.0.1' })]],
    ['[::1]:6001:6001', [tcp(6001, { hostPort: 6001, hostIp: '::1' })]],
    ['53:53/udp', [tcp(53, { hostPort: 53, protocol: 'udp' })]],
    ['9090-9091:8080-8081', [tcp(8080, { hostPort: 9090 }), tcp(8081, { hostPort: 9091 })]],
    ['3000-3001', [tcp(3000), tcp(3001)]],
    ['8000-8010:80', [tcp(80)]], // Docker picks a host port of the range
    ['80/TCP', [tcp(80)]],
  ])('%p', (spec, expected) => {
    expect(parsePortString(spec)).toEqual(expected);
  });

  test.each([
    '', 'http', '0', '65536', '80:', ':80:80', '8o8o:80', '1.2.3.4:80', '80:80:80:80', '[::1]80', '[::1]:80',
    '81-80', '8080-8081:80-82', '80/sctp', '1-200',
  ])('fails when the port string does not parse: %p', (spec) => {
    expect(() => parsePortString(spec)).toThrow(PortSyntaxError);
  });

  test('every HOST:CONTAINER/PROTOCOL with valid ports parses back (property)', () => {
    const port = fc.integer({ min: 1, max: 65535 });
    fc.assert(fc.property(fc.option(port, { nil: undefined }), port, fc.constantFrom('tcp', 'udp'), (host, container, protocol) => {
      const spec = `${host !== undefined ? `${host}:` : ''}${container}/${protocol}`;
      expect(parsePortString(spec)).toEqual([tcp(container, { hostPort: host, protocol: protocol as 'tcp' | 'udp' })]);
    }));
  });

  test('any string either parses into valid ports or fails with PortSyntaxError (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789:-/.[]tcpud'.split('')), maxLength: 16 }), (spec) => {
      try {
        const ports = parsePortString(spec);
        expect(ports.length).toBeGreaterThan(0);
        for (const p of ports) {
          expect(p.containerPort).toBeGreaterThanOrEqual(1);
          expect(p.containerPort).toBeLessThanOrEqual(65535);
        }
      } catch (e) {
        expect(e).toBeInstanceOf(PortSyntaxError);
      }
    }));
  });
});

describe('long syntax and numbers', () => {
  test('a number is a container port', () => {
    expect(parsePortEntry(3000)).toEqual([tcp(3000)]);
  });

  test('target, published, host_ip, protocol and app_protocol', () => {
    expect(parsePortEntry({ target: 80, published: '8080', host_ip: '0.0.0.0', protocol: 'tcp', app_protocol: 'HTTP', mode: 'host' }))
      .toEqual([tcp(80, { hostPort: 8080, hostIp: '0.0.0.0', appProtocol: 'http' })]);
  });

  test.each([{}, { target: 'web' }, { target: 80, published: 'x' }, { target: 80, protocol: 'sctp' }, [80], true])(
    'fails when the long syntax is wrong: %p', (entry) => {
      expect(() => parsePortEntry(entry)).toThrow(PortSyntaxError);
    });
});

describe('expose', () => {
  test('ports, ranges and protocols; not published', () => {
    expect(parseExposeEntry('3000')).toEqual([tcp(3000, { published: false })]);
    expect(parseExposeEntry(6379)).toEqual([tcp(6379, { published: false })]);
    expect(parseExposeEntry('53/udp')).toEqual([tcp(53, { published: false, protocol: 'udp' })]);
    expect(parseExposeEntry('8000-8001')).toHaveLength(2);
  });

  test('fails when the entry is not a port', () => {
    expect(() => parseExposeEntry('80:80')).toThrow(PortSyntaxError);
  });
});

describe('isHttpPort', () => {
  test.each<[string, ComposePort, boolean]>([
    ['well-known container port', tcp(80, { hostPort: 8080 }), true],
    ['framework port', tcp(3000), true],
    ['host port 80', tcp(3001, { hostPort: 80 }), true],
    ['database port', tcp(5432, { hostPort: 5432 }), false],
    ['app_protocol http', tcp(9999, { appProtocol: 'http' }), true],
    ['app_protocol grpc on 8080', tcp(8080, { appProtocol: 'grpc' }), false],
    ['udp', tcp(80, { protocol: 'udp' }), false],
    ['exposed only', tcp(80, { published: false }), false],
  ])('%s', (_, port, expected) => {
    expect(isHttpPort(port)).toBe(expected);
  });
});
