import { Module } from '@nestjs/common';
import { TokenService } from './auth/token.service';

@Module({
  providers: [TokenService],
  exports: [TokenService],
})
export class PartiesModule {}
