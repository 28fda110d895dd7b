export { BatchJob } from './batch-job';
export { BatchJobProps, JobContainerOptions, JobContainerLink, JobMountPoint, JobVolume, JobVolumesFrom } from './batch-job-props';
export { Ec2BatchJob, Ec2BatchJobProps } from './ec2-batch-job';
export { JobCronOptions, JobSchedule } from './job-schedule';
