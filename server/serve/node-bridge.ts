import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Node's request as a web Request, so the API's edge (server/api/edge) and tRPC's fetch adapter run
 * unchanged. The body is pulled from the socket only as the reader asks for it, so a refused body is
 * never read; cancelling it pauses the socket instead of destroying it, so the refusal can still be sent.
 */
export function toWebRequest(req: IncomingMessage, signal: AbortSignal, options: { withoutBody?: boolean } = {}): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  // The Host header is checked by the edge rules; the URL only carries the path and query.
  const url = `http://localhost${req.url ?? '/'}`;
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || options.withoutBody) return new Request(url, { method, headers, signal });
  return new Request(url, { method, headers, signal, body: bodyStream(req), duplex: 'half' } as RequestInit);
}

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let stop = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        const onData = (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        };
        const onEnd = () => controller.close();
        const onError = (err: Error) => controller.error(err);
        req.on('data', onData).once('end', onEnd).once('error', onError);
        stop = () => {
          req.pause();
          req.off('data', onData).off('end', onEnd).off('error', onError);
        };
      },
      pull() {
        req.resume();
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Writes a web Response to Node's response, streaming its body (SSE included) with backpressure. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') res.appendHeader(name, value);
    else res.setHeader(name, value);
  }
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once('close', gone);
  try {
    // An event stream's client waits for its headers before the first event; other answers go in one write.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await writable(res);
    }
    res.end();
  } catch (err) {
    // A body that failed midway must not look complete to the client: cut the connection instead.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  } finally {
    res.off('close', gone);
  }
}

/** Resolves once the socket takes more data, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}
