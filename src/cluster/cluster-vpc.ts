import { ArnFormat, Aws, Stack, Validations, aws_ec2 as ec2, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { useManagedPolicies } from '../core/managed-policies';

/**
 * A VPC whose fixed cost is the NAT gateways only: public subnets and private
 * subnets (isolated when there is no NAT gateway) in `maxAzs` zones, flow logs
 * of all traffic, and a default security group without rules.
 *
 * The public subnets do not give public IPv4 addresses to what is launched in
 * them: what needs one asks for it (the kit's EC2 capacity there, Fargate tasks
 * with `assignPublicIp`); load balancers and NAT gateways have their own.
 */
export function createVpc(scope: Construct, maxAzs: number, natGateways: number, flowLogGroup: logs.ILogGroup): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs,
    natGateways,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      {
        name: 'Private',
        subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
        cidrMask: 20,
      },
    ],
  });
  vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, createFlowLogRole(scope)),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  acknowledgeInternetRoutes(vpc);
  return vpc;
}

/**
 * The role VPC Flow Logs delivers with. aws-cdk-lib would create one with an
 * inline policy; the kit's takes its statements (added by the flow log) in a
 * managed policy, and only this account's flow logs can assume it.
 */
function createFlowLogRole(scope: Construct): iam.Role {
  const role = new iam.Role(scope, 'FlowLogRole', {
    description: 'VPC Flow Logs: delivers the cluster VPC\'s flow logs to their log group',
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
      // The confused-deputy conditions of AWS's documented trust policy for flow logs.
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': Stack.of(scope).formatArn({
            service: 'ec2', resource: 'vpc-flow-log', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      },
    }),
  });
  useManagedPolicies(role);
  return role;
}

/**
 * A public subnet is public through its default route to the internet gateway:
 * the compliance packs' finding on that route is inherent to the load balancers
 * and NAT gateways the subnets are for, so it is acknowledged on those routes
 * only (the VPC's other route tables keep their findings).
 */
function acknowledgeInternetRoutes(vpc: ec2.Vpc): void {
  const reason = 'cdk-ecs-kit creates this public subnet for internet-facing load balancers and NAT gateways (and, in a VPC without NAT gateways, ' +
    'for Fargate tasks and EC2 instances that ask for a public IP): its default route to the internet gateway is what makes it public. ' +
    'Nothing launched in it gets a public IP unless it asks (MapPublicIpOnLaunch is false), and security groups restrict inbound traffic. ' +
    'To have no route to an internet gateway, give the cluster a VPC of your own with isolated subnets and VPC endpoints (vpc prop).';
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (!route) continue;
    Validations.of(route).acknowledge(
      { id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', reason },
      { id: 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW', reason },
      { id: 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', reason },
    );
  }
}
