/**
 * The SQL console and `logscope query` run one read-only query over the datasets and
 * Logscope's documented views, nothing else. The check works on DuckDB's parse tree
 * (`json_serialize_sql`), which parses without binding: binding `read_csv(…)` would
 * already read the file. `json_serialize_sql` serialises SELECT statements only, so
 * every other statement (COPY, ATTACH, SET, PRAGMA, INSTALL, DROP, …) is refused by
 * construction; the tree is then walked for an allow-list of tables and table
 * functions, so `FROM 'file.csv'`, `read_text(…)`, `glob(…)` or `query(…)` are refused.
 */

export interface ConfinementPolicy {
  /** Dataset tables in the `main` schema, by lower-case name. */
  datasetTables: ReadonlySet<string>;
  /** Read-only views in Logscope's own schema, by lower-case name. */
  views: ReadonlySet<string>;
  viewSchema: string;
  /** The database's own catalog name (the file's stem), which a fully qualified name may carry. */
  catalogName: string;
}

/** The detail of a parse tree that is not JSON DuckDB wrote (not the user's syntax). */
export const unreadableTree = 'unreadable parse tree';

/** Table functions that read nothing outside the query itself. */
export const allowedTableFunctions: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

export type ConfinementRefusal =
  | { reason: 'parse_error'; detail: string; position: number | null }
  | { reason: 'not_a_query'; detail: string; position: null }
  | { reason: 'several_statements'; detail: string; position: null }
  | { reason: 'table_not_allowed'; detail: string; position: number | null }
  | { reason: 'function_not_allowed'; detail: string; position: number | null };

export type ConfinementVerdict = { ok: true } | ({ ok: false } & ConfinementRefusal);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function checkSerializedQuery(serialized: string, policy: ConfinementPolicy): ConfinementVerdict {
  let tree: Json;
  try {
    tree = JSON.parse(serialized) as Json;
  } catch {
    return { ok: false, reason: 'parse_error', detail: unreadableTree, position: null };
  }
  if (!isObject(tree)) return { ok: false, reason: 'parse_error', detail: unreadableTree, position: null };
  if (tree.error === true) {
    const message = String(tree.error_message ?? '');
    if (/only select statements/i.test(message)) {
      return { ok: false, reason: 'not_a_query', detail: 'only a single SELECT query can run here', position: null };
    }
    const position = Number(tree.position);
    return { ok: false, reason: 'parse_error', detail: message, position: Number.isFinite(position) ? position : null };
  }
  const statements = Array.isArray(tree.statements) ? tree.statements : [];
  if (statements.length !== 1) {
    return { ok: false, reason: 'several_statements', detail: `${statements.length} statements`, position: null };
  }

  const cteNames = new Set<string>();
  collect(statements[0] ?? null, (node) => {
    const map = isObject(node.cte_map) && Array.isArray(node.cte_map.map) ? node.cte_map.map : [];
    for (const entry of map) if (isObject(entry) && typeof entry.key === 'string') cteNames.add(entry.key.toLowerCase());
  });

  let refusal: ConfinementVerdict | null = null;
  collect(statements[0] ?? null, (node) => {
    if (refusal) return;
    const position = locationOf(node);
    if (node.type === 'BASE_TABLE' || (node.type === 'SHOW_REF' && typeof node.table_name === 'string' && node.table_name)) {
      const table = String(node.table_name ?? '');
      if (!isAllowedTable(String(node.catalog_name ?? ''), String(node.schema_name ?? ''), table, policy, cteNames)) {
        refusal = { ok: false, reason: 'table_not_allowed', detail: qualifiedName(node), position };
      }
    } else if (node.type === 'TABLE_FUNCTION') {
      const fn = isObject(node.function) ? node.function : {};
      const name = String(fn.function_name ?? '').toLowerCase();
      const schema = String(fn.schema ?? '');
      if (!allowedTableFunctions.has(name) || (schema !== '' && schema !== 'main') || String(fn.catalog ?? '') !== '') {
        refusal = { ok: false, reason: 'function_not_allowed', detail: name, position: locationOf(fn) ?? position };
      }
    }
  });
  return refusal ?? { ok: true };
}

function isAllowedTable(
  catalog: string,
  schema: string,
  table: string,
  policy: ConfinementPolicy,
  cteNames: ReadonlySet<string>,
): boolean {
  const name = table.toLowerCase();
  if (catalog !== '' && catalog.toLowerCase() !== policy.catalogName.toLowerCase()) return false;
  if (schema === '' && catalog === '' && cteNames.has(name)) return true;
  if (schema === '' || schema.toLowerCase() === 'main') return policy.datasetTables.has(name);
  if (schema.toLowerCase() === policy.viewSchema.toLowerCase()) return policy.views.has(name);
  return false;
}

function qualifiedName(node: { [key: string]: Json }): string {
  return [node.catalog_name, node.schema_name, node.table_name].filter((part) => typeof part === 'string' && part).join('.');
}

// DuckDB marks "no location" with the largest 64-bit value.
function locationOf(node: { [key: string]: Json }): number | null {
  const location = node.query_location;
  return typeof location === 'number' && location < 2 ** 53 ? location : null;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(value: Json, visit: (node: { [key: string]: Json }) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, visit);
  } else if (isObject(value)) {
    visit(value);
    for (const child of Object.values(value)) collect(child, visit);
  }
}
