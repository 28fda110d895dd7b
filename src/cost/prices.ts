/**
 * List prices used by the monthly cost report: us-east-1 (N. Virginia), Linux,
 * on-demand, USD, as published on the AWS pricing pages (Amazon VPC, Elastic Load
 * Balancing, Amazon EC2 On-Demand, AWS Fargate, AWS KMS, AWS WAF, Amazon CloudWatch,
 * Amazon S3) on the date below. Other Regions are estimated with these prices, and
 * the report says so.
 *
 * Update the numbers and `PRICES_AS_OF` together.
 */
export const PRICES_AS_OF = '2026-11-01';
export const PRICES_REGION = 'us-east-1';
export const PRICES_SOURCE = 'AWS public pricing pages (VPC, Elastic Load Balancing, EC2 On-Demand, Fargate, KMS, WAF, CloudWatch, S3), ' +
  'us-east-1 list prices';

/** Hours in an average month (8760 / 12), the convention of the AWS pricing calculator. */
export const HOURS_PER_MONTH = 730;

/** The monthly cost of an hourly price, rounded to the cent. */
export function monthlyUsd(perHour: number): number {
  return Math.round(perHour * HOURS_PER_MONTH * 100) / 100;
}

export const PRICE = {
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  applicationLoadBalancerHour: 0.0225,
  networkLoadBalancerHour: 0.0225,
  interfaceEndpointAzHour: 0.01,
  /** A customer managed KMS key, per month (its requests are usage-based and excluded). */
  kmsKeyMonth: 1.0,
  /**
   * AWS WAF (pricing page, 2026-11-01): a web ACL per month, and each rule or
   * rule group it holds per month; requests (per million) are usage-based and
   * only named in a note. AWS Managed Rules with their own subscription fee
   * (Bot Control, account takeover and account creation fraud prevention) are noted, not priced.
   */
  wafWebAclMonth: 5.0,
  wafRuleMonth: 1.0,
  wafMillionRequests: 0.6,
  /**
   * Amazon CloudWatch (pricing page, 2026-11-01): EC2 detailed monitoring sends
   * 7 metrics per instance, each charged as a custom metric ($0.30 a metric-month,
   * first 10,000 metrics) — $2.10 per instance a month, the pricing page's own example.
   */
  detailedMonitoringMetricsPerInstance: 7,
  customMetricMonth: 0.3,
  /** CloudWatch Logs storage (archived, compressed), per GB-month: usage-based, only named in a note. */
  logStorageGbMonth: 0.03,
  /** Amazon S3 Standard storage, first 50 TB, per GB-month (pricing page, 2026-11-01): usage-based, only named in a note. */
  s3StandardGbMonth: 0.023,
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** Fargate Spot and EC2 Spot discounts vary with capacity: shown as a range, never applied. */
  spotDiscountRange: '50–70%',
};

/** An EC2 instance type: its On-Demand Linux price per hour and its size. */
export interface Ec2InstanceType {
  readonly hourUsd: number;
  readonly vcpu: number;
  /** Installed memory, in GiB. */
  readonly memoryGiB: number;
}

const type = (hourUsd: number, vcpu: number, memoryGiB: number): Ec2InstanceType => ({ hourUsd, vcpu, memoryGiB });

/**
 * EC2 On-Demand Linux prices per hour (us-east-1) and sizes of the instance types
 * the examples and most users pick. A type missing here is reported as not priced.
 */
export const EC2_INSTANCE_TYPES: { [instanceType: string]: Ec2InstanceType } = {
  't3.micro': type(0.0104, 2, 1),
  't3.small': type(0.0208, 2, 2),
  't3.medium': type(0.0416, 2, 4),
  't3.large': type(0.0832, 2, 8),
  't3.xlarge': type(0.1664, 4, 16),
  't4g.micro': type(0.0084, 2, 1),
  't4g.small': type(0.0168, 2, 2),
  't4g.medium': type(0.0336, 2, 4),
  't4g.large': type(0.0672, 2, 8),
  'm5.large': type(0.096, 2, 8),
  'm5.xlarge': type(0.192, 4, 16),
  'm5a.large': type(0.086, 2, 8),
  'm6i.large': type(0.096, 2, 8),
  'm6i.xlarge': type(0.192, 4, 16),
  'm7i.large': type(0.1008, 2, 8),
  'm7i.xlarge': type(0.2016, 4, 16),
  'm6g.medium': type(0.0385, 1, 4),
  'm6g.large': type(0.077, 2, 8),
  'm6g.xlarge': type(0.154, 4, 16),
  'm7g.medium': type(0.0408, 1, 4),
  'm7g.large': type(0.0816, 2, 8),
  'm7g.xlarge': type(0.1632, 4, 16),
  'c5.large': type(0.085, 2, 4),
  'c6i.large': type(0.085, 2, 4),
  'c6i.xlarge': type(0.17, 4, 8),
  'c6g.large': type(0.068, 2, 4),
  'c7g.large': type(0.0725, 2, 4),
  'c7g.xlarge': type(0.145, 4, 8),
  'c7i.large': type(0.08925, 2, 4),
  'r6g.large': type(0.1008, 2, 16),
  'g4dn.xlarge': type(0.526, 4, 16),
  'g5.xlarge': type(1.006, 4, 16),
};
