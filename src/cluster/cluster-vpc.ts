import { aws_ec2 as ec2, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A VPC whose fixed cost is the NAT gateways only: public subnets and private
 * subnets (isolated when there is no NAT gateway) in `maxAzs` zones, flow logs
 * of all traffic, and a default security group without rules.
 */
export function createVpc(scope: Construct, maxAzs: number, natGateways: number, flowLogGroup: logs.ILogGroup): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs,
    natGateways,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      {
        name: 'Private',
        subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
        cidrMask: 20,
      },
    ],
  });
  vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  return vpc;
}
