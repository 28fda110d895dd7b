/**
 * The command line of the benchmark scripts (run, phases, profile, cost), parsed one way.
 */

/**
 * What `bench/synth-once.ts` builds: the kit's app (`kit-group`: its services in
 * a group even at one), aws-cdk-lib's app with its own defaults (`cdk`), or the
 * kit's reference app written by hand with aws-cdk-lib (`cdk-equivalent`).
 */
export type Side = 'kit' | 'kit-group' | 'cdk' | 'cdk-equivalent';

/** The value after `--<name>`, or `fallback` when it is not given. */
export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** The kit's side: with `--group`, its one web service in a FargateWebServiceGroup too. */
export function kitSideOption(): Side {
  return process.argv.includes('--group') ? 'kit-group' : 'kit';
}

/** The aws-cdk-lib side: with `--equivalent`, the kit's reference app written by hand with aws-cdk-lib (same features). */
export function cdkSideOption(): Side {
  return process.argv.includes('--equivalent') ? 'cdk-equivalent' : 'cdk';
}
