export * from './health.service';
export * from './health.module';
export * from './redis-ping';
