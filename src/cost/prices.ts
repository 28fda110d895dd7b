/**
 * List prices used by the monthly cost report: us-east-1 (N. Virginia), Linux,
 * on-demand, USD, as published on the AWS pricing pages (Amazon VPC, Elastic Load
 * Balancing, Amazon EC2 On-Demand, AWS Fargate, AWS KMS) on the date below. Other Regions
 * are estimated with these prices, and the report says so.
 *
 * Update the numbers and `PRICES_AS_OF` together.
 */
export const PRICES_AS_OF = '2026-11-01';
export const PRICES_REGION = 'us-east-1';
export const PRICES_SOURCE = 'AWS public pricing pages (VPC, Elastic Load Balancing, EC2 On-Demand, Fargate, KMS), us-east-1 list prices';

/** Hours in an average month (8760 / 12), the convention of the AWS pricing calculator. */
export const HOURS_PER_MONTH = 730;

export const PRICE = {
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  applicationLoadBalancerHour: 0.0225,
  networkLoadBalancerHour: 0.0225,
  interfaceEndpointAzHour: 0.01,
  /** A customer managed KMS key, per month (its requests are usage-based and excluded). */
  kmsKeyMonth: 1.0,
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** Fargate Spot and EC2 Spot discounts vary with capacity: shown as a range, never applied. */
  spotDiscountRange: '50–70%',
};

/** EC2 On-Demand Linux prices per hour of the instance types the examples and most users pick. */
export const EC2_HOURLY: { [instanceType: string]: number } = {
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't4g.small': 0.0168,
  't4g.medium': 0.0336,
  't4g.large': 0.0672,
  'm5.large': 0.096,
  'm5a.large': 0.086,
  'm6i.large': 0.096,
  'm7i.large': 0.1008,
  'm6g.large': 0.077,
  'm6g.xlarge': 0.154,
  'm7g.large': 0.0816,
  'm7g.xlarge': 0.1632,
  'c6i.large': 0.085,
  'c6g.large': 0.068,
  'c7g.large': 0.0725,
  'c7g.xlarge': 0.145,
  'r6g.large': 0.1008,
  'g4dn.xlarge': 0.526,
  'g5.xlarge': 1.006,
};
