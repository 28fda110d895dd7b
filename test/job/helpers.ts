import { Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcsCluster, EcsMachineImage, IEcsCluster } from '../../src';

export const BUSYBOX = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable');
export const t = (name: string) => new ec2.InstanceType(name);

/** An EcsCluster with one Spot capacity group (validator-clean on its own). */
export function spotCluster(stack: Stack, id = 'Cluster'): EcsCluster {
  return new EcsCluster(stack, id, { ec2Capacity: { spot: true, instanceTypes: [t('m6i.large'), t('m5.large')] } });
}

/** An EcsCluster with on-demand and GPU capacity groups, no Spot. */
export function onDemandAndGpuCluster(stack: Stack): EcsCluster {
  const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [t('m6i.large')] } });
  cluster.addEc2Capacity('Gpu', { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) });
  return cluster;
}

/** A cluster this app does not own, imported without its capacities (unknown to the job). */
export function importedCluster(stack: Stack): IEcsCluster {
  return EcsCluster.fromClusterAttributes(stack, 'Imported', {
    clusterName: 'shared',
    vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] }),
  });
}

/**
 * The state machine's definition, parsed: references (Ref, Fn::GetAtt) inside it
 * become `${LogicalId}` / `${LogicalId.Attribute}` placeholders.
 */
export function definitionOf(template: Template): any {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as any[];
  expect(machines).toHaveLength(1);
  const definition = machines[0].Properties.DefinitionString;
  const text = typeof definition === 'string' ? definition : definition['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') return part;
    if (part.Ref) return `\${${part.Ref}}`;
    if (part['Fn::GetAtt']) return `\${${part['Fn::GetAtt'].join('.')}}`;
    return '${?}';
  }).join('');
  return JSON.parse(text);
}

/** Every state of a definition by name, those inside Map and Parallel states included. */
export function statesOf(definition: any): Record<string, any> {
  const states: Record<string, any> = {};
  const visit = (graph: any) => {
    for (const [name, state] of Object.entries<any>(graph.States)) {
      states[name] = state;
      if (state.ItemProcessor) visit(state.ItemProcessor);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(definition);
  return states;
}
