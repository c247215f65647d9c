/**
 * `npm run bench [name]`: runs the benchmarks (all, or the one named). Each starts what it needs
 * on loopback, warms up, measures, prints a table and writes its figures under bench/results.
 */
import { deliveryThroughput } from './delivery-throughput';
import { erasure } from './erasure';
import { failedView } from './failed-view';
import { fanOut } from './fan-out';
import { intake } from './intake';
import { ordered } from './ordered';
import { soak } from './soak';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'delivery-throughput': deliveryThroughput,
  'fan-out': fanOut,
  intake,
  'failed-view': failedView,
  ordered,
  erasure,
  soak,
};

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only && !BENCHMARKS[only])
    throw new Error(`no benchmark "${only}"; there are: ${Object.keys(BENCHMARKS).join(', ')}`);
  for (const [name, run] of Object.entries(BENCHMARKS)) {
    if (only && name !== only) continue;
    process.stdout.write(`\n== ${name}\n`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
