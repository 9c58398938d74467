// node-soap (npm package `soap`) against the running emulator, built from the vendor's WSDL
// files with the endpoint pointed at the emulator, as an integrator's Node code is.
//
//   node client.js '{"base_url": ..., "auth_wsdl": FILE_OR_URL, "account_wsdl": FILE_OR_URL,
//                    "scenario": ..., "port": "Soap" | "Soap12",
//                    "force_soap12": false, "username": ..., "password": ..., "application_id": ...}'
//
// Prints one line per step (contract_tests/interop/README.md); test_node_soap.py compares the
// output line by line. Exits 1 with the error on stderr if a step fails unexpectedly.
'use strict';

const fs = require('fs');
const soap = require('soap');

const cfg = JSON.parse(process.argv[2]);
const scenario = JSON.parse(fs.readFileSync(cfg.scenario, 'utf8'));
const base = cfg.base_url.replace(/\/$/, '');

async function client(wsdl, service, urlPath) {
  const c = await soap.createClientAsync(wsdl, {
    endpoint: base + urlPath,
    forceSoap12Headers: Boolean(cfg.force_soap12),
    disableCache: true,
  });
  c.setEndpoint(base + urlPath);
  // the port the integrator chose: AuthenticateSoap / AuthenticateSoap12, ...
  const port = c[service][service + cfg.port];
  return { raw: c, call: (op, args) => port[op + 'Async'] ? port[op + 'Async'](args) : promisify(port[op], args) };
}

function promisify(fn, args) {
  return new Promise((resolve, reject) => {
    fn(args, (err, result, rawResponse, soapHeader, rawRequest) => {
      if (err) reject(err);
      else resolve([result, rawResponse, soapHeader, rawRequest]);
    });
  });
}

function mediaType(headers) {
  const value = headers['Content-Type'] || headers['content-type'] || '(none)';
  return String(value).split(';')[0].trim().toLowerCase();
}

function faultText(err) {
  const fault = err && err.root && err.root.Envelope && err.root.Envelope.Body
    && err.root.Envelope.Body.Fault;
  if (!fault) return 'unparsed: ' + (err && err.message);
  if (fault.faultstring !== undefined) return fault.faultstring;
  const text = fault.Reason && fault.Reason.Text;
  return typeof text === 'object' ? text.$value : text;
}

function saveLine(name, result) {
  const r = result.SaveBundleListResult;
  return `SaveBundleList ${name}: ${r.Type}` + (r.Description !== undefined ? ` | ${r.Description}` : '');
}

async function main() {
  const auth = await client(cfg.auth_wsdl, 'Authenticate', '/authenticate/v001/authenticate.asmx');
  const [login] = await auth.call('Login', {
    credential: {
      ApplicationId: cfg.application_id, Username: cfg.username, Password: cfg.password,
    },
  });
  const session = login.LoginResult;
  console.log(`Login: ${session}`);
  const setCookie = [].concat(auth.raw.lastResponseHeaders['set-cookie'] || []);
  const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('ASP.NET_SessionId='));
  const value = cookie ? cookie.slice('ASP.NET_SessionId='.length) : null;
  console.log('Set-Cookie ASP.NET_SessionId equals LoginResult: ' + (value === session ? 'yes' : `no (${value})`));
  console.log('Request: ' + mediaType(auth.raw.lastRequestHeaders));
  console.log('Response: ' + mediaType(auth.raw.lastResponseHeaders));
  auth.raw.addHttpHeader('Cookie', cookie);
  const [has] = await auth.call('HasSession', {});
  console.log(`HasSession: ${has.HasSessionResult}`);

  const anonymous = await client(cfg.account_wsdl, 'AccountService', '/Economy/Account/V004/Accountservice.asmx');
  try {
    await anonymous.call('GetTypeList', {});
    console.log('GetTypeList without session: no fault');
  } catch (err) {
    console.log(`GetTypeList without session: fault "${faultText(err)}"`);
  }

  const account = await client(cfg.account_wsdl, 'AccountService', '/Economy/Account/V004/Accountservice.asmx');
  account.raw.addHttpHeader('Cookie', cookie);
  let [id] = await account.call('GetEntryId', { argEntryId: scenario.entry_id });
  console.log(`GetEntryId: SortNo=${id.GetEntryIdResult.SortNo} EntryNo=${id.GetEntryIdResult.EntryNo}`);
  const [ok] = await account.call('SaveBundleList', { BundleList: scenario.balanced });
  console.log(saveLine('balanced', ok));
  const [vat] = await account.call('SaveBundleList', { BundleList: scenario.vat_error });
  console.log(saveLine('vat_error', vat));
  [id] = await account.call('GetEntryId', { argEntryId: scenario.entry_id });
  console.log(`GetEntryId: SortNo=${id.GetEntryIdResult.SortNo} EntryNo=${id.GetEntryIdResult.EntryNo}`);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  if (err && err.body) console.error(err.body);
  process.exit(1);
});
