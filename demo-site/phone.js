// The simulated phone: the relay's dev outbox, polled every 2 s.
import { RELAY_URL } from '/config.js';
const $ = (id) => document.getElementById(id);
$('phone').value = new URLSearchParams(location.search).get('to') ?? localStorage.getItem('phone') ?? '';
async function refresh() {
  const to = $('phone').value.trim();
  localStorage.setItem('phone', to);
  const box = $('messages');
  if (!to) { box.textContent = 'Type a phone number.'; return; }
  try {
    const res = await fetch(`${RELAY_URL}/dev/outbox?to=${encodeURIComponent(to)}`);
    const messages = await res.json();
    box.replaceChildren(...messages.reverse().map((m) => {
      const p = document.createElement('p');
      p.className = 'sms';
      // The relay writes each SMS in the language its request asked for, which the outbox does not say.
      p.lang = '';
      p.textContent = `${m.sentAt} — ${m.text}`;
      return p;
    }));
    if (messages.length === 0) box.textContent = 'No messages yet.';
  } catch { box.textContent = 'The relay is not reachable (is it running with --dev?).'; }
}
$('phone').addEventListener('input', refresh);
refresh();
setInterval(refresh, 2000);
