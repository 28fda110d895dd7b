export { Ec2BatchJob } from './ec2-batch-job';
export { Ec2BatchJobProps, JobContainerOptions, JobContainerLink, JobMountPoint, JobVolume, JobVolumesFrom } from './ec2-batch-job-props';
export { JobCronOptions, JobSchedule } from './job-schedule';
