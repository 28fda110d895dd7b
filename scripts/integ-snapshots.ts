/**
 * `npm run integ:snapshot [-- [--force] integ.<name>.ts ...]`: rewrites the snapshots
 * of the integration test apps (`test/integ.<name>.ts.snapshot/`) whose templates
 * changed, from a fresh offline synthesis, as `integ-runner --update-on-failed
 * --dry-run` would; `--force` rewrites them all (e.g. to refresh the staged
 * assets after an upgrade). Nothing is deployed and no credentials are needed.
 * Review `git diff test/*.snapshot` before committing: `npm test` compares the
 * apps with these snapshots.
 */
import { integApps, updateSnapshot } from '../test/helpers/integ-snapshots';

function main(argv: string[]): void {
  const force = argv.includes('--force');
  const args = argv.filter(a => a !== '--force');
  const all = integApps();
  const unknown = args.filter(a => !all.includes(a));
  if (unknown.length > 0) {
    throw new Error(`No such integration test app in test/: ${unknown.join(', ')}. Known: ${all.join(', ')}`);
  }
  for (const app of args.length > 0 ? args : all) {
    const started = Date.now();
    const result = updateSnapshot(app, force);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(result === 'written'
      ? `${app}: snapshot written to test/${app}.snapshot/ (${seconds} s)`
      : `${app}: templates unchanged, snapshot kept (${seconds} s)`);
  }
}

main(process.argv.slice(2));
