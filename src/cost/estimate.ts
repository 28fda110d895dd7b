import { INSTANCES_FOR_MINIMUM_TASKS, UNAVAILABLE_MEMORY_SHARE, priceAutoScalingGroup } from './ec2-capacity';
import type { Template } from './nested-templates';
import { HOURS_PER_MONTH, PRICE, PRICES_AS_OF, PRICES_REGION, PRICES_SOURCE } from './prices';
import { logRetentionNotes, priceWebAcl, priceWebAclAssociation, serverAccessLogNotes, wafRequestsNote } from './security-controls';
import { capacityProviderStrategyOf, ec2TaskDemands, minimumTaskCount, runsOnFargate, taskSize } from './services';
import { arrayOf, assumed, isIntrinsic, numberOf, objectOf, pathOf, propertyOf, resourceOf, shown, stringOf, unknownNote } from './template-values';

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
  /**
   * How the line's quantity was derived, when the template does not state it:
   * `'instances for minimum tasks'` for the EC2 instances that the services'
   * minimum tasks need on an Auto Scaling group, beyond its MinSize (their CPU
   * and memory against the instance type's).
   *
   * @default - the quantity is what the template declares (a resource, a MinSize, a task count)
   */
  readonly basis?: string;
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
 * endpoints, KMS keys, AWS WAF web ACLs (`priceWebAcl`, `priceWebAclAssociation`),
 * the EC2 instances kept running (MinSize, or the instances the services' minimum
 * tasks need: `priceAutoScalingGroup`) and their detailed monitoring, and the Fargate
 * tasks kept running. Usage-based charges that the template's security controls add
 * (WAF requests, a year's log retention, server access log buckets) get notes.
 *
 * Never throws, whatever the template holds: a value that is not a literal
 * (an intrinsic such as `Fn::If`, a parameter, a value of the wrong shape) is
 * unknown, and the line it affects, or a note when it is not priced, says so.
 */
export function estimateMonthlyCost(template: Template, stack: string, region?: string): StackCostEstimate {
  const resources = objectOf(propertyOf(template, 'Resources')) ?? {};
  const items: CostLineItem[] = [];
  const notes: string[] = [];
  const demands = ec2TaskDemands(resources);
  const webAclArns = new Set<string>();
  const hourly = (logicalId: string, resourceType: string, description: string, perHour: number) =>
    items.push({ logicalId, resourceType, description, monthlyUsd: round(perHour * HOURS_PER_MONTH) });

  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = stringOf(propertyOf(resource, 'Type'));
    const rawProps = propertyOf(resource, 'Properties');
    const props = objectOf(rawProps) ?? {};
    const itemsBefore = items.length;
    if (type !== undefined && PROPERTY_PRICED.includes(type) && rawProps !== undefined && (!objectOf(rawProps) || isIntrinsic(rawProps))) {
      notes.push(unknownNote(logicalId, 'its Properties', rawProps, `the ${type} is not priced`));
      continue;
    }
    switch (type) {
      case 'AWS::EC2::NatGateway':
        hourly(logicalId, type, 'NAT gateway', PRICE.natGatewayHour);
        break;
      case 'AWS::EC2::EIP':
        hourly(logicalId, type, 'public IPv4 address (Elastic IP)', PRICE.publicIpv4Hour);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        priceLoadBalancer(logicalId, props, items);
        break;
      case 'AWS::EC2::VPCEndpoint':
        priceVpcEndpoint(logicalId, props, items, notes);
        break;
      case 'AWS::KMS::Key': {
        items.push({ logicalId, resourceType: type, description: 'KMS customer managed key', monthlyUsd: PRICE.kmsKeyMonth });
        const rotation = propertyOf(props, 'EnableKeyRotation');
        if (rotation === true || rotation === 'true') {
          notes.push(`${logicalId} rotates yearly: its first two rotations add $${PRICE.kmsKeyMonth.toFixed(2)} a month each.`);
        } else if (rotation !== undefined && rotation !== false && rotation !== 'false') {
          notes.push(unknownNote(logicalId, 'EnableKeyRotation', rotation,
            `if it rotates, its first two rotations add $${PRICE.kmsKeyMonth.toFixed(2)} a month each`));
        }
        break;
      }
      case 'AWS::WAFv2::WebACL':
        priceWebAcl(logicalId, rawProps, items, notes);
        break;
      case 'AWS::WAFv2::WebACLAssociation':
        priceWebAclAssociation(logicalId, props, resources, webAclArns, items, notes);
        break;
      case 'AWS::AutoScaling::AutoScalingGroup':
        priceAutoScalingGroup(logicalId, props, resources, demands.byGroup.get(logicalId) ?? [], items, notes);
        break;
      case 'AWS::ECS::Service':
        priceFargateService(logicalId, props, resources, items, notes);
        notes.push(...demands.notes.get(logicalId) ?? []);
        break;
    }
    const condition = propertyOf(resource, 'Condition');
    if (items.length > itemsBefore && condition !== undefined) {
      notes.push(`${logicalId} exists only when the condition ${shown(condition)} holds: priced as if it does.`);
    }
  }

  notes.push(...wafRequestsNote(items), ...logRetentionNotes(resources), ...serverAccessLogNotes(resources));
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

/** Resource types whose price depends on their properties. */
const PROPERTY_PRICED = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::EC2::VPCEndpoint',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ECS::Service',
  'AWS::WAFv2::WebACLAssociation',
];

/**
 * The estimate of a stack together with those of its nested stacks: their
 * items are added with the nested stack's logical id in front
 * (`Services1NestedStackResource/WebService`), their notes once each, and a
 * web ACL given by the same literal ARN once in all.
 */
export function withNestedEstimates(parent: StackCostEstimate, nested: { [logicalId: string]: StackCostEstimate }): StackCostEstimate {
  const items = [...parent.items];
  const notes = [...parent.notes];
  for (const [logicalId, estimate] of Object.entries(nested)) {
    items.push(...estimate.items
      .filter(item => !isSharedWebAclLine(item) || !items.some(seen => isSharedWebAclLine(seen) && seen.description === item.description))
      .map(item => ({ ...item, logicalId: `${logicalId}/${item.logicalId}` })));
    notes.push(...estimate.notes.filter(note => !notes.includes(note)));
  }
  return { ...parent, items, notes, monthlyUsd: round(items.reduce((sum, item) => sum + item.monthlyUsd, 0)) };
}

/** The line of a web ACL given by its ARN: the same ARN gives the same description. */
function isSharedWebAclLine(item: CostLineItem): boolean {
  return item.resourceType === 'AWS::WAFv2::WebACLAssociation';
}

function priceLoadBalancer(logicalId: string, props: Record<string, unknown>, items: CostLineItem[]): void {
  const resourceType = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
  const push = (description: string, perHour: number) =>
    items.push({ logicalId, resourceType, description, monthlyUsd: round(perHour * HOURS_PER_MONTH) });
  const type = propertyOf(props, 'Type');
  if (type === 'network') {
    push('Network Load Balancer', PRICE.networkLoadBalancerHour);
  } else {
    const unknownType = type !== undefined && stringOf(type) === undefined;
    push(`Application Load Balancer${unknownType ? assumed('Type', type, 'priced as an Application Load Balancer') : ''}`,
      PRICE.applicationLoadBalancerHour);
  }
  const scheme = propertyOf(props, 'Scheme');
  if (scheme === 'internal') return;
  const subnets = propertyOf(props, 'Subnets') ?? propertyOf(props, 'SubnetMappings');
  const listed = arrayOf(subnets);
  const zones = listed?.length || 2;
  const assumptions = [
    ...scheme !== undefined && stringOf(scheme) === undefined ? [assumed('Scheme', scheme, 'priced as internet-facing')] : [],
    ...subnets !== undefined && listed === undefined ? [assumed('its subnets', subnets, `${zones} assumed`)] : [],
  ];
  push(`${zones} public IPv4 addresses of the internet-facing load balancer${assumptions.join('')}`, zones * PRICE.publicIpv4Hour);
}

function priceVpcEndpoint(logicalId: string, props: Record<string, unknown>, items: CostLineItem[], notes: string[]): void {
  const type = propertyOf(props, 'VpcEndpointType');
  if (type !== 'Interface') {
    // Absent means a gateway endpoint, which is free; so are the other literal types.
    if (type !== undefined && stringOf(type) === undefined) {
      notes.push(unknownNote(logicalId, 'VpcEndpointType', type, 'if it is an interface endpoint, it is not priced'));
    }
    return;
  }
  const subnets = propertyOf(props, 'SubnetIds');
  const listed = arrayOf(subnets);
  const zones = listed?.length || 1;
  const assumption = subnets !== undefined && listed === undefined ? assumed('its subnets', subnets, `${zones} assumed`) : '';
  items.push({
    logicalId,
    resourceType: 'AWS::EC2::VPCEndpoint',
    description: `interface VPC endpoint in ${zones} AZ(s)${assumption}`,
    monthlyUsd: round(zones * PRICE.interfaceEndpointAzHour * HOURS_PER_MONTH),
  });
}

function priceFargateService(
  logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>, items: CostLineItem[], notes: string[],
): void {
  const onFargate = runsOnFargate(props, resources);
  if (onFargate.unknown) {
    const [what, value] = onFargate.unknown;
    notes.push(unknownNote(logicalId, what, value, 'whether its tasks run on Fargate is unknown, so they are not priced'));
    return;
  }
  if (onFargate.clusterDefault) {
    notes.push(`${logicalId}: neither LaunchType nor CapacityProviderStrategy is set, so its tasks run on its cluster's default ` +
      'capacity provider strategy, which this template does not set: they are not priced.');
    return;
  }
  if (!onFargate.fargate) return;

  const taskDefinitionRef = propertyOf(props, 'TaskDefinition');
  const taskDefinition = objectOf(propertyOf(resourceOf(taskDefinitionRef, resources), 'Properties'));
  if (!taskDefinition) {
    notes.push(unknownNote(logicalId, 'its task definition', taskDefinitionRef, 'not in this template, so its tasks are not priced'));
    return;
  }
  const { tasks, source, value } = minimumTaskCount(logicalId, props, resources);
  if (tasks === undefined) {
    notes.push(unknownNote(logicalId, source, value, 'its tasks are not priced'));
    return;
  }
  if (tasks <= 0) return;
  const cpu = propertyOf(taskDefinition, 'Cpu');
  const memory = propertyOf(taskDefinition, 'Memory');
  const vcpu = taskSize(cpu, 'vcpu');
  const gb = taskSize(memory, 'gb');
  if (vcpu === undefined || gb === undefined) {
    notes.push(unknownNote(logicalId, vcpu === undefined ? 'the Cpu of its task definition' : 'the Memory of its task definition',
      vcpu === undefined ? cpu : memory, `its ${tasks} task(s) are not priced`));
    return;
  }
  const cpuArchitecture = pathOf(taskDefinition, 'RuntimePlatform', 'CpuArchitecture');
  const architecture = cpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64';
  const architectureAssumed = cpuArchitecture !== undefined && stringOf(cpuArchitecture) === undefined
    ? assumed('its CPU architecture', cpuArchitecture, 'priced as X86_64') : '';
  const price = PRICE.fargate[architecture];
  items.push({
    logicalId,
    resourceType: 'AWS::ECS::Service',
    description: `${tasks} Fargate task(s) × ${vcpu} vCPU / ${gb} GB (${architecture})${architectureAssumed}`,
    monthlyUsd: round(tasks * (vcpu * price.vcpuHour + gb * price.gbHour) * HOURS_PER_MONTH),
  });
  const assignPublicIp = pathOf(props, 'NetworkConfiguration', 'AwsvpcConfiguration', 'AssignPublicIp');
  if (assignPublicIp === 'ENABLED') {
    items.push({
      logicalId,
      resourceType: 'AWS::ECS::Service',
      description: `${tasks} public IPv4 address(es) of the tasks`,
      monthlyUsd: round(tasks * PRICE.publicIpv4Hour * HOURS_PER_MONTH),
    });
  } else if (assignPublicIp !== undefined && stringOf(assignPublicIp) === undefined) {
    notes.push(unknownNote(logicalId, 'AssignPublicIp', assignPublicIp,
      `if it is ENABLED, its ${tasks} public IPv4 address(es) add $${round(tasks * PRICE.publicIpv4Hour * HOURS_PER_MONTH).toFixed(2)} a month`));
  }
  const spotWeights = (arrayOf(capacityProviderStrategyOf(props, resources)) ?? [])
    .filter(entry => propertyOf(entry, 'CapacityProvider') === 'FARGATE_SPOT')
    .map(entry => propertyOf(entry, 'Weight'));
  // A Spot weight that is not a literal may be above 0.
  if (spotWeights.some(weight => weight !== undefined && (numberOf(weight) ?? 1) > 0)) {
    notes.push(`${logicalId} runs partly on Fargate Spot: those tasks cost ${PRICE.spotDiscountRange} less than shown.`);
  }
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}

const INSTANCES_FOOTNOTE = `estimate (${INSTANCES_FOR_MINIMUM_TASKS}): the fewest instances that hold the minimum tasks of the ` +
  `services placed on the group, by their CPU and memory against the instance type's (less ${UNAVAILABLE_MEMORY_SHARE * 100}% of its ` +
  'memory, which ECS does not offer to tasks), their static host ports and distinctInstance constraints; ECS may need more.';

/** A one-screen table of an estimate; lines whose quantity is an estimate are marked `*`, with a footnote. */
export function formatCostTable(estimate: StackCostEstimate): string {
  const lines = [`Monthly fixed cost of ${estimate.stack} (${estimate.region}): $${estimate.monthlyUsd.toFixed(2)}`];
  for (const item of estimate.items) {
    const marker = item.basis === INSTANCES_FOR_MINIMUM_TASKS ? ' *' : '';
    lines.push(`  $${item.monthlyUsd.toFixed(2).padStart(8)}  ${item.description}  [${item.logicalId}]${marker}`);
  }
  if (estimate.items.some(item => item.basis === INSTANCES_FOR_MINIMUM_TASKS)) lines.push(`  * ${INSTANCES_FOOTNOTE}`);
  for (const note of estimate.notes) lines.push(`  note: ${note}`);
  lines.push(`  not included: ${estimate.excluded.join('; ')}`);
  lines.push(`  prices: ${estimate.pricesSource}, as of ${estimate.pricesAsOf}`);
  return lines.join('\n');
}
