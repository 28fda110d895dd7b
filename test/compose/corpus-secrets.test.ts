import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { containerOf, importValidCorpus } from './compose-test-helpers';

/** Imports a corpus file on Fargate or EC2; the local secret values are replaced by generated ones (acknowledged). */
function importSecretsCorpus(name: string, onEc2: boolean) {
  return importValidCorpus(name, { ec2: onEc2, props: { environment: { API_TOKEN: 'local-token' } }, acknowledgeGeneratedSecrets: true });
}

/** The Service Connect DNS names and ports the app's services publish. */
function serviceConnectNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::ECS::Service'))
    .flatMap((s: any) => s.Properties.ServiceConnectConfiguration?.Services ?? [])
    .flatMap((s: any) => s.ClientAliases.map((a: any) => `${a.DnsName}:${a.Port}`));
}

describe.each([['Fargate', false], ['EC2', true]])('corpus with secrets on %s', (_launch, onEc2) => {
  test('postgres-with-secret-file: both read the password file at /run/secrets/db_password; the app is public on port 80 and reaches db by name', () => {
    // GIVEN Postgres and a Node app reading POSTGRES_PASSWORD_FILE / DATABASE_PASSWORD_FILE
    // WHEN
    const { stack, app, template } = importSecretsCorpus('postgres-with-secret-file', onEc2);
    // THEN: what is mounted where
    for (const name of ['db', 'app']) {
      const container = containerOf(template, name);
      expect(container.MountPoints).toContainEqual({ SourceVolume: `${name}-secrets`, ContainerPath: '/run/secrets', ReadOnly: true });
      expect(container.DependsOn).toContainEqual({ ContainerName: 'compose-secrets', Condition: 'SUCCESS' });
      expect(container.Secrets).toBeUndefined();
      const init = containerOf(template, 'compose-secrets', name);
      expect(init.Command[0]).toContain('printf \'%s\' "$SECRET_0" > \'/compose-secrets/0/db_password\'\nchmod 0444 ');
      // Both read the one Secrets Manager secret; no value is in the template.
      expect(init.Secrets).toEqual([{ Name: 'SECRET_0', ValueFrom: stack.resolve(app.secret('db_password').secretArn) }]);
    }
    expect(containerOf(template, 'db').Environment).toContainEqual({ Name: 'POSTGRES_PASSWORD_FILE', Value: '/run/secrets/db_password' });
    expect(JSON.stringify(template.toJSON())).not.toContain('change-me-locally');
    // Who reaches whom by name
    expect(serviceConnectNames(template)).toContain('db:5432');
    // Which port is public, and how: the app behind the load balancer's port 80
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000 });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('secretFileOwner|secretTargetLooksLikeVariable'));
  });

  test('app-with-secret-targets: long syntax targets, modes and owners; a key at an absolute path in a directory of its own', () => {
    // GIVEN an API reading two secret files (one in a subdirectory) and a worker reading a key under /etc
    // WHEN
    const { stack, template } = importSecretsCorpus('app-with-secret-targets', onEc2);
    // THEN
    const api = containerOf(template, 'api');
    expect(api.MountPoints).toContainEqual({ SourceVolume: 'api-secrets', ContainerPath: '/run/secrets', ReadOnly: true });
    const apiScript = containerOf(template, 'compose-secrets', 'api').Command[0];
    expect(apiScript).toContain('chmod 0440 \'/compose-secrets/0/token\'\nchown 1000:1000 \'/compose-secrets/0/token\'');
    expect(apiScript).toContain('chmod 0400 \'/compose-secrets/0/config/settings.json\'\nchown 1000:1000 \'/compose-secrets/0/config/settings.json\'');
    const worker = containerOf(template, 'webhooks');
    expect(worker.MountPoints).toContainEqual({ SourceVolume: 'webhooks-secrets', ContainerPath: '/etc/webhooks/keys', ReadOnly: true });
    expect(containerOf(template, 'compose-secrets', 'webhooks').Command[0])
      .toContain('chmod 0400 \'/compose-secrets/0/signing.key\'\nchown 1000:1000 \'/compose-secrets/0/signing.key\'');
    Annotations.fromStack(stack).hasWarning('/TestStack/App', Match.stringLikeRegexp('secretDirectoryMounted'));
    // The worker reaches the API by name.
    expect(serviceConnectNames(template)).toContain('api:8000');
  });
});
