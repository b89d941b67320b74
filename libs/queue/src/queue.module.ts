import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { QueueName } from './job-catalog';
import { DEFAULT_JOB_OPTIONS, redisConnection } from './queue-options';
import { JobQueueService } from './job-queue.service';

const QUEUES = Object.values(QueueName);

/**
 * The key prefix of one queue: the deployment's prefix, or with QUEUE_HASH_TAGS a hash tag of its
 * own (`{wl-ledger}`) so that on Redis Cluster each queue lives in one slot. Producers and workers
 * take it from the same registration, so they always agree.
 */
export function queueKeyPrefix(config: Pick<AppConfig, 'queuePrefix' | 'queueHashTags'>, queue: string): string {
  return config.queueHashTags ? `{${config.queuePrefix}-${queue}}` : config.queuePrefix;
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, role: 'producer' | 'worker'): DynamicModule {
    const registered = BullModule.registerQueue(
      ...QUEUES.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name], prefix: queueKeyPrefix(config, name) })),
    );
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({ connection: redisConnection(config.redisUrl, role), prefix: config.queuePrefix }),
        registered,
      ],
      providers: [JobQueueService],
      exports: [JobQueueService, registered],
    };
  }
}
