import { Module } from '@nestjs/common';
import { PartiesModule } from '@app/parties';

/** HTTP surface of parties: organisations, facilities, licences, vehicles, drivers, users and tokens. */
@Module({
  imports: [PartiesModule],
  controllers: [],
})
export class PartiesApiModule {}
