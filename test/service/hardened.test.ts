import { Stack, aws_certificatemanager as acm, aws_ec2 as ec2, aws_sns as sns } from 'aws-cdk-lib';
import { IMAGE, testCluster } from './cluster';
import { BackendService, Ec2WebService, EcsCluster, FargateWebService, FargateWebServiceGroup, QueueWorkerService, TaskCapacity } from '../../src';
import { Finding, createHardenedTestStack, formatFindings, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

/** The web ACL the hardened load balancers are associated with (ALBWAFEnabled). */
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/tests/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

/**
 * The findings of the four packs on what `constructs` created (and on the
 * stack's kit key): the test cluster and VPC are aws-cdk-lib's, judged elsewhere.
 */
function findingsUnder(stack: Stack, ...constructs: { node: { path: string } }[]): Finding[] {
  const { findings } = synthesizeWithValidators(stack.node.root as any);
  if (process.env.SHOW_FINDINGS) console.log(formatFindings(findings));
  const prefixes = [...constructs.map(c => `${c.node.path}/`), `${stack.node.path}/EcsKitKey/`];
  return findings
    .filter(f => prefixes.some(prefix => `${f.constructPath}/`.startsWith(prefix)));
}

describe('hardened profile: 0 findings of the four packs on what the services create', () => {
  test('FargateWebService with a certificate, alarms to a topic and ECS Exec', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    const cluster = testCluster(stack);
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    // WHEN
    const web = new FargateWebService(stack, 'Web', {
      cluster,
      image: IMAGE,
      certificate,
      webAclArn: WEB_ACL_ARN,
      enableExecuteCommand: true,
      alarmTopic: new sns.Topic(stack, 'Alarms', { enforceSSL: true }),
    });
    web.addSidecar('Agent', { image: IMAGE, memoryReservationMiB: 64 });
    // THEN
    expectNoFindings(findingsUnder(stack, web));
  });

  test('Ec2WebService', () => {
    const stack = createHardenedTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7i.large')] } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const web = new Ec2WebService(stack, 'Web', { cluster, image: IMAGE, certificate, webAclArn: WEB_ACL_ARN });
    expectNoFindings(findingsUnder(stack, web));
  });

  test('BackendService on Fargate and on EC2', () => {
    const stack = createHardenedTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'internal', ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7i.large')] },
    });
    const fargate = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080, enableExecuteCommand: true });
    const onEc2 = new BackendService(stack, 'Ec2Api', { cluster, image: IMAGE, containerPort: 8080, serviceConnectDnsName: 'api2', taskCapacity: TaskCapacity.ec2() });
    expectNoFindings(findingsUnder(stack, fargate, onEc2));
  });

  test('QueueWorkerService', () => {
    const stack = createHardenedTestStack();
    const cluster = testCluster(stack);
    const worker = new QueueWorkerService(stack, 'Worker', { cluster, image: IMAGE, scaleToZero: true });
    expectNoFindings(findingsUnder(stack, worker));
  });

  test('FargateWebServiceGroup', () => {
    const stack = createHardenedTestStack();
    const cluster = testCluster(stack);
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const group = new FargateWebServiceGroup(stack, 'Group', { cluster, certificate, webAclArn: WEB_ACL_ARN });
    group.addService('a', { image: IMAGE, pathPatterns: ['/a/*'] });
    group.addService('b', { image: IMAGE, pathPatterns: ['/b/*'], enableExecuteCommand: true });
    expectNoFindings(findingsUnder(stack, group));
  });
});
