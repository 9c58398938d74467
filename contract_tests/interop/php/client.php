<?php
// PHP SoapClient (ext-soap) against the running emulator, built from the vendor's WSDL files with
// `location` pointed at the emulator, as an integrator's PHP code is.
//
//   php client.php '{"base_url": ..., "auth_wsdl": FILE_OR_URL, "account_wsdl": FILE_OR_URL,
//                    "scenario": ..., "soap_version": "1.1" | "1.2",
//                    "username": ..., "password": ..., "application_id": ...}'
//
// Prints one line per step (contract_tests/interop/README.md); test_php_soapclient.py compares
// the output line by line. Exits 1 with the SoapFault on stderr if a step fails unexpectedly.

require __DIR__ . '/soap.php';

$cfg = config($argv);
$scenario = json_decode(file_get_contents($cfg['scenario']), true, 512, JSON_THROW_ON_ERROR);

function media_type(string $headers): string
{
    preg_match('/^Content-Type:\s*([^;\r\n]+)/mi', $headers, $m);
    return $m ? strtolower(trim($m[1])) : '(none)';
}

function save_line(string $name, $result): string
{
    $r = $result->SaveBundleListResult;
    $line = "SaveBundleList $name: " . $r->Type;
    if (isset($r->Description)) {
        $line .= ' | ' . $r->Description;
    }
    return $line;
}

[$auth, $session] = login($cfg);
echo "Login: $session\n";
$cookies = $auth->__getCookies();
$cookie = $cookies['ASP.NET_SessionId'][0] ?? null;
echo 'Set-Cookie ASP.NET_SessionId equals LoginResult: ' . ($cookie === $session ? 'yes' : "no ($cookie)") . "\n";
echo 'Request: ' . media_type($auth->__getLastRequestHeaders()) . "\n";
echo 'Response: ' . media_type($auth->__getLastResponseHeaders()) . "\n";
echo 'HasSession: ' . var_export($auth->HasSession()->HasSessionResult, true) . "\n";

// A second client for AccountService: the session cookie is carried over by hand, as PHP
// integrations do (each SoapClient keeps its own cookies).
$anonymous = client($cfg, $cfg['account_wsdl'], '/Economy/Account/V004/Accountservice.asmx');
try {
    $anonymous->GetTypeList();
    echo "GetTypeList without session: no fault\n";
} catch (SoapFault $f) {
    echo 'GetTypeList without session: fault "' . $f->getMessage() . "\"\n";
}

$account = client($cfg, $cfg['account_wsdl'], '/Economy/Account/V004/Accountservice.asmx');
$account->__setCookie('ASP.NET_SessionId', $cookie);
$id = $account->GetEntryId(['argEntryId' => $scenario['entry_id']])->GetEntryIdResult;
echo "GetEntryId: SortNo={$id->SortNo} EntryNo={$id->EntryNo}\n";
echo save_line('balanced', $account->SaveBundleList(['BundleList' => $scenario['balanced']])) . "\n";
echo save_line('vat_error', $account->SaveBundleList(['BundleList' => $scenario['vat_error']])) . "\n";
$id = $account->GetEntryId(['argEntryId' => $scenario['entry_id']])->GetEntryIdResult;
echo "GetEntryId: SortNo={$id->SortNo} EntryNo={$id->EntryNo}\n";
