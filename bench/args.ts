/**
 * The command line of the benchmark scripts (run, profile, cost), parsed one way.
 */

/** What `bench/synth-once.ts` builds: the kit's app (`kit-group`: its services in a group even at one), or aws-cdk-lib's. */
export type Side = 'kit' | 'kit-group' | 'cdk';

/** The value after `--<name>`, or `fallback` when it is not given. */
export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** The kit's side: with `--group`, its one web service in a FargateWebServiceGroup too. */
export function kitSideOption(): Side {
  return process.argv.includes('--group') ? 'kit-group' : 'kit';
}
