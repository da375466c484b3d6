import { describe, expect, it } from 'vitest';
import { datasetNameFromFileName, datasetNameProblem } from './datasetNames';

describe('datasetNameFromFileName', () => {
  it.each([
    ['access-2024-03-01.log', 'access'],
    ['access.log.1.gz', 'access'],
    ['access.log', 'access'],
    ['/var/log/nginx/access.log.12', 'access'],
    ['C:\\logs\\app_20240301.csv', 'app'],
    ['app.2024.03.01T0930.jsonl', 'app'],
    ['api-server-2024-03-01-093015.ndjson.gz', 'api_server'],
    ['Apache_2k.log', 'apache_2k'],
    ['결제로그-2024-03-01.csv', '결제로그'],
    ['My Service Logs.txt', 'my_service_logs'],
    ['order.csv', 'order_data'],
    ['syslog', 'syslog'],
  ])('%s gives %s', (file, name) => {
    expect(datasetNameFromFileName(file)).toBe(name);
  });

  it.each(['2024-03-01.log', '123.csv', '---.log', '.gz'])('%s leaves nothing usable', (file) => {
    expect(datasetNameFromFileName(file)).toBeNull();
  });
});

describe('datasetNameProblem', () => {
  it('accepts letters, Korean, digits after the first character and underscores', () => {
    for (const name of ['apache', '로그_2024', '_x', 'A1']) expect(datasetNameProblem(name)).toBeNull();
  });
  it('refuses a leading digit, spaces, quotes and dashes', () => {
    for (const name of ['1abc', 'a b', 'a"b', 'a-b', '']) expect(datasetNameProblem(name)).toBe('dataset_name_invalid');
  });
  it('refuses keywords the parser rejects as a table name, in any case', () => {
    expect(datasetNameProblem('SELECT')).toBe('dataset_name_reserved');
    expect(datasetNameProblem('join')).toBe('dataset_name_reserved');
  });
  it('refuses the prefix of Logscope own columns', () => {
    expect(datasetNameProblem('_ls_source')).toBe('dataset_name_reserved');
  });
});
