import { readFileSync } from 'node:fs';
import { publicKeysFromPem, verifyAuditExport } from '../../../../libs/domain/audit/export-verification';

/**
 * `audit verify <export> --public-key <pem>`: checks an audit export offline — no server, no
 * database. Exit 0 only when the chain, every signature and the no-gap count all hold.
 */
export function auditVerify(args: readonly string[]): number {
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--public-key');
  const keyIndex = args.indexOf('--public-key');
  const keyFile = keyIndex >= 0 ? args[keyIndex + 1] : undefined;
  if (!file || !keyFile) {
    process.stderr.write('usage: npm run cli -- audit verify <export.ndjson> --public-key <public-key.pem>\n');
    return 2;
  }
  const keys = publicKeysFromPem(readFileSync(keyFile, 'utf8'));
  if (keys.size === 0) {
    process.stderr.write(`${keyFile} holds no PUBLIC KEY block\n`);
    return 2;
  }
  const result = verifyAuditExport(readFileSync(file, 'utf8').split('\n'), keys);
  const summary = `${result.entries} entries, ${result.checkpoints} checkpoints, organization ${result.organization_id ?? '?'}`;
  if (result.ok) {
    process.stdout.write(`OK: chain, signatures and no gap hold (${summary}; keys ${[...keys.keys()].join(', ')})\n`);
    return 0;
  }
  process.stdout.write(`FAILED (${summary}${result.first_bad_position ? `; first bad position ${result.first_bad_position}` : ''}):\n`);
  for (const problem of result.problems) process.stdout.write(`  - ${problem}\n`);
  return 1;
}
