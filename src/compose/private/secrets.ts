/** The Secrets Manager secrets behind the Compose file's secrets. */
import { Annotations, RemovalPolicy, Validations, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { ComposeAppContext } from './unit';
import { plainDescription } from '../../core/names';

/**
 * The secret of a Compose secret, created (or imported) the first time a
 * service uses it: the one given in the `secrets` prop, the Secrets Manager
 * secret of an external one, else a new secret with a generated value.
 */
export function secretFor(context: ComposeAppContext, name: string): secretsmanager.ISecret {
  const existing = context.secretsByName.get(name);
  if (existing) return existing;
  const spec = context.project.secrets.find(s => s.name === name)!;
  const id = `Secret-${name}`;
  let secret: secretsmanager.ISecret;
  if (context.props.secrets?.[name]) {
    secret = context.props.secrets[name];
  } else if (spec.kind === 'external') {
    secret = secretsmanager.Secret.fromSecretNameV2(context.app, id, spec.externalName!);
  } else {
    const generated = new secretsmanager.Secret(context.app, id, {
      description: plainDescription(`Compose secret "${name}" of ${context.app.node.path}`, 2048),
      generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      // The `encryptionKey` prop, else the hardened profile's: the execution roles' grantRead then includes kms:Decrypt.
      encryptionKey: context.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const rotation = 'A value generated for a Compose secret the application reads at start; rotating it needs a rotation function ' +
      'that knows what the value protects (e.g. the database whose password it is) and a restart of the tasks that read it. ' +
      'The value is a plain string, not the JSON (host, user, password) Secrets Manager\'s hosted rotations expect: add a rotation ' +
      'Lambda of your own with app.secret(name).addRotationSchedule, or pass a secret you rotate in the `secrets` prop.';
    Validations.of(generated).acknowledge(
      { id: 'AwsSolutions-SMG4', reason: rotation },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: rotation },
      { id: 'HIPAA.Security-SecretsManagerRotationEnabled', reason: rotation },
    );
    Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.generatedSecret',
      `Compose secret "${name}" (${context.props.composeFile.fileName}${spec.line ? `:${spec.line}` : ''}) takes its value from a local ${spec.kind}, ` +
      'which is not uploaded: a Secrets Manager secret with a generated value was created instead (retained on delete). Set your value with ' +
      '`aws secretsmanager put-secret-value`, pass an existing secret in the `secrets` prop, or declare it `external: true` with its Secrets Manager `name`.',
      { context: { secret: name } });
    secret = generated;
  }
  context.secretsByName.set(name, secret);
  return secret;
}
