// Writes the result of run.mjs into docs/performance.md, between
// <!-- bench:lighthouse:begin --> and <!-- bench:lighthouse:end --> (appended when missing).
//   node scripts/lighthouse/write-doc.mjs result.json docs/performance.md "command"
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const [resultFile, docFile, command] = process.argv.slice(2);
const r = JSON.parse(readFileSync(resultFile, 'utf8'));
const BEGIN = '<!-- bench:lighthouse:begin -->';
const END = '<!-- bench:lighthouse:end -->';

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const row = (name, p) =>
  `| ${name} | **${p.performance}** (${p.scores.join(', ')}) | ${(p.fcp_ms / 1000).toFixed(1)} s | ${(p.lcp_ms / 1000).toFixed(1)} s | ${p.tbt_ms} ms | ${p.cls} | ${(p.speed_index_ms / 1000).toFixed(1)} s | ${p.transfer_kib} KiB in ${p.requests} | ${p.text_compression_savings_kib} KiB |`;

const section = `${BEGIN}
## Web app: Lighthouse

- Date: ${date} UTC
- Machine: ${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM
- Command: \`${command}\` (release build, demo data, SQLite, loopback)
- Lighthouse ${r.lighthouse}, mobile preset (simulated slow 4G: 150 ms RTT, 1.6 Mbit/s; 4× CPU slowdown), ${r.chromium}, browser language ${r.lang}; median of ${r.runs} runs by performance score (all scores in brackets)
- Login: a new visitor opens \`/login\`. Ticket list: signed in through the form as the demo admin, HTTP cache cleared, then \`/tickets\` (session kept, first page of tickets from the API)

| page | performance | FCP | LCP | TBT | CLS | Speed Index | transferred | text compression savings left |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${row('login', r.login)}
${row('ticket list', r.tickets)}

Largest opportunities left: login ${r.login.opportunities.join(', ') || 'none'}; ticket list ${r.tickets.opportunities.join(', ') || 'none'}. Locale chunks fetched: login ${r.login.locale_files.length}, ticket list ${r.tickets.locale_files.length} (only the browser's language).

${END}`;

const doc = readFileSync(docFile, 'utf8');
const start = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
const next = start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
writeFileSync(docFile, next);
