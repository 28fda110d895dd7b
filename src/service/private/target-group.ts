import { Duration, Tokenization, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { WebServiceOptions } from '../web-service-options';

/**
 * The target group of a web service (`TargetGroup` in `scope`): IP targets
 * (awsvpc tasks) or instance targets (bridge-mode tasks on their host ports)
 * on the container port, with the service's health check, deregistration
 * delay, stickiness and slow start.
 */
export function createTargetGroup(
  scope: Construct,
  props: WebServiceOptions,
  vpc: ec2.IVpc,
  containerPort: number,
  target: elbv2.IApplicationLoadBalancerTarget,
  targetType: elbv2.TargetType = elbv2.TargetType.IP,
): elbv2.ApplicationTargetGroup {
  // aws-cdk-lib checks the slow start and stickiness durations and compares the health check
  // interval with the timeout at synthesis, which values from tokens cannot pass: those are
  // written to the target group directly (in seconds, as checkSeconds made sure they are given).
  const interval = props.healthCheckInterval ?? Duration.seconds(15);
  const timeout = props.healthCheckTimeout ?? Duration.seconds(5);
  const healthCheckTimesKnown = !interval.isUnresolved() && !timeout.isUnresolved();
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'TargetGroup', {
    vpc,
    targetType,
    protocol: elbv2.ApplicationProtocol.HTTP,
    port: containerPort,
    targets: [target],
    deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
    stickinessCookieDuration: props.stickinessCookieDuration?.isUnresolved() ? undefined : props.stickinessCookieDuration,
    slowStart: props.slowStart?.isUnresolved() ? undefined : props.slowStart,
    healthCheck: {
      enabled: true,
      path: props.healthCheckPath ?? '/',
      healthyHttpCodes: props.healthyHttpCodes ?? '200-399',
      interval: healthCheckTimesKnown ? interval : undefined,
      timeout: healthCheckTimesKnown ? timeout : undefined,
      healthyThresholdCount: props.healthyThresholdCount ?? 2,
      unhealthyThresholdCount: props.unhealthyThresholdCount ?? 3,
    },
  });
  if (!healthCheckTimesKnown) {
    const cfnTargetGroup = targetGroup.node.defaultChild as elbv2.CfnTargetGroup;
    cfnTargetGroup.healthCheckIntervalSeconds = interval.toSeconds();
    cfnTargetGroup.healthCheckTimeoutSeconds = timeout.toSeconds();
  }
  if (props.slowStart?.isUnresolved()) {
    targetGroup.setAttribute('slow_start.duration_seconds', Tokenization.stringifyNumber(props.slowStart.toSeconds()));
  }
  if (props.stickinessCookieDuration?.isUnresolved()) {
    targetGroup.setAttribute('stickiness.enabled', 'true');
    targetGroup.setAttribute('stickiness.type', 'lb_cookie');
    targetGroup.setAttribute('stickiness.lb_cookie.duration_seconds',
      Tokenization.stringifyNumber(props.stickinessCookieDuration.toSeconds()));
  }
  return targetGroup;
}
