/**
 * The kit's reference app (one web service) written by hand with aws-cdk-lib
 * only: the same features as cdk-ecs-kit's defaults build — flow logs, a closed
 * default security group, container insights, an encrypted root volume, a
 * load balancer with access logs in a retained bucket, retained log groups, a
 * batch job run by Step Functions (exit-code check, retries, timeout, failure
 * topic with its own key, execution logs, timed-out metric) on an EventBridge
 * Scheduler schedule. It answers "what does the kit cost at synthesis beyond
 * what its features cost?"; `bench/cdk-app.ts` (aws-cdk-lib's defaults) stays
 * issue 7's comparison. This file never imports cdk-ecs-kit.
 */
import {
  Duration, RemovalPolicy, Stack, type App,
  aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam,
  aws_autoscaling as autoscaling, aws_kms as kms, aws_logs as logs, aws_s3 as s3, aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets, aws_sns as sns, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks, region_info as regionInfo,
} from 'aws-cdk-lib';
import { IMAGE, INSTANCE_TYPE } from './context';

/** One web service and one hourly batch job, as `buildKitApp(app, 1)` builds them with the kit's defaults. */
export function buildCdkEquivalentApp(app: App, services: number): Stack {
  if (services !== 1) {
    throw new Error(`The hand-written equivalent is the reference app only (1 web service), not ${services}: run it with --sizes 1.`);
  }
  const stack = new Stack(app, 'Bench');
  const retain = { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN };

  // Network and cluster: one NAT gateway, flow logs, EC2 capacity from 0 instances.
  const flowLogs = new logs.LogGroup(stack, 'FlowLogs', retain);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: { FlowLog: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL } },
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const instanceRole = new iam.Role(stack, 'InstanceRole', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
  });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    minCapacity: 0,
    maxCapacity: 10,
    launchTemplate: new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(INSTANCE_TYPE),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      userData: ec2.UserData.forLinux(),
      role: instanceRole,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      securityGroup: new ec2.SecurityGroup(stack, 'InstanceSecurityGroup', { vpc }),
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    }),
  });
  const capacityProvider = new ecs.AsgCapacityProvider(stack, 'CapacityProvider', { autoScalingGroup, enableManagedTerminationProtection: false, enableManagedDraining: true });
  cluster.addAsgCapacityProvider(capacityProvider);

  new ecr.Repository(stack, 'Repository', {
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
    encryption: ecr.RepositoryEncryption.AES_256,
    lifecycleRules: [
      { rulePriority: 1, tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(14) },
      { rulePriority: 2, tagStatus: ecr.TagStatus.ANY, maxImageCount: 200 },
    ],
  });

  // Web service: its own load balancer with access logs, circuit breaker, autoscaling on CPU.
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(stack, 'LoadBalancerSecurityGroup', { vpc, allowAllOutbound: false });
  loadBalancerSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'LoadBalancer', {
    vpc, internetFacing: true, securityGroup: loadBalancerSecurityGroup, dropInvalidHeaderFields: true,
  });
  const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // loadBalancer.logAccessLogs() needs a concrete Region; in an environment-agnostic
  // stack the Region's load balancer account comes from aws-cdk-lib's fact table.
  accessLogs.grantPut(new iam.AccountPrincipal(stack.regionalFact(regionInfo.FactName.ELBV2_ACCOUNT)), `AWSLogs/${stack.account}/*`);
  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', accessLogs.bucketName);
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'WebTaskDefinition', { cpu: 256, memoryLimitMiB: 512 });
  taskDefinition.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    portMappings: [{ containerPort: 80 }],
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'web', logGroup: new logs.LogGroup(stack, 'WebLogs', retain) }),
  });
  const service = new ecs.FargateService(stack, 'WebService', {
    cluster,
    taskDefinition,
    desiredCount: 2,
    minHealthyPercent: 100,
    circuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriod: Duration.seconds(60),
    propagateTags: ecs.PropagatedTagSource.SERVICE,
  });
  new elbv2.ApplicationListener(stack, 'Listener', { loadBalancer, port: 80, open: false }).addTargets('Web', {
    port: 80,
    targets: [service],
    deregistrationDelay: Duration.seconds(30),
    healthCheck: { path: '/', interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyHttpCodes: '200-399', unhealthyThresholdCount: 3 },
  });
  service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });

  // Batch job: a Step Functions run of the task with an exit-code check, retries and a timeout,
  // a failure topic with its own key, started hourly by EventBridge Scheduler.
  const jobTaskDefinition = new ecs.Ec2TaskDefinition(stack, 'JobTaskDefinition');
  jobTaskDefinition.addContainer('job', {
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    cpu: 256,
    memoryLimitMiB: 512,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'batch', logGroup: new logs.LogGroup(stack, 'JobLogs', retain) }),
  });
  const runTask = tasks.EcsRunTask.jsonata(stack, 'RunTask', {
    cluster,
    taskDefinition: jobTaskDefinition,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    launchTarget: new tasks.EcsEc2LaunchTarget({
      capacityProviderOptions: tasks.CapacityProviderOptions.custom([{ capacityProvider: capacityProvider.capacityProviderName, weight: 1 }]),
      placementStrategies: [ecs.PlacementStrategy.packedByMemory()],
    }),
    taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
  });
  const checkExitCodes = sfn.Choice.jsonata(stack, 'CheckExitCodes')
    .when(sfn.Condition.jsonata("{% $count($states.input.Containers[Name = 'job' and ExitCode = 0]) = 1 %}"), sfn.Succeed.jsonata(stack, 'ExitCodesOk'))
    .otherwise(sfn.Fail.jsonata(stack, 'NonZeroExitCode', { error: 'NonZeroExitCode', cause: '{% $string($states.input.Containers) %}' }));
  const attempt = sfn.Parallel.jsonata(stack, 'RunWithRetries', { outputs: '{% $states.result[0] %}' }).branch(runTask.next(checkExitCodes));
  attempt.addRetry({ errors: [sfn.Errors.TIMEOUT], maxAttempts: 0 });
  attempt.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 2, backoffRate: 2, interval: Duration.minutes(1) });
  const failureTopicKey = new kms.Key(stack, 'FailureTopicKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  const failureTopic = new sns.Topic(stack, 'FailureTopic', { masterKey: failureTopicKey, enforceSSL: true });
  const notifyFailure = tasks.SnsPublish.jsonata(stack, 'NotifyFailure', {
    topic: failureTopic,
    message: sfn.TaskInput.fromText("{% $string({ 'error': $states.input.Error, 'cause': $states.input.Cause }) %}"),
    outputs: '{% $states.input %}',
  });
  notifyFailure.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 3 });
  attempt.addCatch(notifyFailure.next(sfn.Fail.jsonata(stack, 'Failed', { error: '{% $states.input.Error %}' })), { errors: [sfn.Errors.ALL] });
  const executionLogs = new logs.LogGroup(stack, 'JobExecutionLogs', retain);
  const stateMachine = new sfn.StateMachine(stack, 'Job', {
    definitionBody: sfn.DefinitionBody.fromChainable(attempt),
    queryLanguage: sfn.QueryLanguage.JSONATA,
    tracingEnabled: true,
    logs: { destination: executionLogs, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  failureTopicKey.grant(stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey');
  new logs.MetricFilter(stack, 'JobTimedOutTasks', {
    logGroup: executionLogs,
    filterPattern: logs.FilterPattern.stringValue('$.type', '=', 'TaskTimedOut'),
    metricNamespace: 'Bench/Job',
    metricName: 'RunsTimedOut',
    metricValue: '1',
  });
  new scheduler.Schedule(stack, 'JobSchedule', {
    schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
    target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
      role: new iam.Role(stack, 'JobScheduleRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') }),
    }),
  });
  return stack;
}
