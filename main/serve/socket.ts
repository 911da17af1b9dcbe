// One WebSocket = one service client: requests are answered in the contract's Reply shape,
// events are pushed as they come, and closing the socket disposes the client (leaves its
// rooms, detaches its segments).
import type { WebSocket } from 'ws';
import type { Service } from '../service';
import { decode, encode } from '../../common/wire';

/** A socket whose peer stops reading is cut rather than buffering without limit; with the
 *  server's connection limit this bounds all send buffers (16 sockets × 16 MiB by default). */
const MAX_BUFFERED = 16 * 1024 * 1024;

export function serveSocket(socket: WebSocket, service: Service): void {
  const send = (message: unknown): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED) {
      socket.close(1008, 'client is not reading');
      return;
    }
    socket.send(encode(message));
  };
  const client = service.connect((event, payload) => send({ event, payload }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(1003, 'text frames only');
      return;
    }
    let request: unknown;
    try {
      request = decode(data.toString());
    } catch {
      socket.close(1007, 'malformed JSON');
      return;
    }
    const { id, method, args } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
      socket.close(1008, 'request without a numeric id');
      return;
    }
    void client.call(method, args).then((reply) => send({ id, ...reply }));
  });
  socket.on('close', () => { void client.dispose(); });
  socket.on('error', () => { socket.terminate(); });
}
