import { Stack, Validations, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';

/** A user's own Auto Scaling group: their launch template, image, role and security group. */
export function userAutoScalingGroup(stack: Stack, vpc: ec2.IVpc, options: { securityGroup?: boolean } = {}): autoscaling.AutoScalingGroup {
  const role = new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
    instanceType: new ec2.InstanceType('m6i.large'),
    machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
    userData: ec2.UserData.forLinux(),
    role,
    securityGroup: options.securityGroup === false ? undefined : new ec2.SecurityGroup(stack, 'InstanceSg', { vpc }),
    requireImdsv2: true,
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
  });
  return new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    launchTemplate,
    minCapacity: 0,
    maxCapacity: 2,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
}

/**
 * What a user acknowledges on their own group once it joins an ECS cluster: aws-cdk-lib adds the
 * ECS agent's statements to their role's default policy, and their group sends no notifications.
 */
export function acknowledgeUserFindings(asg: autoscaling.AutoScalingGroup): void {
  Validations.of(asg.role.node.findChild('DefaultPolicy')).acknowledge(
    { id: 'AwsSolutions-IAM5[Action::ecs:Submit*]', reason: 'The ECS agent\'s statements, added by aws-cdk-lib when the group joined the cluster; scoped to the cluster.' },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'The ECS agent\'s actions without resource types (DiscoverPollEndpoint, GetAuthorizationToken), added by aws-cdk-lib.' },
  );
  Validations.of(asg).acknowledge({ id: 'AwsSolutions-AS3', reason: 'Our platform team watches scaling activity in the Auto Scaling console.' });
}
