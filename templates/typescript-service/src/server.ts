/**
 * A small HTTP service that uses the GPUaaS in-app helpers.
 *
 *   GET  /healthz      200 when serving, 503 while starting or stopping
 *   POST /v1/analyze   {"text": "..."} -> {"words": N, "characters": N}
 *
 * Each analysis meters one request and its characters. Outside the platform
 * (GPUAAS_RUNTIME_URL unset) the helpers resolve to { accepted: false, reason: 'no-runtime' }.
 */
import http from 'node:http';
import { meter, ready, status } from '@gpuaas/sdk/app';

const port = Number(process.env.PORT ?? '3000');
const maxBodyBytes = 64 * 1024;
let serving = false;

function send(response: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) throw new Error(`body larger than ${maxBodyBytes} bytes`);
    chunks.push(buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
}

async function analyze(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  let text: unknown;
  try {
    const body = await readJson(request);
    text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  } catch (error) {
    return send(response, 400, { error: error instanceof Error ? error.message : 'bad body' });
  }
  if (typeof text !== 'string') return send(response, 400, { error: 'expected JSON {"text": string}' });
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  try {
    await meter('requests', 1);
    await meter('characters', text.length);
  } catch (error) {
    // Unbilled work is refused rather than given away; the client may retry.
    console.error('meter failed:', error);
    return send(response, 503, { error: 'usage could not be recorded, retry later' });
  }
  send(response, 200, { words, characters: text.length });
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') {
    return send(response, serving ? 200 : 503, { status: serving ? 'ok' : 'unavailable' });
  }
  if (request.method === 'POST' && request.url === '/v1/analyze') {
    analyze(request, response).catch((error: unknown) => {
      console.error(error);
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
    });
    return;
  }
  send(response, 404, { error: 'not found' });
});

function stop(): void {
  serving = false;
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open past the grace period.
  server.closeIdleConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(port, () => {
  serving = true;
  console.log(`listening on :${port}`);
  void ready()
    .then(() => status(`serving on :${port}`))
    .catch((error: unknown) => console.error('could not reach the runtime:', error));
});
