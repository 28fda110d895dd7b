/**
 * Snapshot resolver of the minimum aws-cdk-lib run (scripts/test-min-cdk.ts):
 * snapshot files are looked for in a folder of the system's temp directory that
 * holds none, so the committed snapshots are neither compared (see
 * no-snapshots.ts) nor reported obsolete, and never rewritten.
 */
import * as os from 'os';
import * as path from 'path';

const nowhere = path.join(os.tmpdir(), 'cdk-ecs-kit-min-cdk-no-snapshots');

export = {
  resolveSnapshotPath: (testPath: string, extension: string): string => path.join(nowhere, encodeURIComponent(testPath) + extension),
  resolveTestPath: (snapshotPath: string, extension: string): string => snapshotPath.startsWith(nowhere)
    ? decodeURIComponent(path.basename(snapshotPath, extension))
    // The committed `__snapshots__/<test file>.snap` still name their test, so jest does not call them obsolete.
    : path.join(path.dirname(path.dirname(snapshotPath)), path.basename(snapshotPath, extension)),
  testPathForConsistencyCheck: path.join('test', 'core', 'example.test.ts'),
};
