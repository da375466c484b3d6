import { once } from 'node:events';
import net from 'node:net';

export interface DropProxy {
  host: '127.0.0.1';
  port: number;
  /**
   * Drop every open and future connection once `bytes` more server→client bytes have passed
   * (counted per connection from now, or from its start for later connections).
   * `once` (default true): the first drop disarms the proxy, so a client's reconnect gets through.
   */
  arm(bytes: number, options?: { once?: boolean }): void;
  /** Pass everything through. */
  disarm(): void;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections cut by the proxy so far. */
  readonly drops: number;
  /** Resolves when the proxy has cut `n` connections in total. */
  waitForDrops(n: number): Promise<void>;
  stop(): Promise<void>;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** Server→client bytes this connection may still pass; undefined when unarmed. */
  budget: number | undefined;
  isCut: boolean;
}

/**
 * A TCP proxy on 127.0.0.1 that forwards to `targetPort` and can cut a connection after a given
 * number of server→client bytes, to make a download fail half-way (TLS passes through untouched,
 * so the count is of TLS record bytes on an implicit-TLS port).
 */
export async function startDropProxy(
  targetPort: number,
  { dropAfterBytes, once: dropOnce = true, targetHost = '127.0.0.1' }: {
    dropAfterBytes?: number;
    once?: boolean;
    targetHost?: string;
  } = {},
): Promise<DropProxy> {
  let armedBytes: number | undefined = dropAfterBytes;
  let armedOnce = dropOnce;
  let connections = 0;
  let drops = 0;
  const links = new Set<Link>();
  const dropWaiters: Array<{ n: number; resolve: () => void }> = [];

  const cut = (link: Link, lastChunk: Buffer) => {
    link.isCut = true;
    link.budget = undefined;
    links.delete(link);
    drops++;
    if (armedOnce) disarm();
    link.upstream.destroy();
    // Deliver the allowed bytes, then close: the client sees a connection that ends mid-response.
    link.client.write(lastChunk, () => link.client.destroy());
    for (const waiter of dropWaiters.filter((w) => drops >= w.n)) {
      dropWaiters.splice(dropWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const disarm = () => {
    armedBytes = undefined;
    for (const link of links) link.budget = undefined;
  };

  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect({ host: targetHost, port: targetPort });
    const link: Link = { client, upstream, budget: armedBytes, isCut: false };
    links.add(link);
    const close = () => {
      links.delete(link);
      upstream.destroy();
      // A cut connection closes the client itself once the allowed bytes are flushed.
      if (!link.isCut) client.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (link.budget !== undefined) {
        if (chunk.length >= link.budget) {
          cut(link, chunk.subarray(0, link.budget));
          return;
        }
        link.budget -= chunk.length;
      }
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    arm(bytes, options = {}) {
      if (!Number.isInteger(bytes) || bytes < 0) throw new Error(`invalid byte count: ${bytes}`);
      armedBytes = bytes;
      armedOnce = options.once ?? true;
      for (const link of links) link.budget = bytes;
    },
    disarm,
    get connections() {
      return connections;
    },
    get drops() {
      return drops;
    },
    waitForDrops(n) {
      if (drops >= n) return Promise.resolve();
      return new Promise((resolve) => dropWaiters.push({ n, resolve }));
    },
    async stop() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
