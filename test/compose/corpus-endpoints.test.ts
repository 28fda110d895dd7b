import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { importValidCorpus } from './compose-test-helpers';
import { ComposeApp, ComposePortEndpoint } from '../../src';

/** Listeners by load balancer type, as `<port>/<protocol>`. */
function listeners(template: Template, stack: Stack, app: ComposeApp): { alb: string[]; nlb: string[] } {
  const all = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((r: any) => r.Properties);
  const nlbArn = app.networkLoadBalancer ? JSON.stringify(stack.resolve(app.networkLoadBalancer.loadBalancerArn)) : undefined;
  const describe = (l: any) => `${l.Port}/${l.Protocol}`;
  return {
    alb: all.filter(l => JSON.stringify(l.LoadBalancerArn) !== nlbArn).map(describe).sort(),
    nlb: all.filter(l => JSON.stringify(l.LoadBalancerArn) === nlbArn).map(describe).sort(),
  };
}

function ingressOf(template: Template, stack: Stack, securityGroup: ec2.ISecurityGroup): string[] {
  const id = JSON.stringify(stack.resolve(securityGroup.securityGroupId));
  const inline = Object.entries(template.findResources('AWS::EC2::SecurityGroup'))
    .filter(([logicalId]) => JSON.stringify({ 'Fn::GetAtt': [logicalId, 'GroupId'] }) === id)
    .flatMap(([, r]: [string, any]) => r.Properties.SecurityGroupIngress ?? []);
  const separate = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties)
    .filter(r => JSON.stringify(r.GroupId) === id);
  return [...inline, ...separate].map(r => `${r.IpProtocol}/${r.FromPort}${r.CidrIp ? ` ${r.CidrIp}` : ''}`).sort();
}

describe('corpus: public endpoints', () => {
  test('nginx-app-published-ports: nginx on 80 is the default route, the app keeps its own port 8080, the loopback database stays inside', () => {
    // GIVEN nginx "80:80" in front of an app "8080:8080" and Postgres on "127.0.0.1:5432:5432"
    const { stack, app, template } = importValidCorpus('nginx-app-published-ports');
    // THEN http://<alb>/ is nginx (not a path prefix /nginx), and http://<alb>:8080/ is the app
    expect(listeners(template, stack, app)).toEqual({ alb: ['80/HTTP', '8080/HTTP'], nlb: [] });
    expect(app.webService('nginx')!.listenerRule).toBeUndefined();
    expect(app.webService('app')!.listenerRule).toBeUndefined();
    expect(app.webService('app')!.url).toMatch(/:8080$/);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 8080, DefaultActions: [{ Type: 'forward', TargetGroupArn: stack.resolve(app.webService('app')!.targetGroup.targetGroupArn) }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/health' });
    // The load balancer's security group opens 80 and 8080 to the internet, nothing else
    expect(ingressOf(template, stack, app.loadBalancer!.connections.securityGroups[0])).toEqual(['tcp/80 0.0.0.0/0', 'tcp/8080 0.0.0.0/0']);
    // No Network Load Balancer: the database is published on the host's loopback only, so it stays inside the app
    expect(app.networkLoadBalancer).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/TestStack/App', Match.stringLikeRegexp('Service "db" publishes 5432:5432/tcp'));
    // The database has a named volume: one task, replaced stop-first
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({ Services: [Match.objectLike({ PortName: 'db-5432' })] }),
      DesiredCount: 1,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
    });
  });

  test('dns-server-udp-tcp: 53 over UDP and TCP is one TCP_UDP listener of the Network Load Balancer', () => {
    const { stack, app, template } = importValidCorpus('dns-server-udp-tcp');
    expect(listeners(template, stack, app)).toEqual({ alb: [], nlb: ['53/TCP_UDP'] });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internet-facing' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'TCP_UDP', Port: 53, TargetType: 'ip', HealthCheckProtocol: 'TCP',
    });
    // ECS maps a container port once: the TCP mapping (the task receives both protocols through its security group)
    const container = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((r: any) => r.Properties.ContainerDefinitions[0])[0];
    expect(container.PortMappings.map((p: any) => `${p.ContainerPort}/${p.Protocol}`)).toEqual(['53/tcp', '9153/tcp']);
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'dns', ContainerPort: 53, TargetGroupArn: Match.anyValue() }],
    });
    expect(ingressOf(template, stack, app.networkLoadBalancer!.connections.securityGroups[0])).toEqual(['tcp/53 0.0.0.0/0', 'udp/53 0.0.0.0/0']);
    // The tasks accept 53 over both protocols from the load balancer
    const tasks = ingressOf(template, stack, app.service('dns').connections.securityGroups[0]);
    expect(tasks).toEqual(expect.arrayContaining(['tcp/53', 'udp/53']));
  });

  test('game-server-udp: the UDP port on the Network Load Balancer, health-checked on its TCP port; one task for its world volume', () => {
    const { stack, app, template } = importValidCorpus('game-server-udp');
    expect(listeners(template, stack, app)).toEqual({ alb: [], nlb: ['7777/UDP'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'UDP', Port: 7777, HealthCheckProtocol: 'TCP', HealthCheckPort: '27020',
    });
    expect(ingressOf(template, stack, app.service('game').connections.securityGroups[0])).toEqual(expect.arrayContaining(['tcp/27020', 'udp/7777']));
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 1, DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
    });
  });

  test('logstash-beats-input: Beats on 5044 on the Network Load Balancer, the monitoring API (publishedPorts) on the Application Load Balancer', () => {
    const { stack, app, template } = importValidCorpus('logstash-beats-input', {
      props: { publishedPorts: { 'logstash:9600': ComposePortEndpoint.APPLICATION_LOAD_BALANCER } },
    });
    // 9600 is the app's only HTTP port: the default route of the main listener (80); 5044 a TCP listener, never behind an ALB health check
    expect(listeners(template, stack, app)).toEqual({ alb: ['80/HTTP'], nlb: ['5044/TCP'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP', Port: 5044, HealthCheckProtocol: 'TCP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'HTTP', Port: 9600 });
    // One ECS service, registered with both load balancers
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.arrayWith([Match.objectLike({ ContainerPort: 9600 }), Match.objectLike({ ContainerPort: 5044 })]),
    });
  });

  test('logstash-beats-input without publishedPorts: both ports are TCP listeners of the Network Load Balancer', () => {
    const { stack, app, template } = importValidCorpus('logstash-beats-input');
    expect(listeners(template, stack, app)).toEqual({ alb: [], nlb: ['5044/TCP', '9600/TCP'] });
  });

  test('EC2: Logstash\'s TCP input on the Network Load Balancer, instance targets on dynamic host ports', () => {
    const { stack, app, template } = importValidCorpus('logstash-beats-input', { ec2: true });
    expect(listeners(template, stack, app)).toEqual({ alb: [], nlb: ['5044/TCP', '9600/TCP'] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP', Port: 5044, TargetType: 'instance' });
  });

  test('EC2: the DNS server\'s TCP port is published, its UDP port stays inside the app with a warning', () => {
    const { stack, app, template } = importValidCorpus('dns-server-udp-tcp', { ec2: true });
    expect(listeners(template, stack, app)).toEqual({ alb: [], nlb: ['53/TCP'] });
    Annotations.fromStack(stack).hasWarning('/TestStack/App',
      Match.stringLikeRegexp('Service "dns" publishes 53:53/udp: on EC2.*Run the app on Fargate.*cdk-ecs-kit:ComposeApp.udpPortNotPublic'));
  });
});
