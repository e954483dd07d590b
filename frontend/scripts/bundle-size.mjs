// Prints the gzipped size of what the login + ticket list route loads first (the scripts and
// styles index.html references, the lazy chunks of the agent layout and the ticket list that a
// start on the list fetches with them, and their static imports), and fails above the budget.
// Also prints the brotli size of the same files as the server sends them (the build's .br files).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET_KB = 345;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
// src/app/router.tsx starts these two with the entry when the app opens on the list.
const assets = readdirSync(join(dist, 'assets'));
for (const lazyRoute of ['AgentLayout-', 'TicketListPage-']) {
  const chunk = assets.find((f) => f.startsWith(lazyRoute) && f.endsWith('.js'));
  if (!chunk) throw new Error(`no ${lazyRoute}*.js chunk in dist/assets`);
  entry.push(`assets/${chunk}`);
}

// Follow static imports (`from"./x.js"` / `import"./x.js"`), not dynamic `import("./x.js")` ones.
const seen = new Set();
const queue = [...entry];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  seen.add(file);
  if (!file.endsWith('.js')) continue;
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) queue.push(`assets/${m[1]}`);
}

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const br = (file) => (existsSync(join(dist, `${file}.br`)) ? statSync(join(dist, `${file}.br`)).size : statSync(join(dist, file)).size);
const rows = [...seen].map((file) => ({ file, kb: gz(file) / 1024 })).sort((a, b) => b.kb - a.kb);
const initial = rows.reduce((sum, r) => sum + r.kb, 0);
const all = assets.filter((f) => f.endsWith('.js'));
const sent = [...seen].reduce((sum, file) => sum + br(file), 0) / 1024;
const total = all.reduce((sum, f) => sum + gz(`assets/${f}`), 0) / 1024;

for (const r of rows) console.log(`  ${r.kb.toFixed(1).padStart(7)} KB gz  ${r.file}`);
console.log(`initial (login + ticket list): ${initial.toFixed(1)} KB gz of ${BUDGET_KB} KB (${sent.toFixed(1)} KB as sent, brotli); all ${all.length} scripts: ${total.toFixed(1)} KB gz`);
if (initial > BUDGET_KB) {
  console.error(`the initial bundle is over its ${BUDGET_KB} KB budget`);
  process.exit(1);
}
