// Fails unless eslint.config.js still enforces the import boundaries: a feature reaching into another
// feature's files, or shared code importing a feature, is an error; a feature's index.ts is allowed.
import { ESLint } from 'eslint';

const RULE = 'import-x/no-restricted-paths';
const cases = [
  { file: 'src/features/portal/boundary-check.ts', code: "export { TicketTable } from '@/features/tickets/list/TicketTable';\n", fails: true },
  { file: 'src/features/portal/boundary-check.ts', code: "export { useGroups } from '../tickets/api';\n", fails: true },
  { file: 'src/components/boundary-check.ts', code: "export { NOTIFY_KINDS } from '@/features/notifications';\n", fails: true },
  { file: 'src/features/portal/boundary-check.ts', code: "export { TicketCreateWizard } from '@/features/tickets';\n", fails: false },
  { file: 'src/features/admin/boundary-check.ts', code: "export { kindLabel } from '@/features/notifications';\n", fails: false },
];

const eslint = new ESLint();
let wrong = 0;
for (const { file, code, fails } of cases) {
  const [result] = await eslint.lintText(code, { filePath: file });
  const hits = result.messages.filter((m) => m.ruleId === RULE);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0 || (hits.length > 0) !== fails) {
    wrong += 1;
    const got = [...fatal, ...hits].map((m) => m.message).join('; ') || 'no error';
    console.error(`${file}: ${code.trim()} should ${fails ? 'fail' : 'pass'} lint, got: ${got}`);
  }
}
if (wrong > 0) process.exit(1);
console.log(`import boundaries hold (${cases.length} cases)`);
