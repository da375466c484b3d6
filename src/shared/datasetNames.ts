/**
 * Dataset names are table names that work unquoted in SQL (`SELECT … FROM apache`),
 * so they are identifiers: letters (Korean included), digits and `_`, not starting
 * with a digit, and not a keyword the parser refuses as a table name. They are unique
 * in any letter case; the catalogue enforces that part.
 */

/**
 * Keywords DuckDB will not take as an unquoted table name (`SELECT * FROM x`). Derived
 * from `duckdb_keywords()` by parsing each non-unreserved keyword in that position;
 * an integration test re-derives the list from the engine in use and compares.
 */
export const keywordsRefusedAsTableName: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'anti', 'any', 'array', 'as', 'asc', 'asof', 'asymmetric', 'at',
  'authorization', 'binary', 'both', 'by', 'case', 'cast', 'check', 'collate', 'collation', 'column',
  'concurrently', 'constraint', 'create', 'cross', 'default', 'deferrable', 'desc', 'describe', 'distinct',
  'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'glob',
  'group', 'having', 'ilike', 'in', 'initially', 'inner', 'intersect', 'into', 'is', 'isnull', 'join',
  'lambda', 'lateral', 'leading', 'left', 'like', 'limit', 'natural', 'not', 'notnull', 'null', 'offset',
  'on', 'only', 'or', 'order', 'outer', 'overlaps', 'pivot', 'pivot_longer', 'pivot_wider', 'placing',
  'positional', 'primary', 'qualify', 'references', 'returning', 'right', 'select', 'semi', 'show',
  'similar', 'some', 'summarize', 'symmetric', 'table', 'tablesample', 'then', 'to', 'trailing', 'true',
  'union', 'unique', 'unpack', 'unpivot', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with',
]);

export const maxDatasetNameLength = 63;

const identifierPattern = /^[\p{L}_][\p{L}\p{N}_]*$/u;

export type DatasetNameProblem = 'dataset_name_invalid' | 'dataset_name_reserved';

/** Why a name cannot be a dataset name, or null when it can. */
export function datasetNameProblem(name: string): DatasetNameProblem | null {
  if (name.length === 0 || name.length > maxDatasetNameLength || !identifierPattern.test(name)) {
    return 'dataset_name_invalid';
  }
  if (keywordsRefusedAsTableName.has(name.toLowerCase())) return 'dataset_name_reserved';
  // Logscope's own per-row columns and internal objects use this prefix.
  if (name.toLowerCase().startsWith('_ls_')) return 'dataset_name_reserved';
  return null;
}

/** The case-insensitive key under which names must be unique. */
export const datasetNameKey = (name: string): string => name.toLowerCase();

const compressionSuffix = /\.(gz|gzip|zip|bz2|zst|xz)$/i;
const rotationSuffix = /\.\d{1,3}$/;
const logSuffix = /\.(log|logs|csv|tsv|psv|json|jsonl|ndjson|txt|out|err|dat)$/i;
// 2024-03-01, 2024_03_01, 2024.03.01, 20240301, optionally with a time: T0930, -093015, _09-30-15.
const datePattern = /(?<!\d)(19|20)\d{2}([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])([T_\-. ]?\d{2}([-_:.]?\d{2}){1,2})?(?!\d)/g;

/**
 * A dataset name derived from a file name, so that daily and rotated files of one log
 * land in one dataset: `access-2024-03-01.log` and `access.log.1.gz` both give `access`.
 * Returns null when nothing usable is left; the caller then picks `dataset_N`.
 */
export function datasetNameFromFileName(fileName: string): string | null {
  let name = fileName.split(/[\\/]/).pop() ?? '';
  for (let changed = true; changed; ) {
    const before = name;
    name = name.replace(compressionSuffix, '').replace(rotationSuffix, '').replace(logSuffix, '');
    changed = name !== before;
  }
  name = name
    .replace(datePattern, '_')
    .replace(/[^\p{L}\p{N}_]+/gu, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase()
    .slice(0, maxDatasetNameLength)
    .replace(/_+$/, '');
  if (!name || /^\p{N}/u.test(name)) return null;
  if (datasetNameProblem(name) === 'dataset_name_reserved') name = `${name}_data`;
  return datasetNameProblem(name) === null ? name : null;
}
