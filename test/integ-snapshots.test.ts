import * as fs from 'fs';
import * as path from 'path';
import { canonicalTemplate, integApps, INTEG_TEST_DIR, snapshotDir, synthIntegAppToTemp, templatesOf } from './helpers/integ-snapshots';

/**
 * The offline half of the integration tests: every `test/integ.*.ts` app still
 * synthesizes to its committed snapshot, so a construct change shows up here as
 * an integ snapshot diff. Nothing is deployed and no credentials are read (see
 * test/helpers/integ-snapshots.ts for why this is not `integ-runner` itself).
 * After reviewing a change: `npm run integ:snapshot` (all apps) or
 * `npm run integ:snapshot -- integ.ecr-repository.ts` rewrites the snapshots.
 */
const UPDATE_HINT = 'Review the change, then rewrite the snapshot: npm run integ:snapshot -- ';

describe('integration test snapshots', () => {
  test('every integration test app has a snapshot, and every snapshot an app', () => {
    // GIVEN the apps and the snapshot folders
    const apps = integApps();
    const snapshots = fs.readdirSync(INTEG_TEST_DIR).filter(f => f.endsWith('.snapshot') && !f.startsWith('cdk-integ.out'));

    // THEN they pair up one to one
    expect(apps.length).toBeGreaterThanOrEqual(4);
    expect(snapshots.sort()).toEqual(apps.map(app => path.basename(snapshotDir(app))));
  });

  test.each(integApps())('%s synthesizes to its committed snapshot', (app) => {
    // GIVEN the committed snapshot
    const expected = templatesOf(snapshotDir(app));

    // WHEN the app is synthesized as integ-runner synthesizes it
    const outdir = synthIntegAppToTemp(app);
    let actual: Record<string, unknown>;
    try {
      actual = templatesOf(outdir);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }

    // THEN the same stacks, with the same templates (asset hashes and assertion salts aside)
    try {
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const file of Object.keys(expected)) {
        expect({ [file]: canonicalTemplate(actual[file]) }).toEqual({ [file]: canonicalTemplate(expected[file]) });
      }
    } catch (e) {
      (e as Error).message = `${UPDATE_HINT}${app}\n\n${(e as Error).message}`;
      throw e;
    }
  });
});
