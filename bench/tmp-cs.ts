import { measureColdStarts } from './cold-start.ts';
import { formatKiB } from './stats.ts';
const r = await measureColdStarts([{ name: 'ow', entry: 'examples/orders/functions/order-worker.ts' }, { name: 'pt', entry: 'bench/baselines/powertools-order-worker.ts' }], { samples: Number(process.argv[2] ?? 8) });
for (const x of r) console.log(x.target.name, formatKiB(x.sdkExternal.bytes), x.sdkExternal.importMs?.toFixed(1), x.sdkExternal.importError ?? '', '|', x.sdkExternal.byPackage.slice(0, 12).map(([p, b]) => `${p} ${(b/1024).toFixed(1)}`).join(', '), '| bundled', formatKiB(x.sdkBundled.bytes), x.sdkBundled.importMs?.toFixed(1));
