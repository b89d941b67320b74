import { Server, Socket, createServer } from 'node:net';

/**
 * A TCP proxy between an API process and Postgres, to cut the database away without touching the
 * shared Postgres server:
 *
 * - `pass`: bytes flow both ways;
 * - `reset`: every open connection is destroyed and new ones are accepted and dropped at once (the
 *   server went away mid-conversation: "Connection terminated unexpectedly");
 * - `refuse`: nothing listens on the port any more (ECONNREFUSED), as when the server is down;
 * - `blackhole`: open connections are destroyed and new ones are accepted but never answered (a
 *   partition: the client's connect timeout has to fire).
 */
export type ProxyMode = 'pass' | 'reset' | 'refuse' | 'blackhole';

export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private mode: ProxyMode = 'pass';
  port = 0;
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(port = 0): Promise<number> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    this.server = server;
    return this.port;
  }

  async set(mode: ProxyMode): Promise<void> {
    this.mode = mode;
    if (mode !== 'pass') this.dropAll();
    if (mode === 'refuse' && this.server) {
      const server = this.server;
      this.server = null;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (mode !== 'refuse' && !this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.dropAll();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'reset') {
      client.destroy();
      return;
    }
    if (this.mode === 'blackhole') return; // held open, never answered, until the mode changes
    this.connections++;
    const upstream = new Socket();
    this.track(upstream);
    upstream.connect(this.targetPort, this.targetHost);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
