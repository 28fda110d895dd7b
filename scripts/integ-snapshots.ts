/**
 * `npm run integ:snapshot [-- integ.<name>.ts ...]`: rewrites the snapshots of the
 * integration test apps (`test/integ.<name>.ts.snapshot/`) from a fresh offline
 * synthesis, as `integ-runner --update-on-failed --dry-run` would. Nothing is
 * deployed and no credentials are needed. Review `git diff test/*.snapshot`
 * before committing: `npm test` compares the apps with these snapshots.
 */
import { integApps, updateSnapshot } from '../test/helpers/integ-snapshots';

function main(args: string[]): void {
  const all = integApps();
  const unknown = args.filter(a => !all.includes(a));
  if (unknown.length > 0) {
    throw new Error(`No such integration test app in test/: ${unknown.join(', ')}. Known: ${all.join(', ')}`);
  }
  for (const app of args.length > 0 ? args : all) {
    const started = Date.now();
    updateSnapshot(app);
    console.log(`${app}: snapshot written to test/${app}.snapshot/ (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main(process.argv.slice(2));
