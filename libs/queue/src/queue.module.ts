import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { QueueName } from './job-catalog';
import { DEFAULT_JOB_OPTIONS, redisConnection } from './queue-options';
import { JobQueueService } from './job-queue.service';

const QUEUES = Object.values(QueueName);

@Global()
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, role: 'producer' | 'worker'): DynamicModule {
    const registered = BullModule.registerQueue(
      ...QUEUES.map((name) => ({ name, defaultJobOptions: DEFAULT_JOB_OPTIONS[name] })),
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
