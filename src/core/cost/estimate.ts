import type { Template } from './nested-templates';
import { EC2_HOURLY, HOURS_PER_MONTH, PRICE, PRICES_AS_OF, PRICES_REGION, PRICES_SOURCE } from './prices';

/** One priced line of a stack's monthly cost. */
export interface CostLineItem {
  /** Logical id of the resource in the template. */
  readonly logicalId: string;
  /** CloudFormation resource type. */
  readonly resourceType: string;
  /** What is charged, e.g. "NAT gateway" or "2 Fargate tasks × 0.25 vCPU / 0.5 GB (X86_64)". */
  readonly description: string;
  /** Fixed cost per month in USD. */
  readonly monthlyUsd: number;
}

/** The fixed monthly cost of one synthesized stack. */
export interface StackCostEstimate {
  readonly stack: string;
  readonly region: string;
  /** Always USD. */
  readonly currency: string;
  readonly monthlyUsd: number;
  readonly items: CostLineItem[];
  /** Caveats: Spot discounts not applied, Region priced as us-east-1, unknown instance types. */
  readonly notes: string[];
  /** What the estimate leaves out, always the same list. */
  readonly excluded: string[];
  readonly pricesAsOf: string;
  readonly pricesSource: string;
}

const EXCLUDED = [
  'EFS storage and throughput',
  'CloudWatch Logs ingestion and storage (including VPC flow logs)',
  'data processed by NAT gateways and load balancer capacity units (LCUs)',
  'data transfer, ECR storage, KMS requests and every other usage-based charge',
];


/**
 * Prices what a template creates that costs money every month whether or not it
 * is used: NAT gateways, load balancers, public IPv4 addresses, interface VPC
 * endpoints, KMS keys, the minimum EC2 capacity and the Fargate tasks kept running.
 */
export function estimateMonthlyCost(template: Template, stack: string, region?: string): StackCostEstimate {
  const resources = template.Resources ?? {};
  const items: CostLineItem[] = [];
  const notes: string[] = [];
  const hourly = (logicalId: string, resourceType: string, description: string, perHour: number) =>
    items.push({ logicalId, resourceType, description, monthlyUsd: round(perHour * HOURS_PER_MONTH) });

  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::EC2::NatGateway':
        hourly(logicalId, resource.Type, 'NAT gateway', PRICE.natGatewayHour);
        break;
      case 'AWS::EC2::EIP':
        hourly(logicalId, resource.Type, 'public IPv4 address (Elastic IP)', PRICE.publicIpv4Hour);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
        const network = props.Type === 'network';
        hourly(logicalId, resource.Type, network ? 'Network Load Balancer' : 'Application Load Balancer',
          network ? PRICE.networkLoadBalancerHour : PRICE.applicationLoadBalancerHour);
        if (props.Scheme !== 'internal') {
          const zones = (props.Subnets ?? props.SubnetMappings ?? []).length || 2;
          hourly(logicalId, resource.Type, `${zones} public IPv4 addresses of the internet-facing load balancer`, zones * PRICE.publicIpv4Hour);
        }
        break;
      }
      case 'AWS::EC2::VPCEndpoint':
        if (props.VpcEndpointType === 'Interface') {
          const zones = (props.SubnetIds ?? []).length || 1;
          hourly(logicalId, resource.Type, `interface VPC endpoint in ${zones} AZ(s)`, zones * PRICE.interfaceEndpointAzHour);
        }
        break;
      case 'AWS::KMS::Key':
        items.push({ logicalId, resourceType: resource.Type, description: 'KMS customer managed key', monthlyUsd: PRICE.kmsKeyMonth });
        if (props.EnableKeyRotation === true) {
          notes.push(`${logicalId} rotates yearly: its first two rotations add $${PRICE.kmsKeyMonth.toFixed(2)} a month each.`);
        }
        break;
      case 'AWS::AutoScaling::AutoScalingGroup':
        priceAutoScalingGroup(logicalId, props, resources, items, notes);
        break;
      case 'AWS::ECS::Service':
        priceFargateService(logicalId, props, resources, items, notes);
        break;
    }
  }

  if (region !== undefined && region !== PRICES_REGION) {
    notes.push(`Priced with ${PRICES_REGION} list prices: prices in ${region} differ.`);
  } else if (region === undefined) {
    notes.push(`The stack is environment-agnostic: priced with ${PRICES_REGION} list prices.`);
  }
  return {
    stack,
    region: region ?? 'unknown',
    currency: 'USD',
    monthlyUsd: round(items.reduce((sum, item) => sum + item.monthlyUsd, 0)),
    items,
    notes,
    excluded: EXCLUDED,
    pricesAsOf: PRICES_AS_OF,
    pricesSource: PRICES_SOURCE,
  };
}

/**
 * The estimate of a stack together with those of its nested stacks: their
 * items are added with the nested stack's logical id in front
 * (`Services1NestedStackResource/WebService`), their notes once each.
 */
export function withNestedEstimates(parent: StackCostEstimate, nested: { [logicalId: string]: StackCostEstimate }): StackCostEstimate {
  const items = [...parent.items];
  const notes = [...parent.notes];
  for (const [logicalId, estimate] of Object.entries(nested)) {
    items.push(...estimate.items.map(item => ({ ...item, logicalId: `${logicalId}/${item.logicalId}` })));
    notes.push(...estimate.notes.filter(note => !notes.includes(note)));
  }
  return { ...parent, items, notes, monthlyUsd: round(items.reduce((sum, item) => sum + item.monthlyUsd, 0)) };
}

function priceAutoScalingGroup(logicalId: string, props: any, resources: Template['Resources'] & object, items: CostLineItem[], notes: string[]): void {
  const min = Number(props.MinSize ?? 0);
  if (!Number.isFinite(min) || min <= 0) return;
  const mixed = props.MixedInstancesPolicy;
  const instanceType: string | undefined = mixed
    ? mixed.LaunchTemplate?.Overrides?.[0]?.InstanceType
    : launchTemplateOf(props.LaunchTemplate?.LaunchTemplateId, resources)?.LaunchTemplateData?.InstanceType ?? props.InstanceType;
  const spot = mixed?.InstancesDistribution?.OnDemandPercentageAboveBaseCapacity === 0
    && (mixed?.InstancesDistribution?.OnDemandBaseCapacity ?? 0) === 0;
  const price = instanceType ? EC2_HOURLY[instanceType] : undefined;
  if (price === undefined) {
    notes.push(`${logicalId}: ${min} instance(s) of ${instanceType ?? 'an unknown type'} not priced (not in the price table).`);
    return;
  }
  items.push({
    logicalId,
    resourceType: 'AWS::AutoScaling::AutoScalingGroup',
    description: `${min} × ${instanceType} (minimum capacity${spot ? ', On-Demand price' : ''})`,
    monthlyUsd: round(min * price * HOURS_PER_MONTH),
  });
  if (spot) notes.push(`${logicalId} runs on Spot: expect ${PRICE.spotDiscountRange} less than the On-Demand price shown.`);
}

function priceFargateService(logicalId: string, props: any, resources: Template['Resources'] & object, items: CostLineItem[], notes: string[]): void {
  const strategy: any[] = props.CapacityProviderStrategy ?? [];
  const fargate = props.LaunchType === 'FARGATE'
    || strategy.some(s => s.CapacityProvider === 'FARGATE' || s.CapacityProvider === 'FARGATE_SPOT');
  if (!fargate) return;
  const taskDefinition = resources[refOf(props.TaskDefinition) ?? '']?.Properties;
  if (!taskDefinition) return;
  const tasks = props.DesiredCount !== undefined ? Number(props.DesiredCount) : minCapacityOf(logicalId, resources) ?? 1;
  if (!Number.isFinite(tasks) || tasks <= 0) return;
  const vcpu = Number(taskDefinition.Cpu) / 1024;
  const gb = Number(taskDefinition.Memory) / 1024;
  if (!Number.isFinite(vcpu) || !Number.isFinite(gb)) return;
  const architecture = taskDefinition.RuntimePlatform?.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64';
  const price = PRICE.fargate[architecture];
  items.push({
    logicalId,
    resourceType: 'AWS::ECS::Service',
    description: `${tasks} Fargate task(s) × ${vcpu} vCPU / ${gb} GB (${architecture})`,
    monthlyUsd: round(tasks * (vcpu * price.vcpuHour + gb * price.gbHour) * HOURS_PER_MONTH),
  });
  if (props.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED') {
    items.push({
      logicalId,
      resourceType: 'AWS::ECS::Service',
      description: `${tasks} public IPv4 address(es) of the tasks`,
      monthlyUsd: round(tasks * PRICE.publicIpv4Hour * HOURS_PER_MONTH),
    });
  }
  if (strategy.some(s => s.CapacityProvider === 'FARGATE_SPOT' && (s.Weight ?? 0) > 0)) {
    notes.push(`${logicalId} runs partly on Fargate Spot: those tasks cost ${PRICE.spotDiscountRange} less than shown.`);
  }
}

/** The MinCapacity of the scalable target of a service, when one targets it. */
function minCapacityOf(serviceLogicalId: string, resources: Template['Resources'] & object): number | undefined {
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApplicationAutoScaling::ScalableTarget') continue;
    if (JSON.stringify(resource.Properties?.ResourceId ?? '').includes(`"${serviceLogicalId}"`)) {
      return Number(resource.Properties.MinCapacity);
    }
  }
  return undefined;
}

function launchTemplateOf(reference: unknown, resources: Template['Resources'] & object): any {
  const id = refOf(reference);
  return id ? resources[id]?.Properties : undefined;
}

/** The logical id behind `{ Ref: X }` or `{ 'Fn::GetAtt': [X, ...] }`. */
function refOf(reference: any): string | undefined {
  if (reference && typeof reference === 'object') {
    if (typeof reference.Ref === 'string') return reference.Ref;
    if (Array.isArray(reference['Fn::GetAtt'])) return reference['Fn::GetAtt'][0];
  }
  return undefined;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}

/** A one-screen table of an estimate. */
export function formatCostTable(estimate: StackCostEstimate): string {
  const lines = [`Monthly fixed cost of ${estimate.stack} (${estimate.region}): $${estimate.monthlyUsd.toFixed(2)}`];
  for (const item of estimate.items) {
    lines.push(`  $${item.monthlyUsd.toFixed(2).padStart(8)}  ${item.description}  [${item.logicalId}]`);
  }
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  lines.push(`  not included: ${estimate.excluded.join('; ')}`);
  lines.push(`  prices: ${estimate.pricesSource}, as of ${estimate.pricesAsOf}`);
  return lines.join('\n');
}
