import { ServiceConnectNames, serviceConnectNames } from './service-connect';
import type { FargateWebServiceProps } from '../fargate-web-service-props';

/** A FargateWebService's props after defaults, as its checks and its building steps use them. */
export interface ServiceSettings {
  readonly containerName: string;
  readonly containerPort: number;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly enableAlarms: boolean;
  readonly assignPublicIp: boolean;
  /** The Service Connect names, when Service Connect is on. */
  readonly serviceConnect?: ServiceConnectNames;
}

/** The settings of a FargateWebService: each prop, or its default. */
export function serviceSettings(props: FargateWebServiceProps): ServiceSettings {
  const containerName = props.containerName ?? 'web';
  const { minCapacity, maxCapacity } = capacities(props);
  return {
    containerName,
    containerPort: props.containerPort ?? 80,
    cpu: props.cpu ?? 256,
    memoryLimitMiB: props.memoryLimitMiB ?? 512,
    minHealthyPercent: props.minHealthyPercent ?? 100,
    maxHealthyPercent: props.maxHealthyPercent ?? 200,
    minCapacity,
    maxCapacity,
    enableAlarms: props.enableAlarms ?? props.alarmTopic !== undefined,
    assignPublicIp: props.assignPublicIp ?? false,
    serviceConnect: props.enableServiceConnect ? serviceConnectNames(props.serviceConnectDnsName, containerName) : undefined,
  };
}

const DEFAULT_MIN_CAPACITY = 2;
const DEFAULT_MAX_CAPACITY = 10;

/** Minimum and maximum task counts after defaults. */
function capacities(props: FargateWebServiceProps): { minCapacity: number; maxCapacity: number } {
  const minCapacity = props.minCapacity
    ?? Math.min(DEFAULT_MIN_CAPACITY, props.desiredCount ?? DEFAULT_MIN_CAPACITY, props.maxCapacity ?? DEFAULT_MIN_CAPACITY);
  const maxCapacity = props.maxCapacity ?? Math.max(DEFAULT_MAX_CAPACITY, minCapacity, props.desiredCount ?? 0);
  return { minCapacity, maxCapacity };
}
