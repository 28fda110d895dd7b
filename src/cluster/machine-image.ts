import { aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';

/**
 * The operating system family of an ECS-optimized machine image.
 */
export enum EcsImageFamily {
  /** ECS-optimized Amazon Linux 2023: the ECS agent and Docker, minus what containers don't need. */
  AMAZON_LINUX_2023 = 'AMAZON_LINUX_2023',
  /** Bottlerocket (`aws-ecs-2` variants): a minimal, image-based OS made to run containers. */
  BOTTLEROCKET = 'BOTTLEROCKET',
}

/**
 * Options for an ECS-optimized machine image.
 */
export interface EcsMachineImageOptions {
  /**
   * The processor architecture of the image. It must match the instance types.
   *
   * @default - follows the instance types: ARM64 for Graviton types, x86_64 otherwise
   */
  readonly architecture?: ec2.InstanceArchitecture;

  /**
   * Use the NVIDIA GPU variant of the image (drivers and the NVIDIA container runtime).
   * Only instance types with NVIDIA GPUs can use it.
   *
   * @default false
   */
  readonly gpu?: boolean;
}

/**
 * The machine image of an EC2 capacity group: always an ECS-optimized image,
 * resolved at deploy time from AWS's public SSM parameters (so synthesis needs
 * no AWS account and every deploy picks up the latest recommended image).
 */
export class EcsMachineImage {
  /**
   * ECS-optimized Amazon Linux 2023 (standard, ARM64 or NVIDIA GPU).
   */
  public static amazonLinux2023(options: EcsMachineImageOptions = {}): EcsMachineImage {
    return new EcsMachineImage(EcsImageFamily.AMAZON_LINUX_2023, options);
  }

  /**
   * Bottlerocket for ECS (`aws-ecs-2`, or `aws-ecs-2-nvidia` with `gpu: true`).
   */
  public static bottlerocket(options: EcsMachineImageOptions = {}): EcsMachineImage {
    return new EcsMachineImage(EcsImageFamily.BOTTLEROCKET, options);
  }

  /** The operating system family. */
  public readonly family: EcsImageFamily;

  /**
   * The architecture asked for.
   *
   * @default - follows the instance types
   */
  public readonly architecture?: ec2.InstanceArchitecture;

  /** Whether this is the NVIDIA GPU variant. */
  public readonly gpu: boolean;

  private constructor(family: EcsImageFamily, options: EcsMachineImageOptions) {
    this.family = family;
    this.architecture = options.architecture;
    this.gpu = options.gpu ?? false;
  }

  /**
   * The aws-cdk-lib machine image for the given architecture.
   *
   * @internal
   */
  public _bind(architecture: ec2.InstanceArchitecture): ResolvedImage {
    if (this.family === EcsImageFamily.BOTTLEROCKET) {
      return {
        image: new ecs.BottleRocketImage({
          variant: this.gpu ? ecs.BottlerocketEcsVariant.AWS_ECS_2_NVIDIA : ecs.BottlerocketEcsVariant.AWS_ECS_2,
          architecture,
        }),
        machineImageType: ecs.MachineImageType.BOTTLEROCKET,
      };
    }
    const hardware = this.gpu
      ? ecs.AmiHardwareType.GPU
      : architecture === ec2.InstanceArchitecture.ARM_64 ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD;
    // aws-cdk-lib's AMAZON_LINUX_2 image type is the "echo ECS_CLUSTER=... >> /etc/ecs/ecs.config" user data, also right for AL2023.
    return { image: ecs.EcsOptimizedImage.amazonLinux2023(hardware), machineImageType: ecs.MachineImageType.AMAZON_LINUX_2 };
  }
}

/** @internal */
export interface ResolvedImage {
  readonly image: ec2.IMachineImage;
  readonly machineImageType: ecs.MachineImageType;
}

/**
 * Instance families with NVIDIA GPUs (what the ECS GPU images and the NVIDIA
 * Bottlerocket variants support).
 */
const NVIDIA_GPU_FAMILIES = /^(g3s?|g4dn|g5g?|g6e?|g6f|gr6f?|g7e?|p2|p3(dn)?|p4de?|p5(e|en)?|p6(-b200|e-gb200)?)$/;

/** The family of an instance type: `m7g.large` → `m7g`. */
export function instanceFamily(instanceType: ec2.InstanceType): string {
  return instanceType.toString().split('.')[0];
}

/** Whether instances of this type have NVIDIA GPUs. */
export function hasNvidiaGpu(instanceType: ec2.InstanceType): boolean {
  return NVIDIA_GPU_FAMILIES.test(instanceFamily(instanceType));
}
