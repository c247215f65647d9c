import { connect } from 'node:net';

/**
 * Writes a request to 127.0.0.1:port exactly as given (a declared length no client library would
 * send, a body cut short), and resolves with all that came back once the server closed the
 * connection; fails if it neither answered nor closed within 5 s.
 */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close in 5 s; received: ${received.slice(0, 200)}`));
    }, 5_000);
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}
