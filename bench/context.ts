/**
 * What both versions of the benchmark's reference app share: the context they
 * are synthesized with, the image and the EC2 instance type. Only aws-cdk-lib is
 * imported here, so that the aws-cdk-lib side never loads cdk-ecs-kit.
 */
import { cx_api as cxapi } from 'aws-cdk-lib';

/**
 * The context `cdk init` writes into a new project's cdk.json (today's
 * recommended feature flags): both sides are synthesized as a new app would be.
 */
export const NEW_PROJECT_CONTEXT = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT };

/** Every container of the app. */
export const IMAGE = 'public.ecr.aws/nginx/nginx:stable';

/** The EC2 capacity of both sides outside the low-cost profile. */
export const INSTANCE_TYPE = 't3.medium';
