// Entering and leaving the desk in the page: after sign-in the catalogue is loaded and live updates start; on
// sign-out (or an expired session) they stop and the sign-in page says why.
import { get, whenExpired } from './api.ts';
import { connectEvents, disconnectEvents } from './events.ts';
import { catalog, type Catalog, type Me, notice, session } from './state.ts';

export async function enter(me: Me): Promise<void> {
  notice.value = '';
  session.value = me;
  if (me.user.mustChangePassword) return;
  catalog.value = await get<Catalog>('/catalog');
  connectEvents(() => signedOut());
}

export function signedOut(message = '登录已过期，请重新登录。'): void {
  disconnectEvents();
  session.value = null;
  notice.value = message;
}

whenExpired(() => {
  if (session.value) signedOut();
});
