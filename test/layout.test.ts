import * as fs from 'fs';
import * as path from 'path';

/**
 * The layout issue 16 asks for: constructs depend on interfaces, never on
 * `instanceof` of the kit's concrete classes, and no source file grows past
 * what one reader can hold (split along the seams instead).
 */

const SRC = path.join(__dirname, '..', 'src');
const MAX_LINES = 650;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(SRC).map(file => ({ file: path.relative(SRC, file), text: fs.readFileSync(file, 'utf-8') }));

describe('src layout', () => {
  test('finds the source files', () => {
    expect(files.map(f => f.file)).toEqual(expect.arrayContaining(['index.ts', path.join('cluster', 'ecs-cluster.ts')]));
  });

  test('no file decides behaviour with instanceof EcsCluster or instanceof Ec2Capacity', () => {
    const offenders = files.flatMap(({ file, text }) => text.split('\n')
      .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
      .filter(({ line }) => /instanceof\s+(EcsCluster|Ec2Capacity)\b/.test(line))
      .map(({ at, line }) => `${at}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });

  test(`no file is over ${MAX_LINES} lines`, () => {
    const long = files
      .map(({ file, text }) => ({ file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
