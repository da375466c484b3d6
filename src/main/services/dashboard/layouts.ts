import { randomInt } from 'node:crypto';
import type { Db, DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { getDatasetRecord } from '../catalog/datasets';
import type { DashboardService } from './dashboard';
import type { CustomChartService } from './custom';
import type { Handlers } from '../../transport/rpc';
import type { ParsedInput } from '../../../shared/api/contract';
import { DashboardLayout, LayoutItem, SavedFilter, defaultLayout, type SavedDashboard } from '../../../shared/charts/layout';
import { newCustomChartId, visibleCharts, withNewIds, type LayoutChart } from '../../../shared/charts/layoutItems';

/**
 * Saved dashboards (issue 8): per dataset, the standard charts shown or hidden, the custom
 * charts, their order and size, and the filter state, as one JSON document in
 * `logscope.dashboard_layouts` (migration 9). No row: the default dashboard. Read back
 * leniently: an item a later version cannot read is dropped, not the whole dashboard.
 *
 * `dashboardLayout(datasetId)` is what the e-mailed report (issue 10) uses for "the charts
 * the user picked from the saved dashboard": the charts shown, in order.
 */
export function createDashboardLayoutService({
  db,
  events,
  clock,
  log,
  dashboard,
}: {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  dashboard: Pick<DashboardService, 'roles'>;
}) {
  const newId = () => newCustomChartId(clock.now().getTime(), randomInt(0, 2 ** 31) / 2 ** 31);

  async function read(tx: DbStatements, datasetId: number): Promise<SavedDashboard> {
    const { rows } = await tx.all(`SELECT layout, updated_at FROM logscope.dashboard_layouts WHERE dataset_id = $id`, { id: datasetId });
    const row = rows[0];
    if (!row) return { datasetId, layout: defaultLayout(), saved: false, updatedAt: null };
    return { datasetId, layout: parseStored(String(row[0]), datasetId), saved: true, updatedAt: toCell(row[1]) as string };
  }

  function parseStored(text: string, datasetId: number): DashboardLayout {
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch (error) {
      log.warn('saved dashboard unreadable', { datasetId, error });
      return defaultLayout();
    }
    const object = typeof stored === 'object' && stored !== null ? (stored as { items?: unknown; filter?: unknown }) : {};
    const items = Array.isArray(object.items) ? object.items : [];
    const readable = items.flatMap((item) => {
      const parsed = LayoutItem.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
    if (readable.length < items.length) log.warn('saved dashboard items dropped', { datasetId, dropped: items.length - readable.length });
    const filter = SavedFilter.safeParse(object.filter ?? {});
    const layout = DashboardLayout.safeParse({ version: 1, items: readable, filter: filter.success ? filter.data : {} });
    return layout.success ? layout.data : defaultLayout();
  }

  async function write(tx: DbStatements, datasetId: number, layout: DashboardLayout): Promise<void> {
    await tx.run(
      `INSERT INTO logscope.dashboard_layouts VALUES ($id, $layout, $now::TIMESTAMP)
       ON CONFLICT (dataset_id) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at`,
      { id: datasetId, layout: JSON.stringify(layout), now: clock.now().toISOString() },
    );
  }

  /** Read, change and write in one transaction on the catalogue connection (which runs one at a time). */
  async function update(datasetId: number, change: (current: SavedDashboard) => DashboardLayout | null): Promise<SavedDashboard> {
    const catalog = await db.connection('catalog');
    return catalog.transaction(async (tx) => {
      await getDatasetRecord(tx, datasetId);
      const next = change(await read(tx, datasetId));
      if (next === null) await tx.run(`DELETE FROM logscope.dashboard_layouts WHERE dataset_id = $id`, { id: datasetId });
      else await write(tx, datasetId, next);
      return read(tx, datasetId);
    });
  }

  async function get(datasetId: number): Promise<SavedDashboard> {
    const catalog = await db.connection('catalog');
    await getDatasetRecord(catalog, datasetId);
    return read(catalog, datasetId);
  }

  const save = (datasetId: number, layout: DashboardLayout) => update(datasetId, () => layout);

  const reset = (datasetId: number) => update(datasetId, () => null);

  async function copy(datasetId: number, toDatasetId: number): Promise<SavedDashboard> {
    const source = await get(datasetId);
    return update(toDatasetId, () => ({ ...source.layout, items: withNewIds(source.layout.items, newId) }));
  }

  function addChart(input: ParsedInput<'dashboards.addChart'>): Promise<SavedDashboard> {
    return update(input.datasetId, (current) =>
      DashboardLayout.parse({
        ...current.layout,
        items: [...current.layout.items, { kind: 'custom', chart: { id: newId(), title: input.title, spec: input.spec }, wide: input.wide, height: input.height }],
      }),
    );
  }

  /** The charts the dataset's dashboard shows, in order: standard charts its roles allow, and custom charts. */
  async function dashboardLayout(datasetId: number): Promise<LayoutChart[]> {
    const [saved, roles] = await Promise.all([get(datasetId), dashboard.roles(datasetId)]);
    return visibleCharts(saved.layout, roles.charts);
  }

  const unsubscribe = events.on('datasets.changed', ({ reason, datasetId }) => {
    if (reason !== 'deleted' || datasetId === null) return;
    void db
      .connection('catalog')
      .then((catalog) => catalog.run(`DELETE FROM logscope.dashboard_layouts WHERE dataset_id = $id`, { id: datasetId }))
      .catch((error: unknown) => log.error('could not drop a saved dashboard', { datasetId, error }));
  });

  return { get, save, reset, copy, addChart, dashboardLayout, dispose: unsubscribe };
}

export type DashboardLayoutService = ReturnType<typeof createDashboardLayoutService>;

export function createDashboardsHandlers(
  layouts: DashboardLayoutService,
  custom: CustomChartService,
): Pick<
  Handlers,
  'dashboards.get' | 'dashboards.save' | 'dashboards.reset' | 'dashboards.copy' | 'dashboards.addChart' | 'dashboards.layout' | 'dashboards.chart' | 'dashboards.export'
> {
  return {
    'dashboards.get': (input) => layouts.get(input.datasetId),
    'dashboards.save': (input) => layouts.save(input.datasetId, input.layout),
    'dashboards.reset': (input) => layouts.reset(input.datasetId),
    'dashboards.copy': (input) => layouts.copy(input.datasetId, input.toDatasetId),
    'dashboards.addChart': (input) => layouts.addChart(input),
    'dashboards.layout': (input) => layouts.dashboardLayout(input.datasetId),
    'dashboards.chart': (input, { signal }) => custom.chart(input, signal),
    'dashboards.export': (input, { signal }) => custom.exportChart(input, signal),
  };
}
