// Debian's Chromium as every browser tool of the project starts it: the browser journeys
// (e2e/harness.mjs, through playwright-core) and the Lighthouse benchmark
// (scripts/lighthouse/run.mjs, through chrome-launcher). One definition, so both measure and
// test the same browser the same way. No dependencies: both import it as it is.

/** The executable: `CHROME_PATH` or `LOOPDESK_CHROMIUM` when set, else Debian's package. */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? process.env.LOOPDESK_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The command-line flags: headless without a sandbox (root in a container) or GPU, HTTP/1.1 over
 * TCP as the server speaks it (no QUIC), and none of the browser's own background traffic
 * (updates, sync, first-run pages) in the way of what is tested or measured. With `lang`, the
 * browser's language and the `Accept-Language` it sends.
 */
export function chromiumFlags({ lang } = {}) {
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (lang) flags.push(`--lang=${lang}`, `--accept-lang=${lang}`);
  return flags;
}
