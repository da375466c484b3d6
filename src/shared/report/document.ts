/**
 * A message (a report or an alert) as plain words and numbers, already formatted in its
 * language, before it becomes HTML and plain text. Every string here may hold text from
 * a log and is escaped by the HTML writer, never before.
 */

export type ChangeTone = 'bad' | 'good' | 'neutral';

export interface FigureCell {
  id: string;
  label: string;
  value: string;
  /** `+4.9%`, `−0.42 pp`; null when there is nothing to compare with. */
  change: string | null;
  tone: ChangeTone;
  /** `before: 4,100`, or "no data before". */
  previous: string | null;
  /** A second line under the value (the busiest endpoint's requests). */
  detail: string | null;
  /** Takes a whole row (long text such as an endpoint). */
  wide: boolean;
}

export interface MailImage {
  /** Content-ID without the angle brackets; the HTML says `cid:<this>`. */
  cid: string;
  fileName: string;
  /** Layout size in CSS pixels; the PNG has twice as many. */
  width: number;
  height: number;
  alt: string;
}

export interface TableColumn {
  label: string;
  align: 'left' | 'right';
  /** Long text that may wrap anywhere (paths, templates). */
  wrap?: boolean;
}

export type MailBlock =
  | { kind: 'figures'; title: string; figures: FigureCell[] }
  | { kind: 'chart'; title: string; caption: string; image: MailImage }
  | { kind: 'table'; title: string; columns: TableColumn[]; rows: string[][]; empty: string; note: string | null }
  | { kind: 'paragraph'; text: string; tone: 'normal' | 'alert' };

export interface MailDocument {
  language: 'ko' | 'en';
  title: string;
  /** Lines under the title: the period, what it is compared with, when it was made. */
  subtitle: string[];
  /** Things to know before reading (a period anchored at the newest row, filters). */
  notes: string[];
  blocks: MailBlock[];
  footer: string[];
}
