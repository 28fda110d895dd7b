export { Ec2BatchJob, Ec2BatchJobProps, JobContainerOptions, JobContainerLink, JobMountPoint, JobVolume, JobVolumesFrom } from './ec2-batch-job';
export { JobCronOptions, JobSchedule } from './job-schedule';
