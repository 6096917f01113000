// The demo pages' one way to call the relay's JSON API: an error answer becomes an Error
// carrying the relay's own error_description.
import { RELAY_URL } from '/config.js';

export { RELAY_URL };

export async function postJson(path, body, headers = {}) {
  const res = await fetch(`${RELAY_URL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.error_description ?? res.statusText);
  return answer;
}
