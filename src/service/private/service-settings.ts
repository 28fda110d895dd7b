import { ServiceConnectNames, serviceConnectNames } from './service-connect';
import type { FargateWebServiceProps } from '../fargate-web-service-props';
import type { WebServiceOptions } from '../web-service-options';

/** The props every web service shares, after defaults, as its checks and its building steps use them. */
export interface WebServiceSettings {
  readonly containerName: string;
  readonly containerPort: number;
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly enableAlarms: boolean;
  /** The Service Connect names, when Service Connect is on. */
  readonly serviceConnect?: ServiceConnectNames;
}

/** A FargateWebService's props after defaults, as its checks and its building steps use them. */
export interface ServiceSettings extends WebServiceSettings {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly assignPublicIp: boolean;
}

/** The settings every web service shares: each prop, or its default. */
export function webServiceSettings(props: WebServiceOptions): WebServiceSettings {
  const containerName = props.containerName ?? 'web';
  const { minCapacity, maxCapacity } = capacities(props);
  return {
    containerName,
    containerPort: props.containerPort ?? 80,
    minHealthyPercent: props.minHealthyPercent ?? 100,
    maxHealthyPercent: props.maxHealthyPercent ?? 200,
    minCapacity,
    maxCapacity,
    enableAlarms: props.enableAlarms ?? props.alarmTopic !== undefined,
    serviceConnect: props.enableServiceConnect ? serviceConnectNames(props.serviceConnectDnsName, containerName) : undefined,
  };
}

/** The settings of a FargateWebService: each prop, or its default. */
export function serviceSettings(props: FargateWebServiceProps): ServiceSettings {
  return {
    ...webServiceSettings(props),
    cpu: props.cpu ?? 256,
    memoryLimitMiB: props.memoryLimitMiB ?? 512,
    assignPublicIp: props.assignPublicIp ?? false,
  };
}

const DEFAULT_MIN_CAPACITY = 2;
const DEFAULT_MAX_CAPACITY = 10;

/** Minimum and maximum task counts after defaults. */
function capacities(props: WebServiceOptions): { minCapacity: number; maxCapacity: number } {
  const minCapacity = props.minCapacity
    ?? Math.min(DEFAULT_MIN_CAPACITY, props.desiredCount ?? DEFAULT_MIN_CAPACITY, props.maxCapacity ?? DEFAULT_MIN_CAPACITY);
  const maxCapacity = props.maxCapacity ?? Math.max(DEFAULT_MAX_CAPACITY, minCapacity, props.desiredCount ?? 0);
  return { minCapacity, maxCapacity };
}
