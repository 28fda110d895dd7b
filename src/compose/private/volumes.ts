/** Named volumes on EFS, and the task volumes and mount points of every kind of mount. */
import { RemovalPolicy, aws_ec2 as ec2, aws_efs as efs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ComposeAppContext, CreatedUnit } from './unit';
import { securityGroupDescription } from '../../core/names';
import type { ComposeMount, ComposeService } from '../model';
import { taskVolumeName } from '../names';

/** The app's encrypted EFS file system, with an access point per named volume the running services mount. */
export function createFileSystem(app: Construct, vpc: ec2.IVpc, selected: ComposeService[]): {
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
    accessPoints.set(volume, fileSystem.addAccessPoint(`AccessPoint-${volume}`, {
      path: `/${volume}`,
      // Containers run as any user (databases often switch users at start): the volume's directory is
      // writable by all of them. Only this app's tasks reach the file system (security group, IAM).
      createAcl: { ownerUid: '0', ownerGid: '0', permissions: '777' },
    }));
  }
  return { fileSystem, accessPoints };
}

/** Named volumes (EFS), bind mounts (EC2 host paths), anonymous volumes and tmpfs on Fargate (task storage). */
export function mountVolumes(context: ComposeAppContext, created: CreatedUnit): void {
  const { unit, taskDefinition, containers, service, connections } = created;
  let writes = false;
  let mountsEfs = false;
  const added = new Set<string>();
  for (const member of unit.members) {
    const container = containers.get(member.name)!;
    member.mounts.forEach((mount: ComposeMount, index) => {
      if (mount.kind === 'tmpfs' && !context.fargate) return; // EC2: linux parameters
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
