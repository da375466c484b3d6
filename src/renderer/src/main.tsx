import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './ui/global.css';
import { connectApi } from './app/api-connect';
import { Root } from './app/Root';

const container = document.getElementById('root');
if (!container) throw new Error('no #root');
const root = createRoot(container);

connectApi(() => document.body.setAttribute('data-connection', 'lost')).then(
  (api) => root.render(<Root api={api} />),
  (error: unknown) => {
    container.textContent = `Logscope could not connect: ${error instanceof Error ? error.message : String(error)}`;
  },
);
