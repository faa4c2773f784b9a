// A real OpenID Connect provider for the SSO tests (tests/review/accounts/servers.py starts it).
// Built on the npm package oidc-provider (panva, OpenID-certified): discovery, authorization
// code flow with PKCE, ID tokens signed RS256, JWKS and userinfo are the library's own. Only the
// login page is ours, because the library's development login accepts any name without a
// password. Made-up accounts; configured by the environment variables the fixture sets.
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  'anna.schmidt': {
    password: 'anna-kennwort',
    claims: {
      given_name: 'Anna', family_name: 'Schmidt', email: 'Anna.Schmidt@musterstadt.test',
      groups: ['integration-sachbearbeitung'],
    },
  },
  'bernd.yilmaz': {
    password: 'bernd-kennwort',
    claims: {
      given_name: 'Bernd', family_name: 'Yilmaz', email: 'bernd.yilmaz@musterstadt.test',
      groups: ['integration-leitung', 'stellwerk-administration'],
    },
  },
  'dieter.krause': {
    password: 'dieter-kennwort',
    claims: {
      given_name: 'Dieter', family_name: 'Krause', email: 'dieter.krause@musterstadt.test',
      groups: ['it-abteilung'],
    },
  },
  'emil.gast': {
    password: 'emil-kennwort',
    claims: {
      given_name: 'Emil', family_name: 'Gast', email: 'emil.gast@musterstadt.test',
      groups: ['integration-sachbearbeitung'],
    },
  },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'preferred_username', 'groups'],
  },
  cookies: { keys: ['stellwerk-test-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, email_verified: true, ...account.claims };
      },
    };
  },
});

function page(uid, message) {
  return `<!doctype html><title>Anmeldung</title>
<form method="post" action="/interaction/${uid}">
<p>${message}</p>
<label>Benutzername <input name="login"></label>
<label>Kennwort <input name="password" type="password"></label>
<button type="submit">Anmelden</button>
</form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page(uid, 'Bitte melden Sie sich an.'));
    return;
  }
  const form = await readForm(req);
  const login = form.get('login') || '';
  const account = ACCOUNTS[login];
  if (!account || account.password !== form.get('password')) {
    res.statusCode = 401;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(page(uid, 'Benutzername oder Kennwort falsch.'));
    return;
  }
  // A first-party client: consent is given with the login, as city providers do for staff.
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req, res, { login: { accountId: login }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const callback = provider.callback();
http.createServer((req, res) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(req.url.split('?')[0]);
  if (!match) {
    callback(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    res.statusCode = 500;
    res.end(String(error));
  });
}).listen(port, '127.0.0.1');
