import { ArnFormat, Resource, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs, aws_servicediscovery as cloudmap } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IEc2Capacity } from './ec2-capacity';
import { EcsClusterAttributes, IEcsCluster, markAsKitCluster } from './ecs-cluster-interface';
import type { TaskCapacity } from './task-capacity';
import { EcsKitValidationError } from '../core/errors';

/**
 * A cluster that exists already, known by its attributes and the capacity the
 * user told the kit about.
 */
export class ImportedEcsCluster extends Resource implements IEcsCluster {
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly connections: ec2.Connections;
  public readonly hasEc2Capacity: boolean;
  public readonly defaultCloudMapNamespace?: cloudmap.INamespace;
  public readonly autoscalingGroup?: autoscaling.IAutoScalingGroup;
  public readonly executeCommandConfiguration?: ecs.ExecuteCommandConfiguration;
  public readonly ec2Capacities: IEc2Capacity[];
  public readonly fargateCapacityProviders: boolean;
  public readonly defaultTaskCapacity?: TaskCapacity;

  /** The VPC, unknown for a cluster imported by its ARN alone. */
  private readonly knownVpc?: ec2.IVpc;

  /** `attrs.vpc` may be missing only for `EcsCluster.fromClusterArn`. */
  constructor(scope: Construct, id: string, attrs: EcsClusterAttributes) {
    super(scope, id);
    this.clusterName = attrs.clusterName;
    this.clusterArn = attrs.clusterArn ?? Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'cluster',
      resourceName: attrs.clusterName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.knownVpc = attrs.vpc;
    this.ec2Capacities = [...(attrs.ec2Capacities ?? [])];
    // The instances' security groups come with the capacities; those given as attributes are the cluster's own.
    this.connections = new ec2.Connections({ securityGroups: attrs.securityGroups ?? [] });
    for (const capacity of this.ec2Capacities) {
      this.connections.addSecurityGroup(...capacity.connections.securityGroups);
    }
    // aws-cdk-lib assumes EC2 capacity unless told otherwise; known capacities settle it.
    this.hasEc2Capacity = this.ec2Capacities.length > 0 || (attrs.hasEc2Capacity ?? true);
    this.defaultCloudMapNamespace = attrs.defaultCloudMapNamespace;
    this.autoscalingGroup = attrs.autoscalingGroup;
    this.executeCommandConfiguration = attrs.executeCommandConfiguration;
    this.fargateCapacityProviders = attrs.fargateCapacityProviders ?? true;
    this.defaultTaskCapacity = attrs.defaultTaskCapacity;
    markAsKitCluster(this);
  }

  public get vpc(): ec2.IVpc {
    if (this.knownVpc === undefined) {
      throw new EcsKitValidationError(this, 'EcsCluster', [{
        prop: 'vpc',
        received: 'undefined',
        fix: 'This cluster was imported with EcsCluster.fromClusterArn, which does not know its VPC: import it with ' +
          'EcsCluster.fromClusterAttributes(scope, id, { clusterName, vpc }).',
      }]);
    }
    return this.knownVpc;
  }

  public get clusterRef(): ecs.ClusterReference {
    return { clusterName: this.clusterName, clusterArn: this.clusterArn };
  }
}
