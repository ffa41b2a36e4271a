// The API key of a service started with one: kept in sessionStorage (this tab, until it is
// closed) and asked for in the page's <dialog id="key-dialog"> when the service answers 401.

const $ = (id) => document.getElementById(id);
const KEY = 'neghash.apiKey';

export const keyStore = {
  get: () => sessionStorage.getItem(KEY),
  set: (k) => {
    sessionStorage.setItem(KEY, k);
    $('forget-key').hidden = false;
  },
  clear: () => {
    sessionStorage.removeItem(KEY);
    $('forget-key').hidden = true;
  },
};

/** Shows the key dialog with the service's message; resolves to the key, or null on cancel. */
function askKey(message) {
  const dialog = $('key-dialog');
  $('key-message').textContent = message || '';
  $('key-input').value = '';
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener('close', done);
      const k = $('key-input').value.trim();
      resolve(dialog.returnValue === 'ok' && k ? k : null);
    };
    dialog.addEventListener('close', done);
    dialog.returnValue = '';
    dialog.showModal();
    $('key-input').focus();
  });
}

/** Remembers a cancelled key prompt, so the event stream's retries do not ask again and again. */
let declined = false;

/** Whether the user cancelled the last key prompt. */
export function keyDeclined() {
  return declined;
}

/** Asks for the key; a cancel is remembered (see keyDeclined). */
export async function askKeyOnce(message) {
  const k = await askKey(message);
  declined = !k;
  $('enter-key').hidden = Boolean(k);
  return k;
}
