// The registry office: an operator registers a citizen whose DNI/NIE was checked in person.
import { postJson } from '/relay.js';
const $ = (id) => document.getElementById(id);
$('register').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(['idNumber', 'givenName', 'surname', 'birthDate', 'phone', 'email'].map((k) => [k, $(k).value]));
  const result = $('result');
  try {
    const answer = await postJson('/office/v1/citizens', body, { authorization: `Bearer ${$('token').value.trim()}` });
    result.className = 'ok';
    result.innerHTML = '';
    result.append('Registered. Activation code (shown once, hand it to the citizen): ');
    const code = document.createElement('strong');
    code.id = 'activation-code';
    code.textContent = answer.activationCode;
    result.append(code);
  } catch (err) {
    result.className = 'error';
    result.textContent = `Not registered: ${err.message}`;
  }
});
