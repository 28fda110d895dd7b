/** Named volumes on EFS, and the task volumes and mount points of every kind of mount. */
import { RemovalPolicy, Validations, aws_ec2 as ec2, aws_efs as efs, aws_kms as kms } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ComposeAppContext, CreatedUnit } from './unit';
import { HARDENED_DEFAULT_USER } from '../../core/container-settings';
import { securityGroupDescription } from '../../core/names';
import type { ComposeMount, ComposeService } from '../model';
import { taskVolumeName } from '../names';

/** How the app's file system is encrypted and its access points enforce a user. */
export interface FileSystemOptions {
  /** The file system's key: `undefined` for the AWS managed key `aws/elasticfilesystem` (today's template). */
  readonly encryptionKey?: kms.IKey;
  /** The user of every access point (the `volumePosixUser` prop). */
  readonly posixUser?: efs.PosixUser;
  /** In the hardened profile, an access point without `posixUser` enforces its containers' user. */
  readonly hardened: boolean;
}

/** The app's encrypted EFS file system, with an access point per named volume the running services mount. */
export function createFileSystem(app: Construct, vpc: ec2.IVpc, selected: ComposeService[], options: FileSystemOptions): {
  fileSystem: efs.FileSystem;
  accessPoints: Map<string, efs.AccessPoint>;
} {
  const securityGroup = new ec2.SecurityGroup(app, 'FileSystemSecurityGroup', {
    vpc,
    description: securityGroupDescription(`EFS file system of ${app.node.path}: NFS only from the tasks that mount its named volumes`),
    allowAllOutbound: false,
  });
  const fileSystem = new efs.FileSystem(app, 'FileSystem', {
    vpc,
    encrypted: true,
    // Only when a key is given: changing the key of an existing file system replaces it.
    kmsKey: options.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
    securityGroup,
    enableAutomaticBackups: true,
    allowAnonymousAccess: false,
    performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
    throughputMode: efs.ThroughputMode.ELASTIC,
  });
  const accessPoints = new Map<string, efs.AccessPoint>();
  const used = [...new Set(selected.flatMap(s => s.mounts.filter(m => m.kind === 'volume').map(m => m.source!)))];
  for (const volume of used) {
    const posixUser = options.posixUser ?? (options.hardened ? containersUser(selected, volume) : undefined);
    accessPoints.set(volume, fileSystem.addAccessPoint(`AccessPoint-${volume}`, {
      path: `/${volume}`,
      // Without a POSIX user, containers run as any user (databases often switch users at start): the
      // volume's directory is writable by all of them. Only this app's tasks reach the file system
      // (security group, IAM). With one, every file operation runs as that user, who owns the directory.
      createAcl: posixUser
        ? { ownerUid: posixUser.uid, ownerGid: posixUser.gid, permissions: '750' }
        : { ownerUid: '0', ownerGid: '0', permissions: '777' },
      posixUser,
    }));
  }
  // AWS Backup covers the file system through its automatic backups (the aws/efs/automatic-backup-vault plan of
  // the account), which cdk-nag's rules do not see: they look for a backup plan selection in the template.
  Validations.of(fileSystem).acknowledge(...AUTOMATIC_BACKUP_RULES.map(id => ({
    id,
    reason: 'Automatic backups are on (enableAutomaticBackups): AWS Backup backs the file system up daily in the account\'s ' +
      'aws/efs/automatic-backup-vault with a 35-day retention. For another plan, add the file system (app.fileSystem) to your own ' +
      'backup.BackupPlan and turn the automatic backups off in the console.',
  })));
  return { fileSystem, accessPoints };
}

/** cdk-nag's rules that look for the file system in a backup plan of the template. */
const AUTOMATIC_BACKUP_RULES = ['NIST.800.53.R5-EFSInBackupPlan', 'HIPAA.Security-EFSInBackupPlan'];

/** A numeric `uid` or `uid:gid`. */
const NUMERIC_USER = /^(\d+)(?::(\d+))?$/;

/**
 * The user the containers that mount `volume` run as in the hardened profile
 * (their Compose `user`, else the profile's default), when they all run as the
 * same numeric user; else the profile's default.
 */
function containersUser(selected: ComposeService[], volume: string): efs.PosixUser {
  const users = new Set(selected
    .filter(s => s.mounts.some(m => m.kind === 'volume' && m.source === volume))
    .map(s => s.user ?? HARDENED_DEFAULT_USER));
  const only = users.size === 1 ? NUMERIC_USER.exec([...users][0]) : null;
  const [, uid, gid] = only ?? NUMERIC_USER.exec(HARDENED_DEFAULT_USER)!;
  return { uid, gid: gid ?? uid };
}

/** Named volumes (EFS), bind mounts of host paths (EC2), anonymous volumes and tmpfs on Fargate (task storage); copied files are in the image. */
export function mountVolumes(context: ComposeAppContext, created: CreatedUnit): void {
  const { unit, taskDefinition, containers, service, connections } = created;
  let writes = false;
  let mountsEfs = false;
  const added = new Set<string>();
  for (const member of unit.members) {
    const container = containers.get(member.name)!;
    member.mounts.forEach((mount: ComposeMount, index) => {
      if (mount.kind === 'tmpfs' && !context.fargate) return; // EC2: linux parameters
      if (mount.kind === 'copy') return; // in the container's image (config-image.ts)
      const volumeName = mount.kind === 'volume' ? taskVolumeName(mount.source!) : `${member.name}-${mount.kind}-${index}`;
      if (!added.has(volumeName)) {
        added.add(volumeName);
        if (mount.kind === 'volume') {
          taskDefinition.addVolume({
            name: volumeName,
            efsVolumeConfiguration: {
              fileSystemId: context.fileSystem!.fileSystemId,
              transitEncryption: 'ENABLED',
              authorizationConfig: { accessPointId: context.accessPoints.get(mount.source!)!.accessPointId, iam: 'ENABLED' },
            },
          });
        } else if (mount.kind === 'bind') {
          taskDefinition.addVolume({ name: volumeName, host: { sourcePath: mount.source } });
        } else {
          taskDefinition.addVolume({ name: volumeName });
        }
      }
      container.addMountPoints({ sourceVolume: volumeName, containerPath: mount.target, readOnly: mount.readOnly });
      if (mount.kind === 'volume') {
        mountsEfs = true;
        writes = writes || !mount.readOnly;
      }
    });
  }
  if (mountsEfs) {
    const fileSystem = context.fileSystem!;
    const actions = writes ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] : ['elasticfilesystem:ClientMount'];
    fileSystem.grant(taskDefinition.taskRole, ...actions);
    fileSystem.connections.allowDefaultPortFrom(connections, `NFS from ${unit.id}`);
    service.node.addDependency(fileSystem.mountTargetsAvailable);
  }
}
