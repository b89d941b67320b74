export * from './job-catalog';
export * from './queue-options';
export * from './job-queue.service';
export * from './queue.module';
