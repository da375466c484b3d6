import { describe, expect, it } from 'vitest';
import { resources } from '../i18n';
import { chartAriaDescription, withChartAria } from './aria';
import type { Translate } from './describe';

/** i18next's interpolation, enough for these messages. */
const translator =
  (language: 'en' | 'ko'): Translate =>
  (key, params = {}) => {
    const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], resources[language].translation) as string;
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name]));
  };

describe('chartAriaDescription', () => {
  it('when a chart is over time, names its range with the zone and the peak of the stacked series', () => {
    const text = chartAriaDescription(
      {
        title: 'Requests per minute',
        categories: ['09:00', '09:41', '10:00'],
        series: [
          { name: '2xx', values: [10, 1200, 5] },
          { name: '5xx', values: [1, 3, null] },
        ],
        zoneLabel: 'Asia/Seoul (UTC+09:00)',
      },
      translator('en'),
      'en',
    );
    expect(text).toBe('Requests per minute, 09:00 – 10:00 Asia/Seoul (UTC+09:00), peak 1,203 at 09:41. Series: 2xx, 5xx.');
  });

  it('when a chart is by category, names the largest entry, in Korean too', () => {
    const input = { title: '상위 엔드포인트', categories: ['/a', '/b'], series: [{ name: '', values: [3, 4500] }], zoneLabel: null };
    expect(chartAriaDescription(input, translator('ko'), 'ko')).toBe('상위 엔드포인트: 항목 2개, 가장 큰 값 /b (4,500).');
  });

  it('when there is no data, says so', () => {
    expect(chartAriaDescription({ title: 'Latency', categories: [], series: [], zoneLabel: null }, translator('en'), 'en')).toBe('Latency: no data.');
  });
});

describe('withChartAria', () => {
  it('reads the category axis and [x, y] or { value } items from the option', () => {
    const option = withChartAria(
      {
        yAxis: { type: 'category', data: ['GET /x', { value: 'GET /y' }] },
        xAxis: { type: 'value' },
        series: [{ type: 'bar', name: 'hits', data: [[0, 7], { value: 9 }] }],
      },
      'Top endpoints',
      null,
      translator('en'),
      'en',
    );
    expect(option.aria).toEqual({ enabled: true, label: { description: 'Top endpoints: 2 entries, the largest GET /y (9).' } });
  });
});
