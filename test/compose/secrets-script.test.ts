import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { SecretFile, secretFilesScript, shellQuote } from '../../src/compose/private/secret-files';

/**
 * The init container runs the generated script with BusyBox's `sh -c`: here it
 * runs under every POSIX shell this machine has (dash as `sh` always; BusyBox
 * and bash when installed), with the values in its environment as ECS gives
 * them, and the files it writes are compared byte for byte.
 */
const SHELLS: string[][] = [['sh'], ['busybox', 'sh'], ['bash', '--posix', '--norc', '--noprofile']].filter(([command]) =>
  spawnSync('sh', ['-c', `command -v ${command}`]).status === 0);

const isRoot = process.getuid?.() === 0;

const roots: string[] = [];
afterAll(() => roots.forEach(root => fs.rmSync(root, { recursive: true, force: true })));

/** Runs `script` with `shell -c` and `env`, in a fresh root directory; returns the root. */
function run(shell: string[], files: SecretFile[], directories: string[], env: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-files-'));
  roots.push(root);
  // The task volumes exist before the init container starts.
  for (const dir of directories.filter(d => !d.includes('/'))) fs.mkdirSync(path.join(root, dir));
  const script = secretFilesScript(root, directories, files);
  const [command, ...args] = shell;
  execFileSync(command, [...args, '-c', script], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' });
  return root;
}

/** Values that break naive scripts: quotes, newlines, shell syntax, printf formats, a leading dash, no or several final newlines. */
const AWKWARD_VALUES = [
  'p@ss\'w"o`r$d',
  'line one\nline two\n\n',
  '$(touch /tmp/pwned) `id` ${HOME} $SECRET_1',
  '%s%d\\n\\0 %% \\\\',
  '-n -e --',
  ' leading and trailing spaces ',
  'unicode: pässwörd ✓ 🔑',
  '',
  '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----\n',
];

describe('the secret files script', () => {
  test('there is at least the system sh to run it', () => {
    expect(SHELLS.map(s => s[0])).toContain('sh');
  });

  test.each(SHELLS.map(s => [s.join(' '), s]))('%s writes each value byte for byte, with its mode', (_name, shell) => {
    // GIVEN values that need quoting, in files whose names need quoting too
    const files: SecretFile[] = AWKWARD_VALUES.map((_, i) => ({ variable: `SECRET_${i}`, path: `0/file ${i} 'q'`, mode: 0o440 }));
    files.push({ variable: 'SECRET_0', path: '1/sub dir/nested/it\'s', mode: 0o400 });
    const env = Object.fromEntries(AWKWARD_VALUES.map((value, i) => [`SECRET_${i}`, value]));
    // WHEN
    const root = run(shell as string[], files, ['0', '1', '1/sub dir', '1/sub dir/nested'], env);
    // THEN
    AWKWARD_VALUES.forEach((value, i) => {
      const file = path.join(root, '0', `file ${i} 'q'`);
      expect(fs.readFileSync(file)).toEqual(Buffer.from(value, 'utf-8'));
      expect(fs.statSync(file).mode % 0o10000).toBe(0o440);
    });
    const nested = path.join(root, '1', 'sub dir', 'nested', 'it\'s');
    expect(fs.readFileSync(nested, 'utf-8')).toBe(AWKWARD_VALUES[0]);
    expect(fs.statSync(nested).mode % 0o10000).toBe(0o400);
    // The directories are traversable by the container's user, as Compose's /run/secrets is.
    for (const dir of ['0', '1', '1/sub dir', '1/sub dir/nested']) expect(fs.statSync(path.join(root, dir)).mode % 0o1000).toBe(0o755);
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
  });

  (isRoot ? test : test.skip)('gives each file to its owner: uid and gid, uid only, gid only', () => {
    // GIVEN (as root, as the init container runs)
    const files: SecretFile[] = [
      { variable: 'A', path: '0/both', mode: 0o400, uid: '1000', gid: '1001' },
      { variable: 'A', path: '0/uid', mode: 0o444, uid: '70' },
      { variable: 'A', path: '0/gid', mode: 0o040, gid: '999' },
      { variable: 'A', path: '0/root', mode: 0o444 },
    ];
    // WHEN
    const root = run(['sh'], files, ['0'], { A: 'x' });
    // THEN
    const owner = (name: string) => { const s = fs.statSync(path.join(root, '0', name)); return [s.uid, s.gid]; };
    expect([owner('both'), owner('uid'), owner('gid'), owner('root')]).toEqual([[1000, 1001], [70, 0], [0, 999], [0, 0]]);
  });

  test('fails (exit code not 0) when it cannot write, so the app container does not start', () => {
    // GIVEN a root no one can create a directory in (a character device)
    const script = secretFilesScript('/dev/null/root', ['0'], [{ variable: 'A', path: '0/x', mode: 0o444 }]);
    const result = spawnSync('sh', ['-c', script], { env: { A: 'x', PATH: process.env.PATH }, stdio: 'pipe' });
    expect(result.status).not.toBe(0);
  });

  test('any value is written exactly (property)', () => {
    const value = fc.string({ unit: 'grapheme', maxLength: 200 }).filter(v => !v.includes('\0'));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), values => {
      const files = values.map((_, i) => ({ variable: `SECRET_${i}`, path: `0/s${i}`, mode: 0o444 }));
      const root = run(['sh'], files, ['0'], Object.fromEntries(values.map((v, i) => [`SECRET_${i}`, v])));
      values.forEach((v, i) => expect(fs.readFileSync(path.join(root, '0', `s${i}`), 'utf-8')).toBe(v));
    }), { numRuns: 40 });
  });

  test('shellQuote gives one word for any text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter(v => !v.includes('\0')), text => {
      const out = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(text)}`]).toString('utf-8');
      expect(out).toBe(text);
    }), { numRuns: 40 });
  });

  const shellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
  (shellcheck ? test : test.skip)('passes shellcheck as a POSIX sh script', () => {
    const script = secretFilesScript('/compose-secrets', ['0', '0/sub'], [
      { variable: 'SECRET_0', path: '0/db_password', mode: 0o444, uid: '1000', gid: '1000' },
      { variable: 'SECRET_1', path: '0/sub/it\'s', mode: 0o400, gid: '70' },
    ]);
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], { input: script, stdio: 'pipe' });
    expect(result.stdout.toString() + result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
  });
});
