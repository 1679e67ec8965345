// socket.io 4.8.4 peer for Parley's side-by-side benchmark (docs/performance.md): rooms and acks, no persistence.
//
// Protocol (socket.io events over the WebSocket transport only):
//   connect with auth {token}: token = base64url(user) "." base64url(HMAC-SHA256(BENCH_SECRET, user)),
//     refused (connect_error) when the signature does not match
//   "join" (room, ack)            -> socket joins the room; ack({room})
//   "send" ({room, id, text}, ack) -> "message" {room, id, sender, text, ts} to every member of the room
//                                     (the sender too), then ack({room, id})
// Heartbeats are socket.io's defaults (ping every 25 s).
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 3000);
const secret = process.env.BENCH_SECRET || 'parley-bench-secret';

function userOf(token) {
  if (typeof token !== 'string') return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const user = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = crypto.createHmac('sha256', secret).update(user).digest();
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? user : null;
}

const httpServer = http.createServer((req, res) => {
  res.writeHead(404).end();
});
const io = new Server(httpServer, { transports: ['websocket'], serveClient: false });

io.use((socket, next) => {
  const user = userOf(socket.handshake.auth && socket.handshake.auth.token);
  if (user === null) return next(new Error('unauthorized'));
  socket.data.user = user;
  next();
});

io.on('connection', (socket) => {
  socket.on('join', (room, ack) => {
    if (typeof room !== 'string' || typeof ack !== 'function') return;
    socket.join(room);
    ack({ room });
  });
  socket.on('send', (msg, ack) => {
    if (msg === null || typeof msg !== 'object' || typeof ack !== 'function') return;
    if (!socket.rooms.has(msg.room)) {
      ack({ room: msg.room, id: msg.id, error: 'not_joined' });
      return;
    }
    io.to(msg.room).emit('message', {
      room: msg.room, id: msg.id, sender: socket.data.user, text: msg.text, ts: Date.now(),
    });
    ack({ room: msg.room, id: msg.id });
  });
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`socket.io peer listening on 127.0.0.1:${port}`);
});
