export * from './uscc';
export * from './auth/actor';
export * from './auth/token.service';
export * from './auth/policy';
export * from './auth/auth.guard';
export * from './auth/current-actor.decorator';
export * from './auth/throttler.guard';
export * from './parties.module';
