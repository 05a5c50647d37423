import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * `packages/db` owns every table: SQL text, raw queries and Prisma client calls live in its store
 * modules only. This walks the TypeScript of every other package and app (tests and the bench
 * excluded) and names each place that talks to the database itself.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SQL = /\b(SELECT\s+[\w"*(]|INSERT\s+INTO\s|UPDATE\s+"?\w+"?\s+(AS\s+\w+\s+)?SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\()/;
const RAW = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe', '$transaction']);

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function checkedFiles(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    fs
      .readdirSync(path.join(ROOT, group))
      .filter((name) => !(group === 'packages' && name === 'db'))
      .flatMap((name) => sourceFiles(path.join(ROOT, group, name, 'src'))),
  );
}

/** "file:line what" for each database access in one file. */
export function databaseAccesses(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (SQL.test(node.text)) at(node, 'SQL text');
    } else if (ts.isTemplateExpression(node)) {
      if (SQL.test([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' '))) at(node, 'SQL text');
    } else if (ts.isPropertyAccessExpression(node)) {
      if (RAW.has(node.name.text)) at(node, node.name.text);
      const target = node.expression;
      const targetName = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : '';
      if (targetName === 'prisma') at(node, `prisma.${node.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('the detector finds SQL text, raw queries and Prisma calls, and passes store calls', () => {
  const sample = [
    "await sql.query('SELECT id FROM alerts WHERE id = $1', [id]);",
    'await sql.query(`UPDATE deliveries SET status = ${status}`);',
    'const rows = await deps.prisma.webhook.findMany();',
    'await prisma.$queryRaw`SELECT 1`;',
    'await settleAlertStatuses(deps.sql, ids);',
    "logger.info('selected webhooks for the alert');",
  ].join('\n');
  expect(databaseAccesses(path.join(ROOT, 'sample.ts'), sample).map((line) => line.replace(/^sample\.ts:/, ''))).toEqual([
    '1 SQL text',
    '2 SQL text',
    '3 prisma.webhook',
    '4 $queryRaw',
    '4 prisma.$queryRaw',
    '4 SQL text',
  ]);
});

test('no SQL, raw query or Prisma call outside packages/db', () => {
  const accesses = checkedFiles().flatMap((file) => databaseAccesses(file, fs.readFileSync(file, 'utf8')));
  expect(accesses).toEqual([]);
});
