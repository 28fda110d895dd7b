/**
 * Property test over Ec2WebService's props with rules (sizes, ports, network
 * mode, volumes, links, capacity): every generated input either synthesizes a
 * template whose values obey AWS's rules, or throws EcsKitValidationError —
 * never another error, never a template AWS would refuse at deploy time.
 *
 * The stacks are synthesized without the validators (too slow for many runs);
 * the AWS rules are checked on the template's values directly.
 */
import { App, Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE } from './cluster';
import { Ec2WebService, Ec2WebServiceProps, EcsCluster, EcsKitValidationError, JobContainerLink, JobMountPoint, JobVolume, TaskCapacity } from '../../src';

/** Mostly `valid` (or left out), sometimes `wild`. */
function mostly<T>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary: valid, weight: 4 },
    { arbitrary: wild, weight: 1 },
  );
}

const RESERVED = [22, 2375, 2376, 51678, 51679];

const props = fc.record({
  networkMode: mostly(fc.constantFrom(ecs.NetworkMode.BRIDGE, ecs.NetworkMode.AWS_VPC), fc.constantFrom(ecs.NetworkMode.HOST, ecs.NetworkMode.NONE)),
  containerPort: mostly(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: -5, max: 70000 })),
  hostPort: mostly(fc.constantFrom(0, 80, 8080, 32768), fc.constantFrom(22, 51678, -1, 65536, 1.5)),
  cpu: mostly(fc.constantFrom(128, 256, 1000, 2048), fc.constantFrom(0, 1, 4096, 0.5)),
  memoryLimitMiB: mostly(fc.constantFrom(128, 500, 1024, 1900), fc.constantFrom(0, 5, 2049, 4096, 10.5)),
  memoryReservationMiB: mostly(fc.constantFrom(64, 256, 512), fc.constantFrom(3, 3000)),
  volumes: mostly<JobVolume[]>(fc.constant([{ name: 'html', sourcePath: '/ecs/html' }]), fc.constant([{ name: 'bad name', sourcePath: 'relative' }])),
  mountPoints: mostly<JobMountPoint[]>(fc.constant([{ sourceVolume: 'html', containerPath: '/usr/share/nginx/html' }]),
    fc.constant([{ sourceVolume: 'other', containerPath: 'x' }])),
  links: mostly<JobContainerLink[]>(fc.constant([{ containerName: 'content', alias: 'cms' }]), fc.constant([{ containerName: 'web' }])),
  fargateCapacity: fc.boolean(),
  minCapacity: mostly(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -2, max: 6000 })),
  maxCapacity: mostly(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -1, max: 0 })),
}, { requiredKeys: ['fargateCapacity'] });

type Generated = typeof props extends fc.Arbitrary<infer T> ? T : never;

/** A cheap EcsCluster on an imported VPC with one t3.small capacity (2048 CPU units, 2048 MiB). */
function build(generated: Generated): Template {
  const stack = new Stack(new App(), 'Prop');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-12345678',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetIds: ['subnet-0000000a', 'subnet-0000000b'],
    privateSubnetIds: ['subnet-0000000c', 'subnet-0000000d'],
  });
  const cluster = new EcsCluster(stack, 'Cluster', { vpc, ec2Capacity: { instanceTypes: [new ec2.InstanceType('t3.small')] } });
  const { fargateCapacity, ...rest } = generated;
  const web = new Ec2WebService(stack, 'Web', {
    cluster,
    image: IMAGE,
    ...rest,
    taskCapacity: fargateCapacity ? TaskCapacity.fargate() : undefined,
  } as Ec2WebServiceProps);
  if (generated.links) web.addSidecar('content', { image: IMAGE, memoryLimitMiB: 64 });
  return Template.fromStack(stack);
}

/** The AWS rules the template's values must obey. */
function expectValid(template: Template): void {
  const [taskDefinition] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  const mode = taskDefinition.Properties.NetworkMode;
  expect(['bridge', 'awsvpc']).toContain(mode);
  const web = taskDefinition.Properties.ContainerDefinitions.find((c: any) => c.Name === 'web');
  const memory = web.MemoryReservation ?? web.Memory;
  expect(memory).toBeGreaterThanOrEqual(6);
  expect(memory).toBeLessThanOrEqual(2048);
  if (web.Memory !== undefined && web.MemoryReservation !== undefined) expect(web.MemoryReservation).toBeLessThanOrEqual(web.Memory);
  expect(Number.isInteger(web.Cpu) && web.Cpu >= 2 && web.Cpu <= 2048).toBe(true);
  for (const mapping of web.PortMappings) {
    expect(Number.isInteger(mapping.ContainerPort) && mapping.ContainerPort >= 1 && mapping.ContainerPort <= 65535).toBe(true);
    if (mode === 'awsvpc') expect(mapping.HostPort === undefined || mapping.HostPort === mapping.ContainerPort).toBe(true);
    else expect(Number.isInteger(mapping.HostPort) && mapping.HostPort >= 0 && mapping.HostPort <= 65535).toBe(true);
    expect(RESERVED).not.toContain(mapping.HostPort);
  }
  if (mode !== 'bridge') expect(web.Links).toBeUndefined();
  const volumes = (taskDefinition.Properties.Volumes ?? []).map((v: any) => v.Name);
  for (const mount of web.MountPoints ?? []) {
    expect(volumes).toContain(mount.SourceVolume);
    expect(mount.ContainerPath.startsWith('/')).toBe(true);
  }
  const [service] = Object.values(template.findResources('AWS::ECS::Service')) as any[];
  expect(service.Properties.LaunchType).toBeUndefined();
  expect(service.Properties.CapacityProviderStrategy.length).toBeGreaterThan(0);
  const [target] = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')) as any[];
  expect(target.Properties.MinCapacity).toBeLessThanOrEqual(target.Properties.MaxCapacity);
}

test('any prop set synthesizes a template that obeys the AWS rules, or throws EcsKitValidationError', () => {
  fc.assert(fc.property(props, generated => {
    let template: Template;
    try {
      template = build(generated);
    } catch (e) {
      expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
      return;
    }
    expectValid(template);
  }), { numRuns: 40 });
});
