import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { seedCatalogue } from './catalogue';
import { DEMO_ORGS, seedDemoDistrict } from './demo-district';

/**
 * `npm run seed`: the catalogue and the demo district, idempotently, then the demo users and their
 * tokens. `--if-empty` seeds the demo district only when no organisation exists yet.
 */
export async function runSeeds(databaseUrl: string, options: { ifEmpty?: boolean; quiet?: boolean } = {}): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(databaseUrl, { applicationName: 'wasteledger-seed', poolSize: 2 }), entities: [] });
  await ds.initialize();
  try {
    await ds.transaction(async (m) => {
      await seedCatalogue(m);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM organisations`)) as { n: number }[];
      if (options.ifEmpty && n > 0) return;
      const users = await seedDemoDistrict(m);
      if (options.quiet) return;
      const lines = users.map((u) => {
        const org = DEMO_ORGS.find((o) => o.key === u.orgKey);
        return `  ${(org?.name ?? '平台').padEnd(20, '　')}  ${u.role.padEnd(14)}  ${u.token}`;
      });
      process.stdout.write(`Demo district 沙坪坝区 (500106) is seeded. Users and API tokens:\n${lines.join('\n')}\n`);
    });
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  const config = loadConfig(process.env);
  runSeeds(config.databaseUrl, { ifEmpty: process.argv.includes('--if-empty') }).catch((error: unknown) => {
    process.stderr.write(`Seeding failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
