import { CfnElement, Duration, Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE, resourcesOfType, testCluster } from './cluster';
import {
  ContainerStartCondition, Ec2Capacity, Ec2WebService, Ec2WebServiceProps, EcsCluster, EcsMachineImage, SharedLoadBalancer, TaskCapacity,
} from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

/** An EcsCluster with one on-demand capacity of t3.small instances. */
function ec2Cluster(stack: Stack, instanceTypes = [t('t3.small')]): EcsCluster {
  return new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes } });
}

/** A stack with an EC2 cluster and one service with `props`. */
function serviceStack(props: Partial<Ec2WebServiceProps> = {}) {
  const stack = createTestStack();
  const cluster = ec2Cluster(stack);
  const web = new Ec2WebService(stack, 'Web', { cluster, image: IMAGE, ...props });
  return { stack, cluster, web };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('Ec2WebService defaults', () => {
  test('default service passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = ec2Cluster(stack);
    // WHEN
    new Ec2WebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });
});
