// Jest's moduleNameMapper does not apply to globalSetup: resolve the path aliases here.
import 'tsconfig-paths/register';
import 'reflect-metadata';
import { buildTemplate } from './databases';

export default async function globalSetup(): Promise<void> {
  await buildTemplate();
}
