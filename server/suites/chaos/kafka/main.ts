import { postgresBinDir } from '@/db/private-cluster';
import type { ChaosFlags } from '../flags';
import { checkPython } from './python-process';
import { faultTable, kafkaFailures, kafkaTable } from './report';
import { runKafkaChaos } from './run';

/** `npm run chaos -- --kafka`: the Kafka-client workload on a private Postgres cluster; its exit code. */
export async function kafkaMain(flags: ChaosFlags, entry: string): Promise<number> {
  const pgBin = postgresBinDir();
  if (!pgBin) {
    console.error('[chaos] no Postgres server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PG_BIN');
    return 1;
  }
  const python = checkPython(flags.python);
  if (python) {
    console.error(`[chaos] ${python}`);
    return 1;
  }
  const r = await runKafkaChaos(flags, entry, pgBin, (line) => console.log(`[chaos] ${line}`));
  console.log(`\n${kafkaTable(r, flags.firstAckBoundMs)}\n`);
  if (r.faults.length) console.log(`${faultTable(r)}\n`);
  const broken = kafkaFailures(r);
  if (broken.length > 0) {
    console.log(`[chaos] kafka FAILED:\n  ${broken.join('\n  ')}`);
    if (r.verdict?.examples.length) console.log(`  examples:\n    ${r.verdict.examples.join('\n    ')}`);
    const last = [...r.producers, ...r.groups].filter((c) => c.lastError).map((c) => `${c.name}: ${c.lastError}`);
    if (last.length) console.log(`  the clients' last errors:\n    ${last.join('\n    ')}`);
    if (r.stalls.length) console.log(`  Brook's database sessions during slow recoveries:\n    ${r.stalls.join('\n    ')}`);
    for (const { client, lines } of r.diagnostics)
      if (lines.length) console.log(`  ${client}'s own output (last lines):\n    ${lines.slice(-15).join('\n    ')}`);
    console.log(`  Brook's last output:\n${r.brookLog.split('\n').slice(-40).join('\n')}`);
  }
  console.log(`[chaos] ${broken.length ? 'FAILED' : 'passed'} (seed ${flags.seed})`);
  return broken.length ? 1 : 0;
}
