import type { ServerResponse } from 'node:http';

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
