export * from './app-config';
export * from './signing-key';
export * from './secret-box';
export * from './config.module';
export * from './logging';
