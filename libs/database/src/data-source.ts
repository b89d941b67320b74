/**
 * The DataSource the TypeORM CLI uses (migration:run, migration:revert, migration:generate).
 * It is built from the same options as the apps' connection.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from './data-source-options';

// The CLI is a boot path of its own, so it reads the environment here, once, like the apps' main.ts.
export default new DataSource(dataSourceOptions(loadConfig(process.env).databaseUrl, { applicationName: 'wasteledger-cli' }));
