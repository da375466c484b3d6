import { bilingual } from '../bilingual';

/** The SQL console. */
export const consoleMessages = bilingual(
  {
    nav: { analyse: 'Analyse', console: 'SQL console' },
    console: {
      title: 'SQL console',
      editor: 'SQL editor',
      run: 'Run',
      runHint: 'Runs the statement under the cursor (Ctrl+Enter, ⌘+Enter on a Mac)',
      cancel: 'Cancel',
      export: 'Export result',
      summary: '{{count, number}} rows in {{ms, number}} ms',
      confined: 'Read-only: one SELECT over the datasets and Logscope’s views (logscope.sources, logscope.rejects, logscope.patterns).',
      history: 'History',
      noHistory: 'Queries you run appear here.',
      rows_one: '{{count, number}} row',
      rows_other: '{{count, number}} rows',
    },
  },
  {
    nav: { analyse: '분석', console: 'SQL 콘솔' },
    console: {
      title: 'SQL 콘솔',
      editor: 'SQL 편집기',
      run: '실행',
      runHint: '커서가 있는 문장을 실행합니다 (Ctrl+Enter, Mac은 ⌘+Enter)',
      cancel: '취소',
      export: '결과 내보내기',
      summary: '{{count, number}}행 · {{ms, number}} ms',
      confined: '읽기 전용: 데이터셋과 Logscope 뷰(logscope.sources, logscope.rejects, logscope.patterns)에 대한 SELECT 하나만 실행합니다.',
      history: '실행 기록',
      noHistory: '실행한 쿼리가 여기에 나타납니다.',
      rows_one: '{{count, number}}행',
      rows_other: '{{count, number}}행',
    },
  },
);
