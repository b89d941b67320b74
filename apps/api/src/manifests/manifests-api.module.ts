import { Module } from '@nestjs/common';
import { ManifestsModule } from '@app/manifests';
import { ManifestsController } from './manifests.controller';

@Module({
  imports: [ManifestsModule],
  controllers: [ManifestsController],
})
export class ManifestsApiModule {}
