// Account activation: the activation code from the registry office, then the SMS code and a new
// password, over the relay's JSON API.
import { postJson as post } from '/relay.js';
const $ = (id) => document.getElementById(id);
let activationId = null;
function show(ok, text) { $('result').className = ok ? 'ok' : 'error'; $('result').textContent = text; }
$('start').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    ({ activationId } = await post('/api/v1/activation/start', { idNumber: $('idNumber').value, activationCode: $('activationCode').value }));
    $('start').hidden = true;
    $('complete').hidden = false;
    show(true, '');
  } catch (err) { show(false, err.message); }
});
$('complete').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await post('/api/v1/activation/complete', {
      activationId, smsCode: $('smsCode').value, password: $('password').value, acceptTerms: $('acceptTerms').checked,
    });
    $('complete').hidden = true;
    show(true, 'Your account is active, with a cloud certificate ready to sign.');
  } catch (err) { show(false, err.message); }
});
