export * from './app-config';
export * from './signing-key';
export * from './config.module';
export * from './logging';
