import { Module } from '@nestjs/common';
import { ContainersModule } from '@app/containers';
import { ContainersController } from './containers.controller';
import { KeysController } from './keys.controller';
import { LabelsController } from './labels.controller';

@Module({
  imports: [ContainersModule],
  controllers: [ContainersController, KeysController, LabelsController],
})
export class ContainersApiModule {}
