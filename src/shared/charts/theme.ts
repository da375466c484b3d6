/**
 * Colours of the charts in the light and dark themes. One palette for the screen, the
 * exported files and the e-mailed report; on screen the background is left transparent
 * so the card behind shows through, in files it is filled.
 */
export interface ChartTheme {
  mode: 'light' | 'dark';
  background: string;
  text: string;
  mutedText: string;
  axisLine: string;
  splitLine: string;
  tooltipBackground: string;
  /** Series colours in order. */
  palette: readonly string[];
  /** Status classes 1xx–5xx and "no status". */
  statusClass: Readonly<Record<'1' | '2' | '3' | '4' | '5' | 'none', string>>;
  /** Levels by severity; unknown levels take the palette. */
  level: Readonly<Record<'debug' | 'info' | 'warn' | 'error' | 'fatal', string>>;
  unusual: string;
  threshold: string;
  /** Heatmap from few to many. */
  heat: readonly string[];
}

export const lightChartTheme: ChartTheme = {
  mode: 'light',
  background: '#ffffff',
  text: '#212529',
  mutedText: '#6b7280',
  axisLine: '#ced4da',
  splitLine: '#eceff3',
  tooltipBackground: '#ffffff',
  palette: ['#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#fd7e14', '#e64980', '#82c91e', '#868e96'],
  statusClass: { '1': '#adb5bd', '2': '#40c057', '3': '#4dabf7', '4': '#fab005', '5': '#fa5252', none: '#ced4da' },
  level: { debug: '#adb5bd', info: '#4c6ef5', warn: '#fab005', error: '#fa5252', fatal: '#a61e4d' },
  unusual: '#e03131',
  threshold: '#868e96',
  heat: ['#f1f3f5', '#bac8ff', '#748ffc', '#4263eb', '#364fc7'],
};

export const darkChartTheme: ChartTheme = {
  mode: 'dark',
  background: '#1f1f1f',
  text: '#e9ecef',
  mutedText: '#a6a7ab',
  axisLine: '#4a4d52',
  splitLine: '#2e3033',
  tooltipBackground: '#2e2e2e',
  palette: ['#748ffc', '#38d9a9', '#ffd43b', '#ff8787', '#9775fa', '#3bc9db', '#ffa94d', '#f783ac', '#a9e34b', '#adb5bd'],
  statusClass: { '1': '#868e96', '2': '#51cf66', '3': '#74c0fc', '4': '#ffd43b', '5': '#ff6b6b', none: '#5c5f66' },
  level: { debug: '#868e96', info: '#748ffc', warn: '#ffd43b', error: '#ff6b6b', fatal: '#f06595' },
  unusual: '#ff6b6b',
  threshold: '#909296',
  heat: ['#25262b', '#364fc7', '#4c6ef5', '#91a7ff', '#dbe4ff'],
};

export const chartThemes = { light: lightChartTheme, dark: darkChartTheme } as const;

/** The colour of a level value (`WARNING` and `warn` alike). */
export function levelColor(theme: ChartTheme, level: string, index: number): string {
  const word = level.trim().toLowerCase();
  if (/^(trace|debug|dbg|fine|finer|finest|verbose)$/.test(word)) return theme.level.debug;
  if (/^(info|information|informational|notice|config)$/.test(word)) return theme.level.info;
  if (/^(warn|warning)$/.test(word)) return theme.level.warn;
  if (/^(error|err|severe)$/.test(word)) return theme.level.error;
  if (/^(fatal|critical|crit|alert|emerg|emergency|panic)$/.test(word)) return theme.level.fatal;
  return theme.palette[index % theme.palette.length]!;
}

export function statusClassColor(theme: ChartTheme, statusClass: number | null): string {
  const key = statusClass !== null && statusClass >= 1 && statusClass <= 5 ? (String(statusClass) as '1') : 'none';
  return theme.statusClass[key];
}
