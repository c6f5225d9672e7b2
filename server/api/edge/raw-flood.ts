import net from 'node:net';

/**
 * Hostile clients for the HTTP edge over raw sockets (tests and `npm run attack`): each declares a body
 * (Content-Length), sends part of it and then nothing, the way a slow-body denial of service does.
 */
export interface FloodSocket {
  /** What the server wrote back so far (status line, headers, body). */
  readonly answer: string;
  /** Bytes of the body written so far. */
  readonly sent: number;
  /** Resolves when the server closed the connection (or it failed). */
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
  destroy(): void;
}

export interface FloodOptions {
  port: number;
  host?: string;
  /** The procedure path, e.g. records.produce. */
  procedure: string;
  /** The Content-Length announced. */
  declared: number;
  /** How much of the body to send before stalling. */
  send: number;
  headers?: Record<string, string>;
  /** Bytes written per write (default 64 KiB). */
  chunkBytes?: number;
}

export function floodSocket(options: FloodOptions): FloodSocket {
  const host = options.host ?? '127.0.0.1';
  const socket = net.connect(options.port, host);
  let answer = '';
  let sent = 0;
  let isClosed = false;
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      isClosed = true;
      resolve();
    });
  });
  socket.on('error', () => {});
  socket.on('data', (d) => {
    if (answer.length < 64 * 1024) answer += d.toString('latin1');
  });
  const headers = {
    host: `${host}:${options.port}`,
    'content-type': 'application/json',
    'content-length': String(options.declared),
    ...options.headers,
  };
  const head = `POST /api/trpc/${options.procedure} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
  const chunk = Buffer.alloc(options.chunkBytes ?? 64 * 1024, 0x20); // JSON whitespace
  socket.once('connect', () => {
    socket.write(head);
    const pump = () => {
      while (sent < options.send && !socket.destroyed) {
        const n = Math.min(chunk.length, options.send - sent);
        sent += n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  return {
    get answer() {
      return answer;
    },
    get sent() {
      return sent;
    },
    closed,
    get isClosed() {
      return isClosed;
    },
    destroy: () => socket.destroy(),
  };
}

/** The status of an HTTP answer's first line, or null before one arrived. */
export const answerStatus = (answer: string): number | null => {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(answer);
  return m ? Number(m[1]) : null;
};
