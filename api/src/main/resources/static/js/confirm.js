// Asks before anything is deleted, in the page's own <dialog id="confirm-dialog">.

const $ = (id) => document.getElementById(id);

/**
 * Shows the question with a button named `action`; resolves to true when the user confirms, false
 * on Cancel or Escape.
 */
export function confirmAction(question, action) {
  const dialog = $('confirm-dialog');
  $('confirm-text').textContent = question;
  $('confirm-ok').textContent = action;
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener('close', done);
      resolve(dialog.returnValue === 'ok');
    };
    dialog.addEventListener('close', done);
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}
