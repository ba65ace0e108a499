import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { serverTiming } from '../http/server.ts';

/**
 * The anchor: botbuilder's stock CloudAdapter with an echo ActivityHandler, anonymous, no storage, as the
 * BotBuilder-Samples echo bot runs. Line One's turns are reported as a ratio to this.
 */
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new ActivityHandler().onMessage(async (context, next) => {
  await context.sendActivity(`Echo: ${context.activity.text}`);
  await next();
});
const server = restify.createServer({ name: 'echo' });
server.pre(serverTiming);
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => adapter.process(req, res, (context) => bot.run(context)));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write('listening\n'));
