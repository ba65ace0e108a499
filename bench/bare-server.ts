import restify from 'restify';
import { serverTiming } from '../http/server.ts';

/** The yardstick: a bare restify POST route, same framework and body parser, no bot. */
const server = restify.createServer({ name: 'bare' });
server.pre(serverTiming);
server.use(restify.plugins.jsonBodyParser({ mapParams: false }));
server.post('/echo', (req, res, next) => {
  res.send(200, { id: 'x', text: (req.body as { text?: string } | undefined)?.text ?? '' });
  return next();
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write('listening\n'));
