import { aws_ecs as ecs } from 'aws-cdk-lib';
import { checkCapacityProviderStrategy } from '../../cluster/capacity-provider-checks';
import { PropValidator, isUnresolved } from '../../core/validation';
import type { FargateWebServiceProps } from '../fargate-web-service-props';

/*
 * FargateWebService's Fargate Spot capacity (`spotWeight`, `onDemandWeight`,
 * `onDemandBase`): the strategy the service writes and its checks, moved here
 * unchanged from fargate-web-service.ts.
 */

/** The capacity provider strategy the service writes: Fargate Spot with on-demand Fargate, or none (launch type FARGATE). */
export function spotStrategy(props: FargateWebServiceProps): ecs.CapacityProviderStrategy[] | undefined {
  if (!props.spotWeight) return undefined;
  return [
    { capacityProvider: 'FARGATE', base: props.onDemandBase ?? 0, weight: props.onDemandWeight ?? 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: props.spotWeight },
  ];
}

export function checkCapacity(validator: PropValidator, props: FargateWebServiceProps, strategies: ecs.CapacityProviderStrategy[] | undefined): void {
  const ranges = { spotWeight: 1000, onDemandWeight: 1000, onDemandBase: 100_000 };
  let inRange = true;
  for (const [prop, max] of Object.entries(ranges) as [keyof typeof ranges, number][]) {
    const value = props[prop];
    validator.checkInteger(prop, value, 0, max);
    inRange &&= value === undefined || isUnresolved(value) || (Number.isInteger(value) && value >= 0 && value <= max);
  }
  if (!strategies) {
    for (const prop of ['onDemandWeight', 'onDemandBase'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, props[prop], 'Only used with Fargate Spot: set spotWeight too (e.g. 1), or remove it.');
      }
    }
    // Without spotWeight the service runs with the FARGATE launch type, which needs no capacity provider on the cluster.
    return;
  }
  // The strategy the service writes, against the providers the cluster has (when it is defined in this app).
  if (inRange) checkCapacityProviderStrategy(validator, 'spotWeight', strategies, props.cluster);
}
