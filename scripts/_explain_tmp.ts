import 'reflect-metadata';
import { Client } from 'pg';
import { RULES, RuleCode } from '@app/reconciliation';
import { VIOLATIONS } from '../libs/reconciliation/src/rules/rule-sql';
import { thresholdCte } from '../libs/reconciliation/src/rules/thresholds';
async function main() {
  const c = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/wasteledger_bench_reconcile' });
  await c.connect();
  for (const code of process.argv.slice(2) as RuleCode[]) {
    const sql = `EXPLAIN (ANALYZE, BUFFERS) WITH ${thresholdCte(RULES[code])}, v AS (${VIOLATIONS[code]({ whole: true, where: () => 'true' })}) SELECT * FROM v`;
    const { rows } = await c.query(sql);
    console.log(code, '\n' + rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  }
  await c.end();
}
main().catch((e) => { console.error(e); process.exit(1); });
