// Drop-down menus (<details class="menu">) whose items float above everything: placed with fixed
// positioning next to their button, below it when there is room and above it otherwise, so no
// scroll box (the jobs table's) clips them. A scroll, a resize, Escape or a click elsewhere closes
// them.

const MARGIN = 4;

/** Places the open menu's item list inside the viewport, next to its summary button. */
export function placeMenu(details) {
  const list = details.querySelector('.menu-items');
  if (!list || !details.open) return;
  const button = details.querySelector('summary').getBoundingClientRect();
  list.style.position = 'fixed';
  list.style.top = '0px';
  list.style.left = '0px';
  list.style.right = 'auto';
  const box = list.getBoundingClientRect();
  const below = window.innerHeight - button.bottom - MARGIN;
  const top = box.height <= below || button.top < box.height + MARGIN
    ? button.bottom + MARGIN
    : button.top - box.height - MARGIN;
  const left = Math.min(Math.max(MARGIN, button.right - box.width), window.innerWidth - box.width - MARGIN);
  list.style.top = `${Math.max(MARGIN, Math.round(top))}px`;
  list.style.left = `${Math.round(left)}px`;
}

function closeAll(except) {
  for (const d of document.querySelectorAll('details.menu[open]')) {
    if (d !== except) d.open = false;
  }
}

/** Wires every present and future menu of the page; call once. */
export function wireMenus() {
  document.addEventListener('toggle', (e) => {
    const d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.classList.contains('menu') || !d.open) return;
    closeAll(d);
    placeMenu(d);
  }, true);
  document.addEventListener('click', (e) => {
    if (!e.target.closest('details.menu')) closeAll(null);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const open = document.querySelector('details.menu[open]');
    if (open) {
      open.open = false;
      open.querySelector('summary').focus();
    }
  });
  // A fixed list would stay put while its button scrolls away: close it instead.
  window.addEventListener('scroll', () => closeAll(null), true);
  window.addEventListener('resize', () => closeAll(null));
}
